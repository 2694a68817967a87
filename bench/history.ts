/**
 * `history` benchmark: a synthetic state database with the real schema (openStateDb, every
 * migration) holding a million ledger rows (alert_ledger + alert_actions + export_ledger +
 * export_actions), skips, quarantine entries and ten thousand runs over a year; then each
 * history query, run through the command function itself (open, query, render, close), timed
 * as the median of several runs against a 200 ms target.
 *
 *   node --import tsx bench/history.ts [--rows 1000000] [--runs 10000] [--repeat 7] [--explain] [--keep]
 *
 * --explain prints SQLite's query plan of every statement history runs (a SCAN of a big table
 * is a missing index). --keep leaves the database in place and prints its path.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateDb, stateDbPath } from '../src/state/openStateDb.ts';
import { history } from '../src/cli/commands/history.ts';
import type Database from 'better-sqlite3';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const ROWS = flag('rows', 1_000_000);
const RUNS = flag('runs', 10_000);
const REPEAT = flag('repeat', 7);
const TARGET_MS = 200;
const DAY = 86_400_000;
const NAME = 'bench';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Built {
  dir: string;
  now: number;
  bigRunId: number;
  typicalRunId: number;
  pbid: string;
  aiId: string;
  value: string;
  hostile: string;
}

function build(dir: string): Built {
  const now = Date.now();
  const state = openStateDb({ path: stateDbPath(dir, NAME) });
  const db = state.sqlite;
  const r = rng(42);
  const quarter = Math.floor(ROWS / 4);
  const alerts = quarter;
  const exportsN = quarter;
  const skipsN = Math.max(10, Math.floor(ROWS / 20));
  const quarantineN = Math.max(10, Math.floor(ROWS / 200));
  const runStart = (id: number) => now - 365 * DAY + Math.floor(((id - 1) / RUNS) * 365 * DAY);
  const options = JSON.stringify({ command: 'run', configDir: '/etc/tq-conn-darktrace', name: NAME, logLocation: '/var/log/tq', verbosity: 1, noDifferential: false, disableSsl: false, dryRun: false, threatqHost: 'https://tq.example', threatqUser: 'connector@tq.example', darktraceHost: 'https://dt.example', collections: ['Export to Darktrace', 'Watch List'], sourceName: 'ThreatQ', expirationDays: 30 });
  const counts = JSON.stringify({ ingest: { fetched: 40, created: 25, updated: 10, unchanged: 5, quarantined: 0, failed: 0 }, export: { desired: 25000, added: 25, refreshed: 3, restored: 0, removed: 2, unchanged: 24970, skipped: 5, failed: 0 }, requests: { 'darktrace.modelbreaches': { calls: 4, requests: 4, retries: 0, failures: 0 }, 'threatq.events.consume': { calls: 2, requests: 2, retries: 0, failures: 0 } } });
  // Actions land on runs at random, except that run 1 is the big first load (a fifth of them).
  const runFor = (): number => (r() < 0.2 ? 1 : 1 + Math.floor(r() * RUNS));
  const tx = db.transaction(() => {
    const run = db.prepare(`INSERT INTO runs (id, started_at, ended_at, command, status, exit_code, options_json, version, differential, counts_json, error_code, error_message, pid, hostname) VALUES (?, ?, ?, ?, ?, ?, ?, '2.0.0', 1, ?, ?, ?, 1, 'bench')`);
    for (let id = 1; id <= RUNS; id++) {
      const command = ['run', 'run', 'ingest', 'export'][id % 4]!;
      const failed = id % 97 === 0;
      run.run(id, runStart(id), runStart(id) + 5000 + Math.floor(r() * 60_000), command, failed ? 'failed' : id % 41 === 0 ? 'partial' : 'success', failed ? 5 : 0, options, counts, failed ? 'E_DT_UNAVAILABLE' : null, failed ? 'Darktrace did not answer' : null);
    }
    const ledger = db.prepare(`INSERT INTO alert_ledger (kind, darktrace_id, content_hash, state, title, threatq_event_id, alert_time, first_run_id, last_run_id, first_synced_at, last_synced_at) VALUES (?, ?, 'h', 'synced', ?, ?, ?, ?, ?, ?, ?)`);
    const action = db.prepare(`INSERT INTO alert_actions (run_id, kind, darktrace_id, action, threatq_event_id, at, detail_json) VALUES (?, ?, ?, ?, ?, ?, NULL)`);
    for (let i = 0; i < alerts; i++) {
      const ai = i % 5 === 0;
      const kind = ai ? 'ai_analyst' : 'model_breach';
      const id = ai ? `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-b75c-4c9f-b39f-${String(i).padStart(12, '0')}` : String(100_000 + i);
      const first = runFor();
      ledger.run(kind, id, `Model Breach: Device::Anomaly ${i} on 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} [pbid ${id}]`, i + 1, runStart(first) - 3_600_000, first, first, runStart(first), runStart(first));
      action.run(first, kind, id, 'created', i + 1, runStart(first) + 1000);
    }
    const eLedger = db.prepare(`INSERT INTO export_ledger (value, state, collections_json, expires_at, first_added_at, last_pushed_at, removed_at, first_run_id, last_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const eAction = db.prepare(`INSERT INTO export_actions (run_id, value, action, collections_json, expires_at, at) VALUES (?, ?, ?, ?, ?, ?)`);
    for (let i = 0; i < exportsN; i++) {
      const value = i % 3 === 0 ? `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}` : `host-${i.toString(36)}.bench.example`;
      const first = runFor();
      const removed = i % 10 === 0;
      const cols = i % 2 ? '["Export to Darktrace"]' : '["Export to Darktrace","Watch List"]';
      eLedger.run(value, removed ? 'removed' : 'present', cols, runStart(first) + 30 * DAY, runStart(first), runStart(first), removed ? runStart(first) + DAY : null, first, first);
      eAction.run(first, value, 'added', cols, runStart(first) + 30 * DAY, runStart(first) + 2000);
    }
    // The remaining rows of the million: updates and refreshes by later runs.
    const extra = ROWS - alerts - exportsN - alerts - exportsN;
    for (let i = 0; i < extra; i++) {
      const n = Math.floor(r() * quarter);
      const id = 1 + Math.floor(r() * RUNS);
      if (i % 2) action.run(id, n % 5 === 0 ? 'ai_analyst' : 'model_breach', String(100_000 + n), 'updated', n + 1, runStart(id) + 1000);
      else eAction.run(id, n % 3 === 0 ? `${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}.${(n * 7) & 255}` : `host-${n.toString(36)}.bench.example`, 'refreshed', '["Export to Darktrace"]', runStart(id) + 30 * DAY, runStart(id) + 2000);
    }
    const skip = db.prepare(`INSERT INTO export_skips (raw_value, reason, collections_json, indicator_type, first_run_id, last_run_id, first_seen_at, last_seen_at) VALUES (?, ?, '["Watch List"]', 'FQDN', ?, ?, ?, ?)`);
    for (let i = 0; i < skipsN; i++) {
      const first = runFor();
      const last = Math.min(RUNS, first + Math.floor(r() * 100));
      skip.run(`bad-${i}.example,other.example`, 'contains a comma or line break, which would split it into several intel-feed entries', first, last, runStart(first), runStart(last));
    }
    const q = db.prepare(`INSERT INTO quarantine (kind, darktrace_id, reason, excerpt, first_run_id, last_run_id, first_seen_at, last_seen_at, resolved_at) VALUES ('model_breach', ?, 'breach has no model name', '{}', ?, ?, ?, ?, ?)`);
    for (let i = 0; i < quarantineN; i++) {
      const first = runFor();
      q.run(String(900_000 + i), first, first, runStart(first), runStart(first), i % 2 ? runStart(first) + DAY : null);
    }
  });
  tx();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const bigRunId = 1;
  const typicalRunId = (db.prepare('SELECT run_id AS n FROM export_actions WHERE run_id > 1 GROUP BY run_id ORDER BY count(*) DESC LIMIT 1').get() as { n: number }).n;
  const built = {
    dir,
    now,
    bigRunId,
    typicalRunId,
    pbid: String(100_000 + 1 + 5 * Math.floor(quarter / 10)),
    aiId: (db.prepare("SELECT darktrace_id AS n FROM alert_ledger WHERE kind = 'ai_analyst' LIMIT 1 OFFSET 1000").get() as { n: string }).n,
    value: `host-${(quarter - 2).toString(36)}.bench.example`,
    hostile: `bad-${Math.floor(skipsN / 2)}.example,other.example`,
  };
  const ledgerRows = count('SELECT (SELECT count(*) FROM alert_ledger) + (SELECT count(*) FROM alert_actions) + (SELECT count(*) FROM export_ledger) + (SELECT count(*) FROM export_actions) AS n');
  console.log(
    `Database: ${ledgerRows.toLocaleString('en')} ledger rows (alert_ledger ${count('SELECT count(*) AS n FROM alert_ledger').toLocaleString('en')}, alert_actions ${count('SELECT count(*) AS n FROM alert_actions').toLocaleString('en')}, export_ledger ${count('SELECT count(*) AS n FROM export_ledger').toLocaleString('en')}, export_actions ${count('SELECT count(*) AS n FROM export_actions').toLocaleString('en')}), ` +
      `${count('SELECT count(*) AS n FROM export_skips').toLocaleString('en')} skips, ${count('SELECT count(*) AS n FROM quarantine').toLocaleString('en')} quarantined, ${count('SELECT count(*) AS n FROM runs').toLocaleString('en')} runs; ${(statSync(stateDbPath(dir, NAME)).size / 1e6).toFixed(0)} MB`,
  );
  if (args.includes('--explain')) explain(db, built);
  state.close();
  return built;
}

/** The query plan of each statement behind history, with the bench's own values. */
function explain(db: Database.Database, b: Built): void {
  const plans: Array<[string, string, unknown[]]> = [
    ['runs', "SELECT id FROM runs WHERE command IN ('export','run','demo') AND status = 'failed' ORDER BY started_at DESC, id DESC LIMIT 50", []],
    ['run activity: alert actions', 'SELECT * FROM alert_actions WHERE run_id = ? ORDER BY id LIMIT 50', [b.bigRunId]],
    ['run activity: export actions', 'SELECT * FROM export_actions WHERE run_id = ? ORDER BY id LIMIT 50', [b.bigRunId]],
    ['run activity: quarantine', 'SELECT kind, darktrace_id FROM quarantine WHERE first_run_id = ? UNION SELECT kind, darktrace_id FROM quarantine WHERE last_run_id = ? ORDER BY 1, 2 LIMIT 50', [b.bigRunId, b.bigRunId]],
    ['run activity: skips', 'SELECT raw_value, reason FROM export_skips WHERE first_run_id = ? UNION SELECT raw_value, reason FROM export_skips WHERE last_run_id = ? ORDER BY 1, 2 LIMIT 50', [b.bigRunId, b.bigRunId]],
    ['alert: ledger', "SELECT * FROM alert_ledger WHERE kind IN ('model_breach', 'ai_analyst') AND darktrace_id = ?", [b.pbid]],
    ['alert: actions', "SELECT * FROM alert_actions WHERE kind IN ('model_breach', 'ai_analyst') AND darktrace_id = ? ORDER BY id", [b.pbid]],
    ['indicator: actions', 'SELECT * FROM export_actions WHERE value = ? ORDER BY id', [b.value]],
    ['indicator: skips', 'SELECT * FROM export_skips WHERE raw_value = ?', [b.hostile]],
    ['skipped: quarantine', 'SELECT * FROM quarantine WHERE resolved_at IS NULL AND last_seen_at >= ? AND last_seen_at < ? ORDER BY last_seen_at DESC LIMIT 50', [0, Number.MAX_SAFE_INTEGER]],
    ['skipped: skips', 'SELECT * FROM export_skips WHERE last_seen_at >= ? AND last_seen_at < ? ORDER BY last_seen_at DESC LIMIT 50', [0, Number.MAX_SAFE_INTEGER]],
    ['last-success', "SELECT id FROM runs WHERE status = 'success' AND +command IN ('ingest','run','demo') ORDER BY started_at DESC LIMIT 1", []],
    ['runs --status', "SELECT id FROM runs WHERE status = 'partial' ORDER BY started_at DESC, id DESC LIMIT 50", []],
    ['prune: alert actions', "SELECT count(*) FROM alert_actions WHERE run_id IN (SELECT id FROM runs WHERE started_at < ? AND status != 'running')", [0]],
  ];
  for (const [label, sql, params] of plans) {
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    console.log(`${label.padEnd(30)} ${rows.map((r) => r.detail).join(' | ')}`);
  }
  console.log();
}

function time(b: Built, query: string[], extra: Partial<Parameters<typeof history>[0]> = {}): { median: number; code: number; bytes: number } {
  const times: number[] = [];
  let code = 0;
  let bytes = 0;
  for (let i = 0; i < REPEAT; i++) {
    let out = '';
    const started = performance.now();
    code = history({ configDir: b.dir, name: NAME, query, clock: { now: () => b.now }, out: (t) => (out += t), ...extra });
    times.push(performance.now() - started);
    bytes = out.length;
  }
  times.sort((x, y) => x - y);
  return { median: times[Math.floor(times.length / 2)]!, code, bytes };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-history-'));
try {
  const started = performance.now();
  const b = build(dir);
  console.log(`Built in ${((performance.now() - started) / 1000).toFixed(1)} s; each query: median of ${REPEAT} runs of the history command (open, query, render, close).\n`);
  const cases: Array<[string, string[], Partial<Parameters<typeof history>[0]>]> = [
    ['history (50 newest runs)', [], {}],
    ['history --format json', [], { format: 'json' }],
    ['history --pipeline export --status failed', [], { pipeline: 'export', status: 'failed' }],
    ['history --since 7d', [], { since: '7d' }],
    ['history --until 180d --limit 1000 (csv)', [], { until: '180d', limit: '1000', format: 'csv' }],
    [`history run ${b.bigRunId} (first load, 1/5 of all rows)`, ['run', String(b.bigRunId)], {}],
    [`history run ${b.typicalRunId} --format json`, ['run', String(b.typicalRunId)], { format: 'json' }],
    [`history alert ${b.pbid}`, ['alert', b.pbid], {}],
    ['history alert <AI Analyst id>', ['alert', b.aiId], { format: 'json' }],
    ['history indicator <fqdn>', ['indicator', b.value], {}],
    ['history indicator <hostile value>', ['indicator', b.hostile], { format: 'csv' }],
    ['history skipped', ['skipped'], {}],
    ['history skipped --since 30d --format json', ['skipped'], { since: '30d', format: 'json' }],
    ['history last-success --max-age 26h', ['last-success'], { maxAge: '26h' }],
  ];
  const rows: Array<[string, number, number]> = [];
  for (const [label, query, extra] of cases) {
    const m = time(b, query, extra);
    rows.push([label, m.median, m.bytes]);
  }
  // Prune last (it deletes): once, a quarter of the year.
  let pruneOut = '';
  const t0 = performance.now();
  history({ configDir: b.dir, name: NAME, query: ['prune'], olderThan: '270d', clock: { now: () => b.now }, out: (t) => (pruneOut += t) });
  rows.push(['history prune --older-than 270d (once)', performance.now() - t0, pruneOut.length]);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'query'.padEnd(width)}  median ms  target  output`);
  console.log(`${'-'.repeat(width)}  ---------  ------  ------`);
  for (const [label, ms, bytes] of rows) console.log(`${label.padEnd(width)}  ${ms.toFixed(1).padStart(9)}  ${ms <= TARGET_MS ? '  ok  ' : ' SLOW '}  ${bytes} B`);
  console.log(`\n${pruneOut.trim()}`);
  if (args.includes('--keep')) console.log(`\nDatabase kept: ${stateDbPath(dir, NAME)}`);
} finally {
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
