// schema.test.mjs - web/js/lab/schema.js in node, against the engine's own
// table: its messages are the engine's, encode/decode round-trips, a bad link
// keeps its valid settings and defaults the rest.  (schema.js is pure.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as GradLabState from '../../web/js/lab/schema.js';
import { loadEngine } from './helpers.mjs';

const engine = await loadEngine();
const schema = GradLabState.create(engine.settings, { fixed: { arch: 'both' }, notFromUrl: { data: ['csv'] } });

test('defaults are the engine\'s canonical defaults', () => {
  assert.deepEqual(schema.defaults(), engine.normalize({}));
});

test('every rejected value gives the engine\'s own message; every accepted one the engine accepts', () => {
  const tries = {
    int: ['abc', '', '1.5', '-1', '0', '1', '99999999999999', '+3', '1e3'],
    real: ['nan', 'inf', '', '1e-3', '-0.5', '0', '1e400', '.5', '5.', ' 1', '1e-9', '1e-10'],
    choice: ['', 'nope', 'SIGMOID'],
    bool: ['1', '0', 'true', 'off', 'yes', '2'],
    scale: ['invsqrt', 'rezero', '0.5', '0', '11', 'x'],
  };
  let compared = 0;
  for (const s of engine.settings) {
    const values = [...(tries[s.type] || []), ...(s.choices || []), String(s.default)];
    for (const v of values) {
      let engineMsg = null;
      try { engine.normalize({ [s.name]: v }); } catch (e) { engineMsg = e.message; }
      const r = schema.parse(s.name, v);
      if (engineMsg === null) assert.ok(r.ok, `${s.name}=${JSON.stringify(v)}: the engine accepts it, state.js says ${r.message}`);
      else {
        assert.ok(!r.ok, `${s.name}=${JSON.stringify(v)}: the engine refuses it (${engineMsg})`);
        assert.equal(r.message, engineMsg, `${s.name}=${JSON.stringify(v)}`);
      }
      compared++;
    }
  }
  console.log(`compared ${compared} values of ${engine.settings.length} settings with the engine`);
});

test('encode/decode round trip, page keys, bad links', () => {
  const cfg = Object.assign(schema.defaults(), { depth: 12, lr: 0.05, act: 'tanh', res_scale: 'invsqrt', standardize: 1 });
  const q = schema.encode(cfg, { hide: ['lr', 'depth'], lang: 'fa' });
  assert.ok(!q.includes('arch='), 'the fixed arch is left out');
  const d = schema.decode(q);
  assert.deepEqual(d.config, cfg);
  assert.deepEqual(d.hide, ['lr', 'depth']);
  assert.equal(d.lang, 'fa');
  assert.deepEqual(d.messages, []);

  const bad = schema.decode('?depth=abc&lr=nan&act=swish&width=64&bogus=1&hide=lr,nothing&lang=de&arch=plain&data=csv');
  assert.equal(bad.config.width, 64, 'a valid setting is kept');
  assert.equal(bad.config.depth, schema.defaults().depth);
  assert.equal(bad.config.act, schema.defaults().act);
  assert.equal(bad.config.arch, 'both');
  assert.equal(bad.config.data, schema.defaults().data, 'a link cannot carry a CSV file');
  assert.deepEqual(bad.hide, ['lr']);
  assert.equal(bad.lang, null);
  assert.deepEqual(bad.invalid.sort(), ['act', 'data', 'depth', 'lr']);
  assert.equal(bad.messages.length, 8, bad.messages.join('\n'));
  assert.deepEqual(schema.fromCanonical(engine.normalize({ depth: 8, res_scale: 'rezero' })).res_scale, 'rezero');
});

test('a plug-in\'s page keys and panels: decoded raw into extra, encoded back, hide may name the panel', () => {
  const s = GradLabState.create(engine.settings, { fixed: { arch: 'both' }, pageKeys: ['sweep', 'sweep_seeds'], hidePanels: ['sweep'] });
  const d = s.decode('?depth=12&sweep=depth%3D2..40%3A8&sweep_seeds=1..3&hide=sweep,lr&other=1');
  assert.deepEqual(d.extra, { sweep: 'depth=2..40:8', sweep_seeds: '1..3' });
  assert.deepEqual(d.hide, ['sweep', 'lr']);
  assert.deepEqual(d.messages, ["unknown setting 'other'"]);
  const q = s.encode(d.config, { hide: d.hide, extra: { sweep: 'depth=2..40:8', nope: 'x' } });
  assert.ok(q.includes('sweep=depth%3D2..40%3A8') && !q.includes('nope'), q);
  assert.deepEqual(s.decode(q).extra, { sweep: 'depth=2..40:8' });
  /* without the options, the same link reports them */
  const plain = schema.decode('?sweep=depth%3D2..40%3A8&hide=sweep');
  assert.deepEqual(plain.extra, {});
  assert.equal(plain.messages.length, 2, plain.messages.join('; '));
});

test('predict=required (classroom mode): a page key, decoded, encoded back, a bad value reported like the others', () => {
  const d = schema.decode('?depth=12&lang=fa&step=vanishing&predict=required');
  assert.equal(d.predict, 'required');
  assert.deepEqual(d.messages, []);
  const q = schema.encode(d.config, { lang: d.lang, step: d.step, predict: d.predict });
  assert.ok(q.includes('predict=required'), q);
  assert.equal(schema.decode(q).predict, 'required');
  assert.ok(!schema.encode(d.config, { predict: null }).includes('predict'), 'left out when not required');
  assert.ok(!schema.encode(d.config, { predict: 'maybe' }).includes('predict'), 'only a known mode is written');
  const bad = schema.decode('?predict=yes&depth=12');
  assert.equal(bad.predict, null);
  assert.equal(bad.config.depth, 12, 'the rest of the link is kept');
  assert.deepEqual(bad.messages, ["predict: unknown value 'yes' (choose one of required)"]);
  assert.ok(GradLabState.PAGE_KEYS.includes('predict'));
});

test('grad=backprop (what the gradient chart shows): a page key, decoded, encoded back, the default left out, a bad value reported', () => {
  const d = schema.decode('?depth=12&grad=backprop');
  assert.equal(d.grad, 'backprop');
  assert.deepEqual(d.messages, []);
  const q = schema.encode(d.config, { grad: d.grad });
  assert.ok(q.includes('grad=backprop'), q);
  assert.equal(schema.decode(q).grad, 'backprop');
  assert.equal(schema.decode('?grad=weight').grad, 'weight', 'the default read when written');
  assert.ok(!schema.encode(d.config, { grad: 'weight' }).includes('grad'), 'the default is not written');
  assert.ok(!schema.encode(d.config, { grad: 'both' }).includes('grad'), 'only a known choice is written');
  const bad = schema.decode('?grad=both&depth=12');
  assert.equal(bad.grad, null);
  assert.equal(bad.config.depth, 12, 'the rest of the link is kept');
  assert.deepEqual(bad.messages, ["grad: unknown value 'both' (choose one of weight|backprop)"]);
  assert.ok(GradLabState.PAGE_KEYS.includes('grad'));
});

test('the symmetric starts in the link: init=zeros, init=constant with init_value, and the page\'s fixed hist', async () => {
  const { FIXED, applies, GROUP_OF } = await import('../../web/js/lab/settings-rules.js');
  const page = GradLabState.create(engine.settings, { fixed: FIXED, notFromUrl: { data: ['csv'] } });
  for (const cfg of [{ init: 'zeros' }, { init: 'constant', init_value: 0.3 }, { init: 'constant', init_value: -0.25 }]) {
    const config = { ...page.defaults(), ...cfg };
    const back = page.decode(page.encode(config, { lang: 'en' }));
    assert.deepEqual(back.messages, []);
    for (const [k, v] of Object.entries(cfg)) assert.equal(String(back.config[k]), String(v), `${k} round-trips`);
    assert.equal(back.config.hist, 0, 'the page keeps hist at 0 (the distributions view turns it on)');
    assert.ok(!/hist=/.test(page.encode(config, { lang: 'en' })), 'hist is not in the link');
  }
  assert.match(page.decode('?hist=1').messages.join(' '), /hist: the page always uses 0/);
  assert.equal(GROUP_OF.init_value, 'network');
  assert.equal(applies('init_value', { init: 'constant' }), true);
  assert.equal(applies('init_value', { init: 'zeros' }), false);
});

/* The changes of course a link carries (change=STEP:name=value,...): the CLI's --change, checked
 * the same way with the same words (the CLI's "--change" is the link's "change"). */
test('change=: parts in step order, each malformed part left out with the CLI\'s own message', async () => {
  const { execFileSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const { root } = await import('./helpers.mjs');
  const r = schema.decode('?steps=100&change=20:momentum=0.5,7:lr=0.01,7:clip=1,0:clip=0.5');
  assert.deepEqual(r.messages, []);
  assert.deepEqual(r.changes, [{ step: 0, settings: { clip: 0.5 } }, { step: 7, settings: { lr: 0.01 } }, { step: 7, settings: { clip: 1 } }, { step: 20, settings: { momentum: 0.5 } }]);
  /* encode writes them in that order, the CLI's syntax; decode reads them back */
  const q = schema.encode(r.config, { changes: r.changes });
  assert.match(q, /&change=0:clip=0.5,7:lr=0.01,7:clip=1,20:momentum=0.5$/);
  assert.deepEqual(schema.decode(q).changes, r.changes);
  assert.doesNotMatch(schema.encode(r.config, { changes: [] }), /change=/);
  /* two change= parameters are read as one list */
  assert.deepEqual(schema.decode('?change=3:lr=0.2&change=1:lr=0.3').changes.map((c) => c.step), [1, 3]);
  /* malformed parts: the valid ones stay, each bad one says why in the engine's (the CLI's) words */
  const bad = ['7lr=0.01', '-1:lr=0.1', '7:', '7:lr=', '99999999:lr=0.1', '7:depth=3', '7:foo=1', '7:lr=20', '7:lr=abc', '7:clip=-1', '500:lr=0.1', '700:momentum=0.5'];
  const d = schema.decode(`?steps=500&change=${bad.join(',')},9:lr=0.05`);
  assert.deepEqual(d.changes, [{ step: 9, settings: { lr: 0.05 } }]);
  assert.equal(d.messages.length, bad.length);
  bad.forEach((part, i) => {
    let cliMsg = '';
    try {
      execFileSync(join(root, 'build/gradlab'), ['--steps', '500', '--change', part], { stdio: 'pipe' });
    } catch (e) {
      cliMsg = e.stderr.toString().trim().replace(/^gradlab: --change/, 'change');
    }
    assert.equal(d.messages[i], cliMsg, `change part ${part}`);
  });
  /* the values in force at an update: the config's, then each change from its step on */
  const { inForce, changesText } = GradLabState;
  const cfg = { lr: 0.1, clip: 0, momentum: 0.9 };
  const ch = [{ step: 3, settings: { clip: 1 } }, { step: 7, settings: { lr: 0.01 } }, { step: 7, settings: { lr: 0.02 } }];
  assert.deepEqual(inForce(cfg, ch, 2), cfg);
  assert.deepEqual(inForce(cfg, ch, 3), { lr: 0.1, clip: 1, momentum: 0.9 });
  assert.deepEqual(inForce(cfg, ch), { lr: 0.02, clip: 1, momentum: 0.9 }, 'for one step, the later change wins');
  assert.equal(changesText(ch), '3:clip=1,7:lr=0.01,7:lr=0.02');
});
