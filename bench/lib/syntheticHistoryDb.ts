/**
 * A synthetic state database with the real schema (openStateDb, every migration) holding
 * `rows` ledger rows (alert_ledger + alert_actions + export_ledger + export_actions), skips,
 * quarantine entries and `runs` runs spread over a year. Run 1 is the big first load (a fifth
 * of all actions); the rest land on random runs. Deterministic (seeded), so two builds match.
 *
 * Built once per size under `<workDir>/history/synthetic-<rows>/` and reused (history and
 * start-up benchmarks share it); `built.json` beside it records what to query.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openStateDb, stateDbPath } from '../../src/state/openStateDb.ts';
import type { HistoryPicks } from './historyCases.ts';

export const SYNTHETIC_NAME = 'bench';
const DAY = 86_400_000;

export interface SyntheticHistoryDb {
  configDir: string;
  name: string;
  /** The clock of the build: history's relative filters (7d, 30d) are taken from here. */
  now: number;
  rows: number;
  runs: number;
  picks: HistoryPicks;
  /** One line: row counts per table and file size. */
  description: string;
  buildMs: number;
}

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

/** The database of `rows` ledger rows under workDir, built on first use. */
export function ensureSyntheticHistoryDb(workDir: string, rows: number, log: (line: string) => void, runs = 10_000): SyntheticHistoryDb {
  const configDir = path.join(workDir, 'history', `synthetic-${rows}`);
  const marker = path.join(configDir, 'built.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as SyntheticHistoryDb;
  mkdirSync(configDir, { recursive: true });
  log(`building a synthetic state database: ${rows.toLocaleString('en')} ledger rows, ${runs.toLocaleString('en')} runs over a year`);
  const started = performance.now();
  const built = build(configDir, rows, runs);
  built.buildMs = performance.now() - started;
  log(`built in ${(built.buildMs / 1000).toFixed(1)} s: ${built.description}`);
  writeFileSync(marker, JSON.stringify(built, null, 2));
  return built;
}

function build(configDir: string, ROWS: number, RUNS: number): SyntheticHistoryDb {
  const now = Date.now();
  const file = stateDbPath(configDir, SYNTHETIC_NAME);
  const state = openStateDb({ path: file });
  const db = state.sqlite;
  const r = rng(42);
  const quarter = Math.floor(ROWS / 4);
  const alerts = quarter;
  const exportsN = quarter;
  const skipsN = Math.max(10, Math.floor(ROWS / 20));
  const quarantineN = Math.max(10, Math.floor(ROWS / 200));
  const runStart = (id: number) => now - 365 * DAY + Math.floor(((id - 1) / RUNS) * 365 * DAY);
  const options = JSON.stringify({ command: 'run', configDir: '/etc/tq-conn-darktrace', name: SYNTHETIC_NAME, logLocation: '/var/log/tq', verbosity: 1, noDifferential: false, disableSsl: false, dryRun: false, threatqHost: 'https://tq.example', threatqUser: 'connector@tq.example', darktraceHost: 'https://dt.example', collections: ['Export to Darktrace', 'Watch List'], sourceName: 'ThreatQ', expirationDays: 30 });
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
      const id = ai ? `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-b75c-4c9f-b39f-${String(i).padStart(12, '0')}` : String(100_000 + i);
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
    // The remaining rows of the total: updates and refreshes by later runs.
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
  const n = (table: string) => count(`SELECT count(*) AS n FROM ${table}`).toLocaleString('en');
  const picks: HistoryPicks = {
    bigRunId: 1,
    typicalRunId: (db.prepare('SELECT run_id AS n FROM export_actions WHERE run_id > 1 GROUP BY run_id ORDER BY count(*) DESC LIMIT 1').get() as { n: number }).n,
    pbid: String(100_000 + 1 + 5 * Math.floor(quarter / 10)),
    aiId: (db.prepare("SELECT darktrace_id AS n FROM alert_ledger WHERE kind = 'ai_analyst' LIMIT 1 OFFSET ?").get(Math.min(1000, Math.floor(quarter / 10))) as { n: string }).n,
    value: `host-${(quarter - 2).toString(36)}.bench.example`,
    hostile: `bad-${Math.floor(skipsN / 2)}.example,other.example`,
  };
  const ledgerRows = count('SELECT (SELECT count(*) FROM alert_ledger) + (SELECT count(*) FROM alert_actions) + (SELECT count(*) FROM export_ledger) + (SELECT count(*) FROM export_actions) AS n');
  const description =
    `${ledgerRows.toLocaleString('en')} ledger rows (alert_ledger ${n('alert_ledger')}, alert_actions ${n('alert_actions')}, export_ledger ${n('export_ledger')}, export_actions ${n('export_actions')}), ` +
    `${n('export_skips')} skips, ${n('quarantine')} quarantined, ${n('runs')} runs; ${(statSync(file).size / 1e6).toFixed(0)} MB`;
  state.close();
  return { configDir, name: SYNTHETIC_NAME, now, rows: ROWS, runs: RUNS, picks, description, buildMs: 0 };
}
