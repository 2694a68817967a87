/**
 * Export end to end under transient faults: each fault hits a run that both adds (several
 * addlist batches) and removes; the run either rides it out by retrying or fails, and a clean
 * rerun always converges to exactly the desired set with a truthful ledger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.ts';
import type { FaultRule } from '../../src/sim/common/faults.ts';
import { addToCollection, assertConverged, assertOtherSourceIntact, fqdn, intelFeedPosts, lastExportCounts, removeFromCollection, runs, seedOtherSource, spyOnFeed } from './exportSupport.ts';
import { tally } from '../reliability/tally.ts';

const A = 'Export to Darktrace';
const B = 'Watch List';
const OTHER = ['a.example', 'c.example', 'mine-not.example'];
const DESIRED = ['c.example', 'd.example', 'e.example', 'f.example', 'g.example', 'h.example', 'i.example', 'j.example', 'k.example'];

interface Case {
  name: string;
  side: 'darktrace' | 'threatq';
  rule: FaultRule;
  /** The faulted run's exit code: 0 when the retry policy rides it out. */
  exit: number | 'nonzero';
}

const POST_FEED = { method: 'POST', path: '/intelfeed' };
const GET_FEED = { method: 'GET', path: '/intelfeed' };
// In the faulted run, POST /intelfeed #1 and #2 are addlist batches (h,i / j,k), #3 and #4 removeentry (a, b).
const CASES: Case[] = [
  { name: '429 with Retry-After on the read-back', side: 'darktrace', rule: { match: GET_FEED, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } }, exit: 0 },
  { name: '502 on an addlist POST', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 2 }, fault: { kind: 'status', status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' } }, exit: 0 },
  { name: '503 on a ThreatQ collection page', side: 'threatq', rule: { match: { method: 'GET', path: '/api/indicators/query/hash/' }, fault: { kind: 'status', status: 503, retryAfterSeconds: 0 } }, exit: 0 },
  { name: 'connection reset on an addlist POST', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 1 }, fault: { kind: 'reset' } }, exit: 0 },
  { name: 'lostResponse on an addlist POST (applied, answer lost)', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 1 }, fault: { kind: 'lostResponse' } }, exit: 0 },
  { name: 'lostResponse on a removeentry POST', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 3 }, fault: { kind: 'lostResponse' } }, exit: 0 },
  { name: '502 on a removeentry POST', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 4 }, fault: { kind: 'status', status: 502 } }, exit: 0 },
  { name: 'malformed JSON on the read-back', side: 'darktrace', rule: { match: GET_FEED, fault: { kind: 'malformedJson' } }, exit: 'nonzero' },
  { name: 'truncated JSON on the read-back', side: 'darktrace', rule: { match: GET_FEED, fault: { kind: 'truncatedJson' } }, exit: 0 },
  { name: 'HTML login page on an addlist POST', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 2 }, fault: { kind: 'htmlLogin' } }, exit: 'nonzero' },
  { name: 'every addlist POST failing with 503 until retries run out', side: 'darktrace', rule: { match: { ...POST_FEED, nth: 2, times: 5 }, fault: { kind: 'status', status: 503, retryAfterSeconds: 0 } }, exit: 'nonzero' },
];

for (const c of CASES) {
  test(`fault: ${c.name} — the rerun converges`, async (t) => {
    const h = await startHarness(t, { collections: [A, B], env: { TQDT_EXPORT_BATCH_SIZE: '2' } });
    addToCollection(h.sims, A, ['a', 'b', 'c', 'd', 'e'].map((x) => fqdn(`${x}.example`)));
    addToCollection(h.sims, B, [fqdn('f.example'), fqdn('g.example')]);
    seedOtherSource(h.sims, 'Analyst', OTHER);
    const spy = spyOnFeed(h.sims);
    const first = await h.run(['export']);
    assert.equal(first.code, 0, first.stderr);

    removeFromCollection(h.sims, A, ['a.example', 'b.example']);
    addToCollection(h.sims, B, ['h', 'i', 'j', 'k'].map((x) => fqdn(`${x}.example`)));
    h.sims[c.side].faults.add(c.rule);
    const faulted = await h.run(['export']);
    assert.equal(h.sims[c.side].faults.fired().length > 0, true, 'the fault fired');
    tally('e2e fault tests', { runs: 1, faultsInjected: h.sims[c.side].faults.fired().length });
    if (c.exit === 0) {
      assert.equal(faulted.code, 0, `retried through the fault: ${faulted.stderr}`);
      assertConverged(h, DESIRED, 'after the faulted run:');
      const counts = lastExportCounts(h);
      assert.deepEqual([counts.added, counts.removed, counts.failed], [4, 2, 0], 'the run counts what it did');
    } else {
      assert.notEqual(faulted.code, 0, 'the run reports the failure');
      assert.ok(['failed', 'partial'].includes(runs(h).at(-1)!.status));
    }
    h.sims.darktrace.faults.clear();
    h.sims.threatq.faults.clear();

    const rerun = await h.run(['export']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assertConverged(h, DESIRED, 'after the rerun:');
    assertOtherSourceIntact(h.sims, 'Analyst', OTHER);
    assert.ok(!spy.writes.some((w) => w.kind === 'removeAll'), 'removeall never sent');

    const from = h.sims.darktrace.requests.length;
    await h.run(['export']);
    assert.equal(intelFeedPosts(h.sims, from), 0, 'converged: the next run writes nothing');
  });
}
