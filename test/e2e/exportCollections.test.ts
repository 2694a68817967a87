/**
 * Export over many collections: read side by side, but never more than three walks at once
 * (each is a query the ThreatQ appliance runs), and every collection read in full; Darktrace's
 * intel feed is read back at the same time.
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

test('the intel feed is read back while the collections are read, not after them', async (t) => {
  const h = await startHarness(t, { collections: ['Collection 1'] });
  addToCollection(h.sims, 'Collection 1', Array.from({ length: 1500 }, (_, j) => fqdn(`c-${j}.together.example`)));
  assert.equal((await h.run(['export'])).code, 0, 'a first run fills the feed');
  // The rerun's first collection page dribbles out over about a second.
  h.sims.threatq.faults.add({ match: { method: 'GET', path: '/api/indicators/query/hash/' }, fault: { kind: 'slowBody', chunkBytes: 4096, delayMs: 40 } });
  const from = { tq: h.sims.threatq.requests.length, dt: h.sims.darktrace.requests.length };
  const r = await h.run(['export']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /unchanged 1500/);
  const slowPage = h.sims.threatq.requests.slice(from.tq).find((q) => q.fault === 'slowBody');
  const readBack = h.sims.darktrace.requests.slice(from.dt).find((q) => q.method === 'GET' && q.path === '/intelfeed' && q.query.includes('fulldetails'));
  assert.ok(slowPage && readBack, 'both were requested');
  assert.ok(slowPage.ms > 500, `the page was slow (${Math.round(slowPage.ms)} ms)`);
  assert.ok(readBack.startedAt < slowPage.startedAt + slowPage.ms, 'the read-back was asked for before the collection page had arrived');
});

test('a collection that fails ends the run at once, without waiting for a read-back that hangs', async (t) => {
  const h = await startHarness(t, { collections: ['Collection 1'] });
  addToCollection(h.sims, 'Collection 1', Array.from({ length: 2500 }, (_, j) => fqdn(`c-${j}.stop.example`)));
  h.sims.darktrace.faults.add({ match: { method: 'GET', path: '/intelfeed' }, fault: { kind: 'hang' } });
  h.sims.threatq.faults.add({ match: { method: 'GET', path: '/api/indicators/query/hash/', nth: 2 }, fault: { kind: 'forbidden' } });
  const started = performance.now();
  const r = await h.run(['export']);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(r.code, 3, `ThreatQ's refusal is the run's error: ${r.stderr}`);
  assert.match(r.stderr, /ThreatQ refused GET \/api\/indicators\/query\/hash/);
  assert.equal(h.sims.darktrace.requests.filter((q) => q.method === 'POST').length, 0, 'nothing written to Darktrace');
  // Darktrace's read-back would take a minute to time out (and be retried): the run did not wait for it.
  assert.ok(seconds < 20, `the run ended ${seconds.toFixed(1)} s after it started`);
});

test('a read-back that fails ends the run at once, without reading the rest of the collections', async (t) => {
  const h = await startHarness(t, { collections: ['Collection 1'] });
  addToCollection(h.sims, 'Collection 1', Array.from({ length: 6000 }, (_, j) => fqdn(`c-${j}.stop.example`)));
  h.sims.darktrace.faults.add({ match: { method: 'GET', path: '/intelfeed' }, fault: { kind: 'htmlLogin' } });
  // Each collection page dribbles out over about a second.
  h.sims.threatq.faults.add({ match: { method: 'GET', path: '/api/indicators/query/hash/', times: 100 }, fault: { kind: 'slowBody', chunkBytes: 8192, delayMs: 80 } });
  const r = await h.run(['export']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Darktrace/);
  const pages = h.sims.threatq.requests.filter((q) => q.path.startsWith('/api/indicators/query/hash/'));
  assert.ok(pages.length < 6, `the walk stopped after ${pages.length} of 7 pages`);
  assert.equal(h.sims.darktrace.requests.filter((q) => q.method === 'POST').length, 0, 'nothing written to Darktrace');
});
