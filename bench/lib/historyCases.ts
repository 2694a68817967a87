/**
 * The history queries the benchmark times, each as the command function's options (in-process)
 * and as the executable's arguments, filled in with ids that exist in the database at hand.
 */
import type Database from 'better-sqlite3';
import type { HistoryOptions } from '../../src/cli/commands/history.ts';

/** Ids and values to query; a missing one drops the queries that need it. */
export interface HistoryPicks {
  /** The run with the most actions (a first load). */
  bigRunId: number;
  /** An ordinary later run. */
  typicalRunId: number;
  pbid?: string;
  aiId?: string;
  value?: string;
  hostile?: string;
}

export type HistoryFlags = Pick<HistoryOptions, 'since' | 'until' | 'pipeline' | 'status' | 'limit' | 'format' | 'maxAge'>;

export interface HistoryCase {
  label: string;
  query: string[];
  flags: HistoryFlags;
  /** Also timed through the executable (process start-up included). */
  viaExecutable: boolean;
}

const FLAG_NAMES: Record<keyof HistoryFlags, string> = {
  since: '--since',
  until: '--until',
  pipeline: '--pipeline',
  status: '--status',
  limit: '--limit',
  format: '--format',
  maxAge: '--max-age',
};

/** `history …` arguments of the executable for one case. */
export function historyArgs(c: Pick<HistoryCase, 'query' | 'flags'>, configDir: string, name: string): string[] {
  const flags = Object.entries(c.flags).flatMap(([k, v]) => (v === undefined ? [] : [FLAG_NAMES[k as keyof HistoryFlags], v]));
  return ['history', ...c.query, ...flags, '-c', configDir, '-n', name];
}

export function historyCases(p: HistoryPicks): HistoryCase[] {
  const cases: Array<HistoryCase | false> = [
    { label: 'history (50 newest runs)', query: [], flags: {}, viaExecutable: true },
    { label: 'history --format json', query: [], flags: { format: 'json' }, viaExecutable: false },
    { label: 'history --pipeline export --status failed', query: [], flags: { pipeline: 'export', status: 'failed' }, viaExecutable: false },
    { label: 'history --since 7d', query: [], flags: { since: '7d' }, viaExecutable: false },
    { label: 'history --until 180d --limit 1000 --format csv', query: [], flags: { until: '180d', limit: '1000', format: 'csv' }, viaExecutable: false },
    { label: `history run ${p.bigRunId} (the run with the most actions)`, query: ['run', String(p.bigRunId)], flags: {}, viaExecutable: true },
    p.typicalRunId !== p.bigRunId && { label: `history run ${p.typicalRunId} --format json`, query: ['run', String(p.typicalRunId)], flags: { format: 'json' }, viaExecutable: false },
    p.pbid !== undefined && { label: `history alert <model breach pbid>`, query: ['alert', p.pbid], flags: {}, viaExecutable: true },
    p.aiId !== undefined && { label: 'history alert <AI Analyst id> --format json', query: ['alert', p.aiId], flags: { format: 'json' }, viaExecutable: false },
    p.value !== undefined && { label: 'history indicator <exported value>', query: ['indicator', p.value], flags: {}, viaExecutable: true },
    p.hostile !== undefined && { label: 'history indicator <skipped hostile value> --format csv', query: ['indicator', p.hostile], flags: { format: 'csv' }, viaExecutable: false },
    { label: 'history skipped', query: ['skipped'], flags: {}, viaExecutable: false },
    { label: 'history skipped --since 30d --format json', query: ['skipped'], flags: { since: '30d', format: 'json' }, viaExecutable: false },
    { label: 'history last-success --max-age 26h', query: ['last-success'], flags: { maxAge: '26h' }, viaExecutable: true },
  ];
  return cases.filter((c): c is HistoryCase => c !== false);
}

/** Ids to query in a database the other benchmarks wrote (small: plain aggregate queries are fine). */
export function picksFromDb(sqlite: Database.Database): HistoryPicks | undefined {
  const one = <T>(sql: string): T | undefined => (sqlite.prepare(sql).get() as { v: T } | undefined)?.v;
  const typicalRunId = one<number>('SELECT max(id) AS v FROM runs');
  if (typicalRunId === undefined || typicalRunId === null) return undefined;
  const bigRunId =
    one<number>('SELECT run_id AS v FROM (SELECT run_id FROM alert_actions UNION ALL SELECT run_id FROM export_actions) GROUP BY run_id ORDER BY count(*) DESC, run_id LIMIT 1') ?? typicalRunId;
  return {
    bigRunId,
    typicalRunId,
    pbid: one<string>("SELECT darktrace_id AS v FROM alert_ledger WHERE kind = 'model_breach' ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM alert_ledger WHERE kind = 'model_breach')"),
    aiId: one<string>("SELECT darktrace_id AS v FROM alert_ledger WHERE kind = 'ai_analyst' ORDER BY rowid LIMIT 1"),
    value: one<string>('SELECT value AS v FROM export_ledger ORDER BY rowid LIMIT 1 OFFSET (SELECT count(*) / 2 FROM export_ledger)'),
    hostile: one<string>('SELECT raw_value AS v FROM export_skips ORDER BY rowid LIMIT 1'),
  };
}
