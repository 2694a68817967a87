/**
 * Pruning, by hand (`history prune --older-than`) and automatically (`history.retentionDays`
 * after a run), removes old audit rows only: the ledgers stay byte for byte, and the next run
 * against the same simulators is still differential and exactly-once — it writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildScenario, cli } from './scenario.ts';
import type { Harness } from '../e2e/harness.ts';

const DAY = 86_400_000;

function ledgers(h: Harness): string {
  const db = h.db();
  try {
    const all = (sql: string) => db.sqlite.prepare(sql).all();
    return JSON.stringify({
      alerts: all('SELECT * FROM alert_ledger ORDER BY kind, darktrace_id'),
      exports: all('SELECT * FROM export_ledger ORDER BY value'),
      devices: all('SELECT * FROM device_ledger ORDER BY device_key'),
      quarantined: all('SELECT kind, darktrace_id, reason FROM quarantine WHERE resolved_at IS NULL ORDER BY kind, darktrace_id'),
      checkpoints: all("SELECT key, value FROM meta WHERE key NOT LIKE '%token%' ORDER BY key"),
    });
  } finally {
    db.close();
  }
}

function count(h: Harness, sql: string, ...params: unknown[]): number {
  const db = h.db();
  try {
    return (db.sqlite.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Requests that change something: Darktrace intel-feed posts, ThreatQ writes other than logins. */
function writes(h: Harness, from: { dt: number; tq: number }) {
  return {
    darktrace: h.sims.darktrace.requests.slice(from.dt).filter((r) => r.method === 'POST').map((r) => r.path),
    threatq: h.sims.threatq.requests.slice(from.tq).filter((r) => r.method !== 'GET' && r.path !== '/api/token').map((r) => `${r.method} ${r.path}`),
  };
}

test('prune by hand and by retention keeps the ledgers, and the next run writes nothing', async (t) => {
  const s = await buildScenario(t);
  const h = s.h;
  const { r1, r2 } = s.runIds;
  // The scenario ends with a -d export, which leaves the ledger behind Darktrace's expiries on
  // purpose; one differential export adopts them. From here on the ledgers must not move.
  assert.equal((await h.run(['export'])).code, 0);
  const kept = ledgers(h);

  // Nothing is 90 days old.
  const none = await cli(h, ['history', 'prune', '--older-than', '90d']);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stdout, /: 0 runs, 0 alert actions,\n0 export actions, 0 resolved quarantine entries, 0 skips\.\nLedgers kept/);
  assert.equal(count(h, 'SELECT count(*) AS n FROM runs'), 6);

  // Automatic retention: run 1 as if 400 days old; the next run with a 365-day retention prunes it.
  const db = h.db();
  db.sqlite.prepare('UPDATE runs SET started_at = started_at - ?, ended_at = ended_at - ? WHERE id = ?').run(400 * DAY, 400 * DAY, r1);
  db.close();
  assert.ok(count(h, 'SELECT count(*) AS n FROM alert_actions WHERE run_id = ?', r1) > 0);
  let from = { dt: h.sims.darktrace.requests.length, tq: h.sims.threatq.requests.length };
  const auto = await h.run(['export'], { TQDT_HISTORY_RETENTION_DAYS: '365' });
  assert.equal(auto.code, 0, auto.stderr);
  assert.deepEqual(writes(h, from), { darktrace: [], threatq: [] }, 'the export after pruning writes nothing');
  assert.equal(count(h, 'SELECT count(*) AS n FROM runs WHERE id = ?', r1), 0, 'run 1 pruned by retention');
  assert.equal(count(h, 'SELECT count(*) AS n FROM alert_actions WHERE run_id = ?', r1), 0, "its alert actions too");
  assert.equal(count(h, 'SELECT count(*) AS n FROM export_actions WHERE run_id = ?', r1), 0, 'and its export actions');
  assert.equal(count(h, 'SELECT count(*) AS n FROM runs'), 6, 'runs 2 to 7 remain');
  assert.equal((await cli(h, ['history', 'run', String(r1)])).code, 2, 'history no longer knows run 1');
  assert.equal(ledgers(h), kept, 'ledgers untouched by retention');

  // By hand, a day later: everything older than a minute goes, still no ledger row.
  const later = { now: () => Date.now() + DAY };
  const pruned = await cli(h, ['history', 'prune', '--older-than', '1m', '--format', 'json'], { clock: later });
  assert.equal(pruned.code, 0, pruned.stderr);
  const doc = JSON.parse(pruned.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc).sort(), ['alertActions', 'exportActions', 'exportSkips', 'prunedBefore', 'quarantine', 'runs'].sort());
  assert.equal(doc['runs'], 6);
  assert.ok((doc['alertActions'] as number) >= 2 && (doc['exportActions'] as number) >= 3, pruned.stdout);
  assert.equal(doc['exportSkips'], 3, 'skips not seen since are audit rows');
  assert.equal(doc['quarantine'], 0, 'an unresolved quarantine entry is kept: the next ingest needs it');
  assert.equal(ledgers(h), kept, 'ledgers untouched by prune');
  for (const table of ['runs', 'alert_actions', 'export_actions', 'export_skips']) assert.equal(count(h, `SELECT count(*) AS n FROM ${table}`), 0, `${table} emptied`);
  const csv = await cli(h, ['history', 'prune', '--older-than', '1m', '--format', 'csv'], { clock: later });
  assert.match(csv.stdout, /^pruned_before,runs,alert_actions,export_actions,quarantine,export_skips\r\n[^,]+,0,0,0,0,0\r\n$/);

  // The next full run is still differential and exactly-once.
  const events = h.sims.threatq.sim.store.listEvents().length;
  from = { dt: h.sims.darktrace.requests.length, tq: h.sims.threatq.requests.length };
  const next = await h.run(['run']);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(writes(h, from), { darktrace: [], threatq: [] }, 'no write to Darktrace or ThreatQ after pruning');
  assert.equal(h.sims.threatq.sim.store.listEvents().length, events, 'no duplicate event');
  assert.match(next.stdout, /created 0, updated 0/);
  assert.match(next.stdout, /added 0, restored 0, refreshed 0, removed 0/);

  // History still answers from the ledgers; the pruned actions are simply gone.
  const gamma = JSON.parse((await cli(h, ['history', 'indicator', 'gamma.example.org', '--format', 'json'])).stdout) as { current: { state: string; firstRunId: number }; actions: unknown[] };
  assert.equal(gamma.current.state, 'present');
  assert.deepEqual(gamma.actions, []);
  const alert = await cli(h, ['history', 'alert', String(s.acknowledgedPbid)]);
  assert.equal(alert.code, 0, alert.stderr);
  assert.match(alert.stdout.replace(/\s+/g, ' '), new RegExp(`ThreatQ event \\d+, state synced.* last updated .* \\(run ${r2}\\)`));
  const skipped = JSON.parse((await cli(h, ['history', 'skipped', '--format', 'json'])).stdout) as { skipped: Array<{ what: string }> };
  assert.deepEqual(skipped.skipped.map((x) => x.what).sort(), ['alert', 'indicator', 'indicator', 'indicator'], 'the new run re-recorded the skips; the quarantine entry stayed');
});
