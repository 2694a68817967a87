/**
 * SQLite's query plan of every statement the history queries run, captured from HistoryQueries
 * itself (a recording wrapper around `prepare`), so the list cannot drift from the code. A
 * `SCAN` of a big table is a missing index.
 */
import type Database from 'better-sqlite3';
import { HistoryQueries } from '../../src/history/historyQueries.ts';
import type { HistoryPicks } from './historyCases.ts';

export interface StatementPlan {
  /** Which query ran it, e.g. "runActivity". */
  query: string;
  sql: string;
  plan: string[];
  /** Plan steps that read a whole table (not a temp b-tree, not an index). */
  scans: string[];
}

// What prune runs (pruneHistory.ts): its subquery is the part that needs an index.
const PRUNE_SQL = ["SELECT count(*) FROM alert_actions WHERE run_id IN (SELECT id FROM runs WHERE started_at < ? AND status != 'running')", "SELECT count(*) FROM export_actions WHERE run_id IN (SELECT id FROM runs WHERE started_at < ? AND status != 'running')"];

export function explainHistory(sqlite: Database.Database, picks: HistoryPicks): StatementPlan[] {
  const recorded: Array<{ query: string; sql: string; params: unknown[] }> = [];
  let current = '';
  const recorder = {
    prepare(sql: string) {
      const stmt = sqlite.prepare(sql);
      const record = (params: unknown[]) => recorded.push({ query: current, sql, params });
      return {
        all: (...params: unknown[]) => (record(params), stmt.all(...params)),
        get: (...params: unknown[]) => (record(params), stmt.get(...params)),
      };
    },
  } as unknown as Database.Database;
  const q = new HistoryQueries(recorder);
  const runs: Array<[string, () => unknown]> = [
    ['runs', () => q.runs({ limit: 50 })],
    ['runs --since --pipeline --status', () => q.runs({ since: 0, until: Number.MAX_SAFE_INTEGER, pipeline: 'export', status: 'failed', limit: 50 })],
    ['run', () => q.run(picks.bigRunId)],
    ['runActivity', () => q.runActivity(picks.bigRunId, 50)],
    ['alert', () => q.alert(picks.pbid ?? '1')],
    ['indicator', () => q.indicator(picks.value ?? 'x.example', picks.hostile ? [picks.hostile] : [])],
    ['skipped', () => q.skipped({ limit: 50 })],
    ['lastSuccess', () => q.lastSuccess()],
  ];
  for (const [name, fn] of runs) {
    current = name;
    fn();
  }
  for (const sql of PRUNE_SQL) recorded.push({ query: 'prune', sql, params: [0] });
  const seen = new Set<string>();
  const plans: StatementPlan[] = [];
  for (const r of recorded) {
    if (seen.has(r.sql)) continue;
    seen.add(r.sql);
    const plan = (sqlite.prepare(`EXPLAIN QUERY PLAN ${r.sql}`).all(...r.params) as Array<{ detail: string }>).map((p) => p.detail);
    plans.push({ query: r.query, sql: r.sql.replace(/\s+/g, ' ').trim(), plan, scans: plan.filter((d) => /^SCAN /.test(d) && !/^SCAN (CONSTANT ROW|\(subquery|[\w-]+ USING (COVERING )?INDEX)/.test(d)) });
  }
  return plans;
}
