/**
 * Ingest under transient faults: 429 with Retry-After, 502, 503, connection resets and lost
 * answers (ThreatQ applied the write, the connector never heard) on Darktrace fetches and on
 * every ThreatQ consume, and ThreatQ tokens expiring mid-run. Each either recovers within the
 * run or converges on the next one, to exactly what a fault-free run leaves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import { alertsIn, assertExactlyOnce, killSceneOptions, tqSnapshot, KILL_ARGS } from './ingestKillSupport.ts';
import type { Fault, FaultMatch } from '../../src/sim/common/faults.ts';
import { tally } from '../reliability/tally.ts';

const NOW = Date.now();

const FAULTS: Array<{ name: string; fault: Fault }> = [
  { name: '429 with Retry-After', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } },
  { name: '502', fault: { kind: 'status', status: 502 } },
  { name: '503', fault: { kind: 'status', status: 503, retryAfterSeconds: 0 } },
  { name: 'connection reset', fault: { kind: 'reset' } },
  { name: 'lost answer', fault: { kind: 'lostResponse' } },
];

const TARGETS: Array<{ name: string; side: 'threatq' | 'darktrace'; match: FaultMatch; safe: boolean }> = [
  { name: 'the 2nd Darktrace breach fetch', side: 'darktrace', match: { method: 'GET', path: '/modelbreaches', nth: 2 }, safe: true },
  { name: 'the 2nd ThreatQ events consume', side: 'threatq', match: { method: 'POST', path: '/api/events/consume', nth: 2 }, safe: false },
  { name: 'the 1st ThreatQ indicators consume', side: 'threatq', match: { method: 'POST', path: '/api/indicators/consume', nth: 1 }, safe: false },
  { name: 'the 2nd ThreatQ assets consume', side: 'threatq', match: { method: 'POST', path: '/api/asset/consume', nth: 2 }, safe: false },
];

test('every transient fault converges: within the run where the request is safe to repeat, else on the next run', async (t) => {
  const ref = await startHarness(t, killSceneOptions(NOW));
  assert.equal((await ref.run(KILL_ARGS)).code, 0);
  const expected = alertsIn(ref.sims);
  const want = tqSnapshot(ref.sims);

  for (const target of TARGETS) {
    for (const f of FAULTS) {
      await t.test(`${f.name} on ${target.name}`, async (st) => {
        const h = await startHarness(st, killSceneOptions(NOW));
        const server = target.side === 'threatq' ? h.sims.threatq : h.sims.darktrace;
        server.faults.add({ match: target.match, fault: f.fault });
        const first = await h.run(KILL_ARGS);
        assert.equal(server.faults.fired().length, 1, 'the fault fired');
        tally('e2e fault tests', { runs: 1, faultsInjected: 1 });
        if (target.safe) assert.equal(first.code, 0, `a read is retried within the run: ${first.stderr}`);
        if (first.code !== 0) {
          const second = await h.run(KILL_ARGS);
          assert.equal(second.code, 0, `the next run succeeds: ${second.stderr}`);
        }
        assertExactlyOnce(h, expected, `${f.name} on ${target.name}: `);
        assert.deepEqual(tqSnapshot(h.sims), want, `${f.name} on ${target.name}: ThreatQ holds what a fault-free run leaves`);
      });
    }
  }
});

test('an events consume applied by ThreatQ whose answer is lost: the next run adopts the events by title instead of creating them again', async (t) => {
  const h: Harness = await startHarness(t, killSceneOptions(NOW));
  h.sims.threatq.faults.add({ match: { method: 'POST', path: '/api/events/consume', nth: 1 }, fault: { kind: 'lostResponse' } });
  const first = await h.run(KILL_ARGS);
  assert.notEqual(first.code, 0, 'the run cannot confirm the batch and says so');
  const inThreatQ = h.sims.threatq.sim.store.events.length;
  assert.ok(inThreatQ > 0, 'ThreatQ applied the lost batch');
  const second = await h.run(KILL_ARGS);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /recovered [1-9]/, second.stdout);
  assertExactlyOnce(h, alertsIn(h.sims));
  const db = h.db();
  try {
    const adopted = db.sqlite.prepare("SELECT count(*) AS n FROM alert_actions WHERE action = 'adopted'").get() as { n: number };
    assert.ok(adopted.n >= 1, 'history records the adoption');
  } finally {
    db.close();
  }
});

test('ThreatQ tokens expiring mid-run: the run logs in again and completes', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const tq = h.sims.threatq.sim;
  const create = tq.store.createEvent.bind(tq.store);
  let created = 0;
  tq.store.createEvent = (input) => {
    if (++created === 7) tq.expireAllTokens({ refresh: true });
    return create(input);
  };
  const r = await h.run(KILL_ARGS);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(created > 7, 'the run went on after the expiry');
  assert.ok(tq.tokensIssued() >= 2, 'a new token was obtained');
  assertExactlyOnce(h, alertsIn(h.sims));
  assert.equal(alertsIn(h.sims).size, 48);
});
