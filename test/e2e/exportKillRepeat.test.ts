/**
 * THE KILL TEST, part 3: kills that follow kills (each resumed run killed again at another
 * point before a clean rerun), and a killed `-d` run, which must leave the ledger untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANGED_DESIRED, FIRST_DESIRED, assertRerunConverges, changeMembership, exportKilledAt, killScene, label, type KillPoint } from './exportKillRunner.ts';
import { assertConverged, dumpExportState, feedNames } from './exportSupport.ts';

const SERIES: KillPoint[][] = [
  // Adds applied, then the refresh, then a removal: each resumed run dies a little further on.
  [
    { side: 'darktrace', nth: 2, mode: 'held' },
    { side: 'darktrace', nth: 3, mode: 'held' },
    { side: 'darktrace', nth: 4, mode: 'held' },
  ],
  // Killed while removing, then while reading ThreatQ, then while reading back the feed.
  [
    { side: 'darktrace', nth: 6, mode: 'held' },
    { side: 'threatq', nth: 3, mode: 'hang' },
    { side: 'darktrace', nth: 1, mode: 'held' },
  ],
];

for (const series of SERIES) {
  test(`changed run killed ${series.length} times in a row (${series.map(label).join('; ')}): the rerun converges`, async (t) => {
    const { h, spy } = await killScene(t);
    const first = await h.run(['export']);
    assert.equal(first.code, 0, first.stderr);
    changeMembership(h);
    for (const point of series) {
      // One batch in flight: with two, the batch beside the held one may land too, the resumed
      // run has less left to do and the next kill point may never come (the run ends first).
      const outcome = await exportKilledAt(h, point, { TQDT_EXPORT_PUSH_DEPTH: '1' });
      assert.ok(outcome.killed, `${label(point)} was reached (exit ${outcome.exitCode}): ${outcome.stderr}`);
    }
    await assertRerunConverges(h, CHANGED_DESIRED, spy, series.map(label).join(' → '));
  });
}

test('a -d run killed after its second addlist was applied leaves the ledger byte for byte unchanged; the rerun converges', async (t) => {
  const { h, spy } = await killScene(t);
  const first = await h.run(['export']);
  assert.equal(first.code, 0, first.stderr);
  assertConverged(h, FIRST_DESIRED);
  changeMembership(h);
  const before = dumpExportState(h);
  const point: KillPoint = { side: 'darktrace', nth: 3, mode: 'held' };
  const outcome = await exportKilledAt(h, point, {}, ['-d']);
  assert.ok(outcome.killed, outcome.stderr);
  assert.equal(dumpExportState(h), before, 'the ledger, actions and skips are unchanged');
  assert.ok(feedNames(h.sims).includes('a2.example'), '-d removed nothing');
  await assertRerunConverges(h, CHANGED_DESIRED, spy, 'after the killed -d run');
});
