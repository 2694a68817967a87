import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../e2e/harness.ts';
import { runCli } from '../helpers/cliProcess.ts';

test('ten invocations at once: exactly one works, nine exit 75 naming it and change nothing', async (t) => {
  const h = await startHarness(t, {
    darktrace: { seedCounts: { breaches: 30, aiEvents: 5, devices: 12, days: 3 } },
    threatq: { seedCollections: [{ name: 'Export to Darktrace', size: 50 }, { name: 'Watch List', size: 20 }] },
  });
  // Slow Darktrace down so the winner still holds the lock while the others start.
  h.sims.darktrace.faults.add({ match: { path: '/modelbreaches', times: 3 }, fault: { kind: 'slowBody', chunkBytes: 512, delayMs: 40 } });
  const results = await Promise.all(Array.from({ length: 10 }, () => runCli(['run', '-c', h.dir], h.env, h.dir)));
  const codes = results.map((r) => r.code).sort();
  assert.deepEqual(codes, [0, 75, 75, 75, 75, 75, 75, 75, 75, 75], results.map((r) => r.stderr).join('\n'));
  for (const r of results.filter((x) => x.code === 75)) {
    assert.match(r.stderr, /Another run of this connector is in progress: pid \d+ on .*'run' started/);
    assert.match(r.stderr, /Nothing was changed/);
  }
  const db = h.db();
  t.after(() => db.close());
  const runs = db.sqlite.prepare('SELECT status FROM runs').all() as Array<{ status: string }>;
  assert.deepEqual(runs, [{ status: 'success' }], 'only the winner recorded a run');
  const store = h.sims.threatq.sim.store;
  const titles = store.listEvents().map((e) => e.title);
  assert.equal(new Set(titles).size, titles.length, 'no duplicate events');
  assert.equal(titles.length, 35);
});

test('two connector names run side by side without interfering', async (t) => {
  const h = await startHarness(t, { threatq: { seedCollections: [{ name: 'Export to Darktrace', size: 40 }, { name: 'Watch List', size: 30 }] } });
  const [a, b] = await Promise.all([
    runCli(['export', '-c', h.dir, '-n', 'site-a'], { ...h.env, DARKTRACE_SOURCE_NAME: 'Site A', DARKTRACE_COLLECTIONS: 'Export to Darktrace' }, h.dir),
    runCli(['export', '-c', h.dir, '-n', 'site-b'], { ...h.env, DARKTRACE_SOURCE_NAME: 'Site B', DARKTRACE_COLLECTIONS: 'Watch List' }, h.dir),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const dt = h.sims.darktrace.sim;
  assert.ok(dt.intelFeedEntries('Site A').length > 0);
  assert.ok(dt.intelFeedEntries('Site B').length > 0);
  // Each name has its own state: a rerun of one writes nothing.
  const again = await runCli(['export', '-c', h.dir, '-n', 'site-a'], { ...h.env, DARKTRACE_SOURCE_NAME: 'Site A', DARKTRACE_COLLECTIONS: 'Export to Darktrace' }, h.dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /added 0, restored 0, refreshed 0, removed 0/);
});
