// pixels.mjs - the page before and after a change, compared pixel by pixel.
// Not a test of the suite (a refactor's check, run by hand): it serves each
// site folder in turn (tests/browser/helpers.mjs), runs the same short
// experiment in English and in Persian at 1366x768, takes the viewport and
// the whole page, and counts the pixels that differ between the two folders'
// shots (decoded and compared in chromium: no PNG library needed).  A pair
// that differs gets a third image beside it, the differing pixels in red.
//
//   make all && cp -a build/site build/site-main        # the "before" (main's code)
//   ... change the page, make site ...
//   node tests/browser/pixels.mjs build/site-main build/site
//
// Prints one line per shot: its name, the differing pixels and their box.
// Exit code 1 when any pair differs by more than --tolerance pixels (default 0).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { setup, runToEnd, ROOT, TIMEOUT } from './helpers.mjs';

const args = process.argv.slice(2);
const tolArg = args.indexOf('--tolerance');
const tolerance = tolArg >= 0 ? Number(args.splice(tolArg, 2)[1]) : 0;
if (args.length !== 2) {
  console.error('usage: node tests/browser/pixels.mjs <before-site> <after-site> [--tolerance N]');
  process.exit(2);
}
const sites = args.map((a) => resolve(ROOT, a));
const OUT = join(ROOT, 'test-output', 'pixels');

/* the same short run as screenshots.test.mjs: both stacks to their end, the boundaries drawn */
const SCENES = [
  { name: 'lab-en', query: '?depth=30&act=sigmoid&init=xavier&steps=200&lang=en' },
  { name: 'lab-fa', query: '?depth=30&act=sigmoid&init=xavier&steps=200&lang=fa' },
];
const VIEWPORT = { width: 1366, height: 768 };

/** Shoots every scene from one site folder into OUT/<label>/. */
async function shoot(root, label) {
  const env = await setup({ root });
  const dir = join(OUT, label);
  mkdirSync(dir, { recursive: true });
  const files = [];
  try {
    for (const s of SCENES) {
      const { page } = await env.newPage({ viewport: VIEWPORT });
      /* no animation: a caret or a pulse caught mid-way is not a difference */
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.goto(env.url + s.query);
      /* helpers.waitReady, with the chart's name before the registry (grad) and after it (grad_norm) */
      await page.waitForFunction(() => {
        const d = window.gradlab && window.gradlab.debug();
        const g = d && d.config && (d.charts.grad_norm || d.charts.grad);
        return g && g[1].data.length > 0;
      }, null, { timeout: TIMEOUT });
      await runToEnd(page);
      await page.waitForFunction(() => {
        const c = window.gradlab.debug().charts;
        const b = c.boundary_residual || c.boundaryResidual;
        return b && b.hasImage && window.gradlabLesson && window.gradlabLesson.debug().step;
      }, null, { timeout: TIMEOUT });
      await page.evaluate(() => document.fonts.ready);
      /* the throttled redraws (charts, chain chart, text alternatives) settle; the offline line is timing, not the page */
      await page.waitForTimeout(2500);
      await page.evaluate(() => {
        const o = document.getElementById('offline-status');
        if (o) o.style.visibility = 'hidden';
        /* a focus ring that comes and goes (the form rebuilt under it) is not the page either */
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
      });
      for (const full of [false, true]) {
        const f = join(dir, `${s.name}${full ? '-full' : ''}.png`);
        await page.screenshot({ path: f, fullPage: full });
        files.push(f);
      }
      await page.close();
    }
  } finally {
    await env.close();
  }
  return files;
}

const [before, after] = [await shoot(sites[0], 'before'), await shoot(sites[1], 'after')];

/* decode and compare in the browser: two data URLs in, the count and the box out */
const env = await setup({ root: sites[0] });
const { page } = await env.newPage();
await page.goto(env.url + '?lang=en');
let worst = 0;
for (let i = 0; i < before.length; i++) {
  const a = `data:image/png;base64,${readFileSync(before[i]).toString('base64')}`;
  const b = `data:image/png;base64,${readFileSync(after[i]).toString('base64')}`;
  const r = await page.evaluate(async ([ua, ub]) => {
    const load = (u) => new Promise((ok, no) => { const im = new Image(); im.onload = () => ok(im); im.onerror = no; im.src = u; });
    const [ia, ib] = await Promise.all([load(ua), load(ub)]);
    const w = Math.max(ia.width, ib.width), h = Math.max(ia.height, ib.height);
    const px = (im) => {
      const c = document.createElement('canvas');
      c.width = w; c.height = h;
      const x = c.getContext('2d');
      x.fillStyle = '#ff00ff';
      x.fillRect(0, 0, w, h);
      x.drawImage(im, 0, 0);
      return x.getImageData(0, 0, w, h);
    };
    const da = px(ia), db = px(ib);
    const out = document.createElement('canvas');
    out.width = w; out.height = h;
    const ox = out.getContext('2d');
    const diff = ox.createImageData(w, h);
    let n = 0, x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (let p = 0; p < w * h; p++) {
      const k = 4 * p;
      const same = da.data[k] === db.data[k] && da.data[k + 1] === db.data[k + 1] && da.data[k + 2] === db.data[k + 2];
      const g = (da.data[k] + da.data[k + 1] + da.data[k + 2]) / 3;
      diff.data[k] = same ? g : 255; diff.data[k + 1] = same ? g : 0; diff.data[k + 2] = same ? g : 0; diff.data[k + 3] = same ? 60 : 255;
      if (!same) {
        n++;
        const x = p % w, y = (p / w) | 0;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
    ox.putImageData(diff, 0, 0);
    return { n, size: [ia.width, ia.height, ib.width, ib.height], box: n ? [x0, y0, x1, y1] : null, png: n ? out.toDataURL('image/png') : null };
  }, [a, b]);
  const name = basename(before[i], '.png');
  if (r.png) writeFileSync(join(OUT, `diff-${name}.png`), Buffer.from(r.png.split(',')[1], 'base64'));
  console.log(`${name}: ${r.n} differing pixels (before ${r.size[0]}x${r.size[1]}, after ${r.size[2]}x${r.size[3]})${r.box ? `, box ${r.box.join(',')}; diff-${name}.png` : ''}`);
  worst = Math.max(worst, r.n);
}
await env.close();
process.exit(worst > tolerance ? 1 : 0);
