/**
 * THE KILL TEST, first run: the connector runs as a real child process and is SIGKILLed at the
 * k-th ThreatQ request, after ThreatQ applied it and before the answer arrived (heldResponse),
 * for k spread over the whole run (token, look-ups, every events / indicators / assets consume
 * batch). A clean rerun must then leave exactly what an uninterrupted run leaves: one event per
 * alert, every relation, and a truthful ledger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.ts';
import { KILL_ARGS, alertsIn, assertExactlyOnce, killSceneOptions, runChildKilledAt, spread, tqSnapshot } from './ingestKillSupport.ts';

const NOW = Date.now();

test('SIGKILL after ThreatQ applied the k-th request of a first run: a rerun converges to the uninterrupted result', async (t) => {
  const ref = await startHarness(t, killSceneOptions(NOW));
  const r = await ref.run(KILL_ARGS);
  assert.equal(r.code, 0, r.stderr);
  const expected = alertsIn(ref.sims);
  const want = tqSnapshot(ref.sims);
  const total = ref.sims.threatq.requests.length;
  assert.equal(expected.size, 48, 'the reference run ingests every alert');
  assert.ok(total >= 25, `the reference run makes enough ThreatQ requests to spread kills over (${total})`);
  assert.ok(ref.sims.threatq.sim.requestCount('POST /api/events/consume') >= 4, 'several events consume batches');
  assert.ok(ref.sims.threatq.sim.requestCount('POST /api/indicators/consume') >= 4, 'several indicators consume batches');
  assert.ok(ref.sims.threatq.sim.requestCount('POST /api/asset/consume') >= 2, 'several assets consume batches');

  // 13 kill points spread from the first request to the last.
  for (const k of spread(total, 13)) {
    await t.test(`kill at ThreatQ request ${k}/${total}`, async (st) => {
      const h = await startHarness(st, killSceneOptions(NOW));
      const out = await runChildKilledAt(h, KILL_ARGS, { side: 'threatq', k, kind: 'heldResponse' });
      assert.ok(out.killed, `the child reached request ${k} (exit ${out.code}; ${out.stderr.slice(0, 500)})`);
      const rerun = await h.run(KILL_ARGS);
      assert.equal(rerun.code, 0, `rerun after a kill at ${out.at}: ${rerun.stderr}`);
      assertExactlyOnce(h, expected, `kill at #${k} ${out.at}: `);
      assert.deepEqual(tqSnapshot(h.sims), want, `kill at #${k} ${out.at}: ThreatQ holds what an uninterrupted run leaves`);
    });
  }
});
