import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportTablesDb } from '../../test/helpers/exportTablesDb.ts';
import { DAY_MS, ExportPlan, type PlanList, type PlanRange } from './exportPlan.ts';
import { ExportLedgerStore } from './exportLedgerStore.ts';

const NOW = Date.UTC(2025, 0, 1);

/** Values whose byte order differs from a naive or case-insensitive order, and prefixes of each other. */
const WANTED = ['a.example', 'A.example', 'a.example.org', 'b.example', 'é.example', 'Z.example', '10.0.0.1', '10.0.0.10', '9.9.9.9', 'zz.example', 'ü.example', 'm.example'];

function fixture(t: { after: (fn: () => void) => void }) {
  const sqlite = exportTablesDb(t);
  const desired = sqlite.prepare('INSERT INTO temp.desired (value, collections) VALUES (?, ?)');
  WANTED.forEach((v, i) => desired.run(v, JSON.stringify(i % 2 ? ['A', 'B'] : ['A'])));
  const feed = sqlite.prepare('INSERT INTO temp.feed (value, expires_at) VALUES (?, ?)');
  // In Darktrace: three expiring soon (two of them never expiring, which must be refreshed too), one far out, one not wanted.
  feed.run('b.example', null);
  feed.run('9.9.9.9', null);
  feed.run('m.example', NOW + DAY_MS);
  feed.run('zz.example', NOW + 60 * DAY_MS);
  feed.run('gone.example', NOW + DAY_MS);
  const ledger = sqlite.prepare(
    `INSERT INTO export_ledger (value, state, collections_json, expires_at, first_added_at, last_pushed_at, removed_at, first_run_id, last_run_id) VALUES (?, ?, '["A"]', NULL, 1, 1, NULL, 1, 1)`,
  );
  ledger.run('A.example', 'present'); // deleted by hand in Darktrace: a restore
  ledger.run('10.0.0.10', 'removed'); // removed earlier, wanted again: an add
  return sqlite;
}

/** Pushes every page of a list, recording the accepted pages `per` at a time as one range (as runExport does). */
function pushAll(plan: ExportPlan, store: ExportLedgerStore, list: PlanList, per: number): { pushed: string[]; restores: number } {
  const pushed: string[] = [];
  let restores = 0;
  let pending: { range: PlanRange; n: number } | undefined;
  let pages = 0;
  const flush = () => {
    if (!pending) return;
    assert.equal(store.pushedRange(plan.rangeSource(pending.range), list === 'adds' ? 'added' : 'refreshed', NOW + 30 * DAY_MS, 2, NOW), pending.n);
    pending = undefined;
  };
  for (const page of plan.pushPages(list)) {
    pushed.push(...page.values);
    restores += page.restores;
    if (pending) {
      assert.equal(page.range.after, pending.range.upTo, 'pages continue each other');
      pending.range = { ...pending.range, upTo: page.range.upTo };
      pending.n += page.values.length;
    } else pending = { range: page.range, n: page.values.length };
    if (++pages % per === 0) flush();
  }
  flush();
  return { pushed, restores };
}

test('accepted pages recorded as ranges give each pushed entry exactly one ledger row and one action', (t) => {
  const sqlite = fixture(t);
  const plan = new ExportPlan(sqlite, { now: NOW, expirationDays: 30 }, 3);
  const counts = plan.counts();
  // 12 wanted: 4 already in Darktrace (3 due for a refresh, zz.example not), 8 missing of which
  // A.example is a restore (the ledger says present) and 10.0.0.10 an add (removed earlier);
  // gone.example is in Darktrace and wanted by nobody.
  assert.deepEqual(counts, { desired: 12, add: 7, restore: 1, refresh: 3, remove: 1, unchanged: 1, skipped: 0 });
  const store = new ExportLedgerStore(sqlite);

  const adds = pushAll(plan, store, 'adds', 2);
  const refreshes = pushAll(plan, store, 'refreshes', 2);

  const expectedAdds = WANTED.filter((v) => !['b.example', '9.9.9.9', 'm.example', 'zz.example'].includes(v)).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  assert.deepEqual(adds.pushed, expectedAdds);
  assert.equal(adds.restores, 1);
  assert.equal(counts.add + counts.restore, adds.pushed.length);
  assert.deepEqual(refreshes.pushed, ['9.9.9.9', 'b.example', 'm.example']);
  assert.equal(counts.refresh, 3);

  const actions = sqlite.prepare('SELECT value, action, collections_json AS c FROM export_actions WHERE run_id = 2 ORDER BY id').all() as Array<{ value: string; action: string; c: string }>;
  assert.deepEqual(
    actions.map((a) => [a.value, a.action]),
    [...expectedAdds.map((v) => [v, v === 'A.example' ? 'restored' : 'added']), ...refreshes.pushed.map((v) => [v, 'refreshed'])],
  );
  const ledger = new Map((sqlite.prepare('SELECT value, state, collections_json AS c, expires_at AS e, last_run_id AS r FROM export_ledger').all() as Array<{ value: string; state: string; c: string; e: number; r: number }>).map((r) => [r.value, r]));
  for (const v of [...expectedAdds, ...refreshes.pushed]) {
    const row = ledger.get(v);
    assert.equal(row?.state, 'present', v);
    assert.equal(row.c, JSON.stringify(WANTED.indexOf(v) % 2 ? ['A', 'B'] : ['A']), v);
    assert.equal(row.e, NOW + 30 * DAY_MS);
    assert.equal(row.r, 2);
  }
  assert.equal(ledger.has('zz.example'), false, 'not due for a refresh, not recorded');
});

test('with expiry switched off, only entries that still expire are refreshed', (t) => {
  const sqlite = fixture(t);
  const plan = new ExportPlan(sqlite, { now: NOW, expirationDays: 0 }, 1);
  const store = new ExportLedgerStore(sqlite);
  assert.deepEqual(pushAll(plan, store, 'refreshes', 3).pushed, ['m.example', 'zz.example']);
  assert.deepEqual(plan.counts(), { desired: 12, add: 7, restore: 1, refresh: 2, remove: 1, unchanged: 2, skipped: 0 });
});

test('the tally counts exactly the rows adoption and lapsing change, so a run may skip them when zero', (t) => {
  const sqlite = fixture(t);
  const row = sqlite.prepare(
    `INSERT INTO export_ledger (value, state, collections_json, expires_at, first_added_at, last_pushed_at, removed_at, first_run_id, last_run_id) VALUES (?, 'present', ?, ?, 1, 1, NULL, 1, 1)`,
  );
  row.run('old.example', '["A"]', NOW + DAY_MS); // neither wanted nor in Darktrace: lapsed
  row.run('gone.example', '["A"]', NOW + DAY_MS); // in Darktrace, unwanted: a removal, not a lapse
  row.run('zz.example', '["A","B"]', NOW + 60 * DAY_MS); // recorded exactly as Darktrace holds it: nothing to adopt
  row.run('b.example', '["A"]', null); // wanted by A and B now: adopted with its new collections
  const plan = new ExportPlan(sqlite, { now: NOW, expirationDays: 30 });
  const store = new ExportLedgerStore(sqlite);

  const before = plan.tally();
  assert.deepEqual({ adopt: before.adopt, lapse: before.lapse }, { adopt: 3, lapse: 1 }, 'b.example, 9.9.9.9, m.example to adopt; old.example lapsed');
  assert.deepEqual(before.counts, plan.counts());
  assert.equal(store.adoptPresent(3, NOW), before.adopt);
  assert.equal(store.lapsed(3, NOW), before.lapse);

  const after = plan.tally();
  assert.deepEqual({ adopt: after.adopt, lapse: after.lapse }, { adopt: 0, lapse: 0 });
  assert.equal(store.adoptPresent(4, NOW), 0);
  assert.equal(store.lapsed(4, NOW), 0);
  assert.deepEqual(after.counts, before.counts, 'housekeeping changes no planned push or removal');

  // Nothing unwanted left in Darktrace (the counts then skip Darktrace's pass): gone.example,
  // still present in the ledger, has lapsed, and so has a new one.
  sqlite.prepare(`DELETE FROM temp.feed WHERE value = 'gone.example'`).run();
  row.run('older.example', '["B"]', NOW + DAY_MS);
  const none = plan.tally();
  assert.equal(none.counts.remove, 0);
  assert.equal(none.lapse, 2);
  assert.equal(store.lapsed(5, NOW), 2);
});
