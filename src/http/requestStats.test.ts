import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestStats } from './requestStats.ts';

test('RequestStats sums per operation and snapshots are detached copies', () => {
  const stats = new RequestStats();
  stats.add('threatq.events', { calls: 1, requests: 1, bytesOut: 10, totalMs: 1.4 });
  stats.add('darktrace.modelbreaches', { calls: 1, requests: 2, retries: 1, bytesIn: 500, totalMs: 20.6 });
  stats.add('threatq.events', { requests: 1, retries: 1, failures: 1, bytesOut: 10 });
  const snap = stats.snapshot();
  assert.deepEqual(Object.keys(snap), ['darktrace.modelbreaches', 'threatq.events']);
  assert.deepEqual(snap['threatq.events'], { calls: 1, requests: 2, retries: 1, failures: 1, bytesIn: 0, bytesOut: 20, totalMs: 1 });
  stats.add('threatq.events', { requests: 5 });
  assert.equal(snap['threatq.events']?.requests, 2);
  assert.deepEqual(stats.total(), { calls: 2, requests: 9, retries: 2, failures: 1, bytesIn: 500, bytesOut: 20, totalMs: 22 });
});
