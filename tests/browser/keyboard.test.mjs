// keyboard.test.mjs - the lab without a mouse: from the top of the page,
// only Tab, Shift+Tab, Enter, Space and the arrow keys (page.keyboard; no
// click, no focus() call) reach and use Run, a setting, the lesson's step
// buttons and an experiment button, in English and in Persian.  What each
// key did is read from the lab's own state (window.gradlab.debug(),
// window.gradlabLesson.debug()), not from the DOM alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, waitReady, TIMEOUT } from './helpers.mjs';

let env;
before(async () => { env = await setup(); });
after(async () => { if (env) await env.close(); });

/* Presses Tab (or Shift+Tab) until the focused element matches sel; the
   elements passed on the way, for the message when it never comes. */
async function tabTo(page, sel, { back = false, max = 250 } = {}) {
  const passed = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const at = await page.evaluate((s) => {
      const a = document.activeElement;
      return { hit: !!a && a.matches(s), name: a ? `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}${a.className ? '.' + String(a.className).split(' ').join('.') : ''}` : 'none' };
    }, sel);
    if (at.hit) return passed.length + 1;
    passed.push(at.name);
  }
  throw new Error(`${sel} never took focus in ${max} Tab presses; passed ${passed.slice(0, 40).join(' ')}`);
}

const debug = (page) => page.evaluate(() => window.gradlab.debug());
const lesson = (page) => page.evaluate(() => window.gradlabLesson.debug());

for (const lang of ['en', 'fa']) {
  test(`keyboard only (${lang}): Run, a setting, the lesson's steps and an experiment`, { timeout: 4 * TIMEOUT }, async () => {
    const { page, log } = await env.newPage();
    await page.goto(`${env.url}?lang=${lang}&depth=6&steps=40&record_every=10`);
    await waitReady(page);
    await page.waitForSelector('#lesson .lesson-step', { timeout: TIMEOUT });

    /* Run: Tab to it, Enter; the run ends (phase finished) */
    await tabTo(page, '#btn-run');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.gradlab.debug().phase === 'finished', null, { timeout: TIMEOUT });
    assert.equal((await debug(page)).latest.plain.step, 40, 'Enter on Run trained to the last step');

    /* a setting: the activation's select, changed with the arrow keys */
    const before = (await debug(page)).config.act;
    await tabTo(page, '#set-act');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((a) => window.gradlab.debug().config.act !== a && window.gradlab.debug().phase === 'ready', before, { timeout: TIMEOUT });
    const after1 = (await debug(page)).config.act;
    assert.notEqual(after1, before, `ArrowDown on the activation: ${before} -> ${after1}`);

    /* the lesson: Next (Enter) goes one step on and puts focus on the step's title */
    const at = (await lesson(page)).index;
    await tabTo(page, '#lesson-next');
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => window.gradlabLesson.debug().index === i + 1, at, { timeout: TIMEOUT });
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'lesson-step-title', 'focus moves to the new step');
    /* Previous with Space, then Next again */
    await tabTo(page, '#lesson-prev', { back: true });
    await page.keyboard.press('Space');
    await page.waitForFunction((i) => window.gradlabLesson.debug().index === i, at, { timeout: TIMEOUT });
    await tabTo(page, '#lesson-next');
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => window.gradlabLesson.debug().index === i + 1, at, { timeout: TIMEOUT });

    /* an experiment button, with Space: it runs, and its answer appears */
    await tabTo(page, '#lesson .run-experiment');
    const id = await page.evaluate(() => document.activeElement.closest('[data-experiment-id]').dataset.experimentId);
    await page.keyboard.press('Space');
    await page.waitForFunction((x) => {
      const r = window.gradlabLesson.debug().results[x];
      return r && r.state === 'done';
    }, id, { timeout: 3 * TIMEOUT });
    assert.ok(await page.isVisible(`#lesson [data-experiment-id="${id}"] .answer`), `experiment ${id}: its answer is shown`);
    assert.deepEqual(log.errors, []);
    await page.close();
  });
}
