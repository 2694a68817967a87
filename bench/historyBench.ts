/**
 * `history` benchmark. Every history query, on
 *  (a) the state databases the export and ingest benchmarks left under workDir (real run data),
 *  (b) a synthetic database of a million ledger rows (quick: 100,000), ten thousand runs over a year.
 *
 * Two kinds of row, named in the scenario:
 *  - "query": the command function in-process (open, query, render, close), median of repeated
 *    runs. The 200 ms target applies here.
 *  - "executable": the built executable as a user runs it, process start-up included (no target;
 *    the start-up benchmark accounts for the start-up itself).
 * Then prune on a copy of the synthetic database: the one-off prune of a quarter year (a write
 * of a fifth of all rows, reported without a target) and the daily retention prune a run does
 * after it (one day of rows, target 200 ms).
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { history } from '../src/cli/commands/history.ts';
import { stateDbPath } from '../src/state/openStateDb.ts';
import { runConnector } from './lib/connectorProcess.ts';
import { explainHistory } from './lib/explainHistory.ts';
import { findStateDbs } from './lib/findStateDbs.ts';
import { historyArgs, historyCases, picksFromDb, type HistoryCase, type HistoryPicks } from './lib/historyCases.ts';
import { median } from './lib/median.ts';
import { ensureSyntheticHistoryDb } from './lib/syntheticHistoryDb.ts';
import type { Bench, BenchOptions, BenchRow } from './lib/types.ts';

const TARGET_MS = 200;
const TARGET = `<${TARGET_MS} ms`;
export const EXECUTABLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../build/out/tq-conn-darktrace');

interface Target {
  /** Short name in the scenario, e.g. "1M synthetic". */
  label: string;
  configDir: string;
  name: string;
  now: number;
  picks: HistoryPicks;
}

export const historyBench: Bench = async (options) => {
  const rows: BenchRow[] = [];
  const repeat = options.quick ? 5 : 11;
  const exeRepeat = options.quick ? 3 : 7;
  const hasExecutable = existsSync(EXECUTABLE);
  if (!hasExecutable) options.log(`no executable at ${EXECUTABLE}: only in-process timings (run npm run build)`);

  for (const group of ['export', 'ingest']) {
    const dbs = findStateDbs(path.join(options.workDir, group));
    if (!dbs.length) options.log(`no state database under ${path.join(options.workDir, group)}: the ${group} benchmark's data is not queried`);
    for (const found of dbs) {
      const picks = withDb(found.file, picksFromDb);
      const label = `${group} bench DB${dbs.length > 1 ? ` ${path.relative(path.join(options.workDir, group), found.file)}` : ''}`;
      if (!picks) {
        options.log(`${label}: no runs recorded, nothing to query`);
        continue;
      }
      options.log(`${label}: ${withDb(found.file, describeDb)}`);
      rows.push(...(await measureTarget({ label, configDir: found.configDir, name: found.name, now: Date.now(), picks }, options, repeat, hasExecutable ? exeRepeat : 0)));
    }
  }

  const size = options.quick ? 100_000 : 1_000_000;
  const syn = ensureSyntheticHistoryDb(options.workDir, size, options.log);
  const label = `${size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`} synthetic`;
  options.log(`${label}: ${syn.description}`);
  const plans = withDb(stateDbPath(syn.configDir, syn.name), (db) => explainHistory(db, syn.picks));
  const scans = plans.filter((p) => p.scans.length);
  options.log(`EXPLAIN QUERY PLAN of the ${plans.length} statements history runs: ${scans.length ? `full-table scans in ${scans.map((p) => `${p.query} (${p.scans.join('; ')})`).join(', ')}` : 'every one uses an index, no full-table scan'}`);
  rows.push(...(await measureTarget({ label, configDir: syn.configDir, name: syn.name, now: syn.now, picks: syn.picks }, options, repeat, hasExecutable ? exeRepeat : 0)));
  rows.push(...measurePrune(options, syn.configDir, syn.name, syn.now, label));
  return rows;
};

function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function describeDb(db: Database.Database): string {
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n.toLocaleString('en');
  return `${n('runs')} runs; alert_ledger ${n('alert_ledger')}, alert_actions ${n('alert_actions')}, export_ledger ${n('export_ledger')}, export_actions ${n('export_actions')}, skips ${n('export_skips')}, quarantined ${n('quarantine')}`;
}

async function measureTarget(t: Target, options: BenchOptions, repeat: number, exeRepeat: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cases = historyCases(t.picks);
  for (const c of cases) {
    const m = timeInProcess(t, c, repeat);
    const met = m.error === undefined && m.medianMs < TARGET_MS;
    rows.push({
      group: 'history',
      scenario: `${t.label} · query · ${c.label}`,
      wallMs: m.medianMs,
      throughput: '',
      peakRssMiB: NaN,
      target: TARGET,
      met,
      notes: m.error ?? `median of ${repeat}; ${m.bytes.toLocaleString('en')} B out`,
    });
    options.log(`${t.label} · query · ${c.label}: ${m.error ?? `${m.medianMs.toFixed(1)} ms`}`);
  }
  if (exeRepeat) {
    for (const c of cases.filter((x) => x.viaExecutable)) {
      const m = await timeExecutable(t, c, exeRepeat);
      rows.push({
        group: 'history',
        scenario: `${t.label} · executable (start-up included) · ${c.label}`,
        wallMs: m.medianMs,
        throughput: '',
        peakRssMiB: m.peakRssMiB,
        target: '',
        notes: m.error ?? `median of ${exeRepeat} runs of the built executable`,
      });
      options.log(`${t.label} · executable · ${c.label}: ${m.error ?? `${m.medianMs.toFixed(1)} ms, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`}`);
    }
  }
  return rows;
}

/** The command function itself, as runMain calls it: open, query, render, close. */
function timeInProcess(t: Target, c: HistoryCase, repeat: number): { medianMs: number; bytes: number; error?: string } {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < repeat; i++) {
    let out = '';
    const started = performance.now();
    let code: number;
    try {
      code = history({ configDir: t.configDir, name: t.name, query: c.query, ...c.flags, clock: { now: () => t.now }, out: (s) => (out += s) });
    } catch (e) {
      return { medianMs: NaN, bytes: 0, error: `failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    times.push(performance.now() - started);
    // last-success --max-age exits 4 when a pipeline is stale: an answer, not a failure.
    if (code !== 0 && code !== 4) return { medianMs: NaN, bytes: 0, error: `exit ${code}` };
    bytes = Buffer.byteLength(out);
  }
  return { medianMs: median(times), bytes };
}

async function timeExecutable(t: Target, c: HistoryCase, repeat: number): Promise<{ medianMs: number; peakRssMiB: number; error?: string }> {
  const args = historyArgs(c, t.configDir, t.name);
  // The CA bundle a developer's shell may export costs ~40 ms per start; a cron job has none.
  const env = { NODE_EXTRA_CA_CERTS: '' };
  const times: number[] = [];
  let peak = 0;
  await runConnector(args, env, t.configDir); // warm-up: page cache
  for (let i = 0; i < repeat; i++) {
    const r = await runConnector(args, env, t.configDir);
    if (r.code !== 0 && r.code !== 4) return { medianMs: NaN, peakRssMiB: NaN, error: `exit ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}` };
    times.push(r.ms);
    peak = Math.max(peak, r.peakRssMiB);
  }
  return { medianMs: median(times), peakRssMiB: peak };
}

/** Prune deletes, so it runs once on a copy: the big one-off prune, then one day of retention. */
function measurePrune(options: BenchOptions, configDir: string, name: string, now: number, label: string): BenchRow[] {
  const copyDir = path.join(path.dirname(configDir), `${path.basename(configDir)}-prune`);
  mkdirSync(copyDir, { recursive: true });
  copyFileSync(stateDbPath(configDir, name), stateDbPath(copyDir, name));
  const rows: BenchRow[] = [];
  for (const [olderThan, what, target] of [
    ['270d', 'one-off prune of a quarter year (includes the first load)', ''],
    ['269d', "a run's retention prune (the next day's rows)", TARGET],
  ] as const) {
    let out = '';
    const started = performance.now();
    let error: string | undefined;
    try {
      history({ configDir: copyDir, name, query: ['prune'], olderThan, format: 'json', clock: { now: () => now }, out: (s) => (out += s) });
    } catch (e) {
      error = `failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const ms = performance.now() - started;
    const doc = error ? undefined : (JSON.parse(out) as { runs: number; alertActions: number; exportActions: number; quarantine: number; exportSkips: number });
    const deleted = doc ? doc.runs + doc.alertActions + doc.exportActions + doc.quarantine + doc.exportSkips : 0;
    rows.push({
      group: 'history',
      scenario: `${label} · query · history prune --older-than ${olderThan}: ${what} (once, on a copy)`,
      wallMs: error ? NaN : ms,
      throughput: error || !deleted ? '' : `${Math.round(deleted / (ms / 1000)).toLocaleString('en')} rows deleted/s`,
      peakRssMiB: NaN,
      target,
      met: target ? !error && ms < TARGET_MS : undefined,
      notes: error ?? `${target ? 'includes the commit fsync (synchronous=FULL); ' : 'no target: a write, not a query; '}${deleted.toLocaleString('en')} rows deleted (${doc!.runs.toLocaleString('en')} runs, ${doc!.alertActions.toLocaleString('en')} alert actions, ${doc!.exportActions.toLocaleString('en')} export actions)`,
    });
    options.log(`${label} · prune --older-than ${olderThan}: ${error ?? `${ms.toFixed(0)} ms, ${deleted.toLocaleString('en')} rows deleted`}`);
  }
  return rows;
}
