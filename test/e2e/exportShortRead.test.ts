import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.ts';

test('a collection listing that ends before its total fails the export and removes nothing', async (t) => {
  const h = await startHarness(t, { threatq: { seedCollections: [{ name: 'Export to Darktrace', size: 60 }, { name: 'Watch List', size: 30 }] } });
  const first = await h.run(['export']);
  assert.equal(first.code, 0, first.stderr);
  const before = h.sims.darktrace.sim.intelFeedEntries('ThreatQ').map((e) => e.name).sort();
  assert.ok(before.length > 0);
  // ThreatQ answers the first page of the first collection empty while claiming 60 members.
  h.sims.threatq.faults.add({
    match: { path: /\/api\/indicators\/query\/hash\//, times: 1 },
    fault: { kind: 'status', status: 200, contentType: 'application/json', body: JSON.stringify({ data: {}, total: 60, limit: 1000 }) },
  });
  const short = await h.run(['export']);
  assert.equal(short.code, 5, short.stdout + short.stderr);
  assert.match(short.stderr, /ended the collection listing .* after 0 of 60 indicators/);
  assert.deepEqual(h.sims.darktrace.sim.intelFeedEntries('ThreatQ').map((e) => e.name).sort(), before, 'nothing removed');
  const again = await h.run(['export']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /added 0, restored 0, refreshed 0, removed 0/);
});
