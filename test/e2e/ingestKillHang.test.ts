/**
 * THE KILL TEST, other instants: the child is SIGKILLed while a ThreatQ request hangs before
 * ThreatQ applied it, while a Darktrace fetch hangs, and twice in a row (the recovery run killed
 * while it looks up the events the first one left unconfirmed). A clean rerun must leave what
 * an uninterrupted run leaves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import { KILL_ARGS, alertsIn, assertExactlyOnce, killSceneOptions, runChildKilledAt, spread, tqSnapshot, type KillPoint } from './ingestKillSupport.ts';

const NOW = Date.now();

test('SIGKILL while a ThreatQ or Darktrace request hangs, and a killed recovery run: a rerun converges', async (t) => {
  const ref = await startHarness(t, killSceneOptions(NOW));
  const r = await ref.run(KILL_ARGS);
  assert.equal(r.code, 0, r.stderr);
  const expected = alertsIn(ref.sims);
  const want = tqSnapshot(ref.sims);
  const tqTotal = ref.sims.threatq.requests.length;
  const dtTotal = ref.sims.darktrace.requests.length;
  assert.ok(dtTotal >= 8, `the reference run fetches several slices from Darktrace (${dtTotal} requests)`);

  const converge = async (h: Harness, label: string) => {
    const rerun = await h.run(KILL_ARGS);
    assert.equal(rerun.code, 0, `rerun after ${label}: ${rerun.stderr}`);
    assertExactlyOnce(h, expected, `${label}: `);
    assert.deepEqual(tqSnapshot(h.sims), want, `${label}: ThreatQ holds what an uninterrupted run leaves`);
  };

  // Even-numbered ThreatQ requests (the heldResponse file mostly hits odd ones), and Darktrace fetches.
  const points: KillPoint[] = [
    ...spread(tqTotal / 2, 5).map((i): KillPoint => ({ side: 'threatq', k: i * 2, kind: 'hang' })),
    ...spread(dtTotal, 3).map((k): KillPoint => ({ side: 'darktrace', k, kind: 'hang' })),
  ];
  for (const p of points) {
    await t.test(`kill while ${p.side} request ${p.k} hangs`, async (st) => {
      const h = await startHarness(st, killSceneOptions(NOW));
      const out = await runChildKilledAt(h, KILL_ARGS, p);
      assert.ok(out.killed, `the child reached ${p.side} request ${p.k} (exit ${out.code}; ${out.stderr.slice(0, 500)})`);
      await converge(h, `a kill at ${p.side} #${p.k} ${out.at}`);
    });
  }

  await t.test('killed after an events batch was applied, then killed again while the next run looks it up', async (st) => {
    const h = await startHarness(st, killSceneOptions(NOW));
    const first = await runChildKilledAt(h, KILL_ARGS, { side: 'threatq', k: 2, kind: 'heldResponse', method: 'POST', path: '/api/events/consume' });
    assert.ok(first.killed, `first kill reached the 2nd events batch: ${first.stderr.slice(0, 500)}`);
    const second = await runChildKilledAt(h, KILL_ARGS, { side: 'threatq', k: 3, kind: 'heldResponse', method: 'GET', path: '/api/events' });
    assert.ok(second.killed, `second kill reached the recovery look-ups: ${second.stderr.slice(0, 500)}`);
    await converge(h, 'two kills in a row');
  });
});
