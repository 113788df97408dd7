// store.test.mjs - web/js/ui/store.js: the phases move only along the
// arrows of TRANSITIONS (every other move throws and leaves the state as it
// was), states are frozen, listeners see (state, previous), unsubscribe
// works, watch() fires only on a change of what it picks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, TRANSITIONS, isRunning, isFinished } from '../../../web/js/ui/store.js';

const PHASES = ['loading', 'configuring', 'ready', 'running', 'paused', 'finished', 'diverged', 'failed'];

/* a store brought to a phase along allowed arrows */
function storeAt(phase) {
  const path = { loading: [], configuring: ['configuring'], ready: ['configuring', 'ready'], running: ['configuring', 'ready', 'running'],
    paused: ['configuring', 'ready', 'running', 'paused'], finished: ['configuring', 'ready', 'running', 'finished'],
    diverged: ['configuring', 'ready', 'running', 'diverged'], failed: ['failed'] }[phase];
  const s = createStore({ config: null });
  for (const p of path) s.update({ phase: p });
  return s;
}

test('every phase is in the table, and every move is allowed or refused as it says', () => {
  assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...PHASES].sort());
  let allowed = 0, refused = 0;
  for (const from of PHASES) {
    for (const to of PHASES) {
      const s = storeAt(from);
      assert.equal(s.get().phase, from);
      if (from === to || TRANSITIONS[from].includes(to)) {
        s.update({ phase: to });
        assert.equal(s.get().phase, to);
        allowed++;
      } else {
        const before = s.get();
        assert.throws(() => s.update({ phase: to }), new RegExp(`${from} -> ${to}`));
        assert.equal(s.get(), before, 'a refused move changes nothing');
        refused++;
      }
    }
  }
  assert.ok(refused >= 10 && allowed >= 30, `${allowed} allowed, ${refused} refused`);
  /* the ones the lab relies on */
  for (const [a, b] of [['loading', 'running'], ['finished', 'running'], ['diverged', 'paused'], ['failed', 'running']]) {
    assert.ok(!TRANSITIONS[a].includes(b), `${a} -> ${b} is refused`);
  }
  for (const p of PHASES) if (p !== 'loading') assert.ok(TRANSITIONS[p].includes('configuring'), `${p} -> configuring`);
});

test('frozen states, listeners with the previous state, unsubscribe, watch', () => {
  const s = createStore({ n: 0 });
  assert.ok(Object.isFrozen(s.get()));
  const seen = [];
  const off = s.subscribe((st, prev) => seen.push([prev.n, st.n]));
  const picked = [];
  s.watch((st) => st.phase, (p) => picked.push(p));
  s.update({ n: 1 });
  s.update({ phase: 'configuring' });
  off();
  s.update({ n: 2, phase: 'ready' });
  s.update({ n: 3 });
  assert.deepEqual(seen, [[0, 1], [1, 1]]);
  assert.deepEqual(picked, ['configuring', 'ready']);
  assert.ok(isRunning({ phase: 'running' }) && !isRunning({ phase: 'paused' }));
  assert.ok(isFinished({ phase: 'finished' }) && isFinished({ phase: 'diverged' }) && !isFinished({ phase: 'ready' }));
});
