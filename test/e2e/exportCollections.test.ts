/**
 * Export over many collections: read side by side, but never more than three walks at once
 * (each is a query the ThreatQ appliance runs), and every collection read in full.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from './harness.ts';
import { addToCollection, feedNames, fqdn } from './exportSupport.ts';

test('seven collections: at most three are read at once, each is read to its end, the feed gets their union', async (t) => {
  const names = Array.from({ length: 7 }, (_, i) => `Collection ${i + 1}`);
  const h = await startHarness(t, { collections: names });
  const wanted: string[] = [];
  names.forEach((name, i) => {
    // Three pages of 1,000 each, so that the walks overlap in time.
    const values = Array.from({ length: 2500 }, (_, j) => `c${i}-${j}.many.example`);
    wanted.push(...values);
    addToCollection(h.sims, name, values.map(fqdn));
  });
  const from = h.sims.threatq.requests.length;
  const r = await h.run(['export']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(feedNames(h.sims), [...wanted].sort());

  // Each walk spans its first to its last page request, in the order ThreatQ received them.
  const pages = h.sims.threatq.requests.slice(from).filter((q) => q.path.startsWith('/api/indicators/query/hash/'));
  const spans = new Map<string, { first: number; last: number }>();
  pages.forEach((q, i) => {
    const span = spans.get(q.path);
    if (span) span.last = i;
    else spans.set(q.path, { first: i, last: i });
  });
  assert.equal(spans.size, 7, 'every collection was read');
  let most = 0;
  for (let i = 0; i < pages.length; i++) most = Math.max(most, [...spans.values()].filter((s) => s.first <= i && i <= s.last).length);
  assert.ok(most <= 3, `walks open at once: ${most}`);
  assert.ok(most >= 2, `the collections were read side by side (walks open at once: ${most})`);
});
