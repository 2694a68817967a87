/**
 * THE KILL TEST, update run: after a clean first run, alerts change in Darktrace (acknowledged,
 * score, comments, an AI Analyst incident merge) and new ones arrive; the second run is a
 * child process SIGKILLed at its k-th ThreatQ request (event PUTs, attribute reads and writes,
 * the new events' consume, device indicators and assets), after ThreatQ applied it. A clean
 * rerun must leave what an uninterrupted second run leaves, with no duplicate event or attribute.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import { KILL_ARGS, alertsIn, assertExactlyOnce, changeScene, killSceneOptions, runChildKilledAt, spread, tqSnapshot } from './ingestKillSupport.ts';

const NOW = Date.now();

async function afterFirstRun(t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(t, killSceneOptions(NOW));
  const r = await h.run(KILL_ARGS);
  assert.equal(r.code, 0, r.stderr);
  changeScene(h.sims, NOW);
  return h;
}

test('SIGKILL after ThreatQ applied the k-th request of an update run: a rerun converges to the uninterrupted result', async (t) => {
  const ref = await afterFirstRun(t);
  const from = ref.sims.threatq.requests.length;
  const r = await ref.run(KILL_ARGS);
  assert.equal(r.code, 0, r.stderr);
  const updated = Number(/created 3, updated (\d+),/.exec(r.stdout)?.[1]);
  assert.ok(updated >= 7, `the reference second run creates the 3 new breaches and updates the 6 changed breaches and the merged incident's events: ${r.stdout}`);
  const expected = alertsIn(ref.sims);
  const want = tqSnapshot(ref.sims);
  const total = ref.sims.threatq.requests.length - from;
  assert.ok(ref.sims.threatq.requests.slice(from).some((q) => q.method === 'PUT'), 'the second run updates events in place');

  for (const k of spread(total, 8)) {
    await t.test(`kill at ThreatQ request ${k}/${total} of the update run`, async (st) => {
      const h = await afterFirstRun(st);
      const out = await runChildKilledAt(h, KILL_ARGS, { side: 'threatq', k, kind: 'heldResponse' });
      assert.ok(out.killed, `the child reached request ${k} (exit ${out.code}; ${out.stderr.slice(0, 500)})`);
      const rerun = await h.run(KILL_ARGS);
      assert.equal(rerun.code, 0, `rerun after a kill at ${out.at}: ${rerun.stderr}`);
      assertExactlyOnce(h, expected, `kill at #${k} ${out.at}: `);
      assert.deepEqual(tqSnapshot(h.sims), want, `kill at #${k} ${out.at}: ThreatQ holds what an uninterrupted second run leaves`);
    });
  }
});
