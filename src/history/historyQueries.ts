import type Database from 'better-sqlite3';

export interface RunFilter {
  since?: number;
  until?: number;
  /** 'ingest' | 'export' | 'run' | any command name */
  pipeline?: string;
  status?: string;
  limit: number;
}

export interface RunRow {
  id: number;
  startedAt: number;
  endedAt: number | null;
  command: string;
  status: string;
  exitCode: number | null;
  differential: boolean;
  version: string;
  counts: Record<string, unknown>;
  errorCode: string | null;
  errorMessage: string | null;
}

interface RawRun {
  id: number;
  started_at: number;
  ended_at: number | null;
  command: string;
  status: string;
  exit_code: number | null;
  differential: number;
  version: string;
  counts_json: string;
  error_code: string | null;
  error_message: string | null;
  options_json?: string;
}

const RUN_COLUMNS = 'id, started_at, ended_at, command, status, exit_code, differential, version, counts_json, error_code, error_message';

function toRun(r: RawRun): RunRow {
  return {
    id: r.id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    command: r.command,
    status: r.status,
    exitCode: r.exit_code,
    differential: r.differential === 1,
    version: r.version,
    counts: safeJson(r.counts_json) as Record<string, unknown>,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

function safeJson(text: string | null | undefined): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

export interface AlertLedgerRow {
  kind: string;
  darktraceId: string;
  state: string;
  title: string;
  threatqEventId: number | null;
  alertTime: number;
  firstRunId: number;
  lastRunId: number;
  firstSyncedAt: number | null;
  lastSyncedAt: number | null;
}

export interface ExportLedgerRow {
  value: string;
  state: string;
  collectionsJson: string;
  expiresAt: number | null;
  firstAddedAt: number | null;
  lastPushedAt: number | null;
  removedAt: number | null;
  firstRunId: number;
  lastRunId: number;
}

export interface SkipRow {
  rawValue: string;
  reason: string;
  collectionsJson: string;
  indicatorType: string;
  firstSeenAt: number;
  lastSeenAt: number;
  firstRunId: number;
  lastRunId: number;
}

export interface SkippedRow {
  what: 'alert' | 'indicator';
  kind: string;
  id: string;
  reason: string;
  lastSeenAt: number;
  lastRunId: number;
}

// A run's quarantined alerts and skipped values: those it saw first or last. Two indexed
// look-ups joined by UNION (an OR lets the planner scan the whole table in key order instead).
const QUARANTINE_OF_RUN =
  'SELECT kind, darktrace_id, reason FROM quarantine WHERE first_run_id = ? UNION SELECT kind, darktrace_id, reason FROM quarantine WHERE last_run_id = ?';
const SKIPS_OF_RUN =
  'SELECT raw_value, reason, indicator_type, collections_json FROM export_skips WHERE first_run_id = ? UNION SELECT raw_value, reason, indicator_type, collections_json FROM export_skips WHERE last_run_id = ?';

/** Commands whose runs include a pipeline: `--pipeline ingest` also finds `run` invocations. */
function pipelineCommands(pipeline: string): string[] {
  if (pipeline === 'ingest' || pipeline === 'export') return [pipeline, 'run', 'demo'];
  return [pipeline];
}

/** Read-only queries behind `history`; every one is served by an index (see schema.ts). */
export class HistoryQueries {
  constructor(private readonly sqlite: Database.Database) {}

  runs(filter: RunFilter): RunRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.since !== undefined) {
      where.push('started_at >= ?');
      params.push(filter.since);
    }
    if (filter.until !== undefined) {
      where.push('started_at < ?');
      params.push(filter.until);
    }
    if (filter.pipeline) {
      const commands = pipelineCommands(filter.pipeline);
      where.push(`command IN (${commands.map(() => '?').join(',')})`);
      params.push(...commands);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT ${RUN_COLUMNS} FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY started_at DESC, id DESC LIMIT ?`;
    return (this.sqlite.prepare(sql).all(...params, filter.limit) as RawRun[]).map(toRun);
  }

  run(id: number): (RunRow & { options: Record<string, unknown> }) | undefined {
    const r = this.sqlite.prepare(`SELECT ${RUN_COLUMNS}, options_json FROM runs WHERE id = ?`).get(id) as RawRun | undefined;
    return r ? { ...toRun(r), options: safeJson(r.options_json) as Record<string, unknown> } : undefined;
  }

  /**
   * What a run did: its alert and export actions, and the quarantined alerts and skipped values
   * it saw first or last; at most `limit` of each, with the totals so a cut list says so.
   */
  runActivity(id: number, limit: number) {
    const count = (sql: string, ...params: number[]) => (this.sqlite.prepare(sql).get(...params) as { n: number }).n;
    return {
      alerts: this.sqlite
        .prepare('SELECT kind, darktrace_id AS darktraceId, action, threatq_event_id AS threatqEventId, at FROM alert_actions WHERE run_id = ? ORDER BY id LIMIT ?')
        .all(id, limit) as Array<{ kind: string; darktraceId: string; action: string; threatqEventId: number | null; at: number }>,
      exports: this.sqlite
        .prepare('SELECT value, action, collections_json AS collectionsJson, expires_at AS expiresAt, at FROM export_actions WHERE run_id = ? ORDER BY id LIMIT ?')
        .all(id, limit) as Array<{ value: string; action: string; collectionsJson: string; expiresAt: number | null; at: number }>,
      quarantined: this.sqlite
        .prepare(`SELECT kind, darktrace_id AS darktraceId, reason FROM (${QUARANTINE_OF_RUN}) ORDER BY kind, darktrace_id LIMIT ?`)
        .all(id, id, limit) as Array<{ kind: string; darktraceId: string; reason: string }>,
      skipped: this.sqlite
        .prepare(`SELECT raw_value AS rawValue, reason, indicator_type AS indicatorType, collections_json AS collectionsJson FROM (${SKIPS_OF_RUN}) ORDER BY raw_value, reason LIMIT ?`)
        .all(id, id, limit) as Array<{ rawValue: string; reason: string; indicatorType: string; collectionsJson: string }>,
      totals: {
        alerts: count('SELECT count(*) AS n FROM alert_actions WHERE run_id = ?', id),
        exports: count('SELECT count(*) AS n FROM export_actions WHERE run_id = ?', id),
        quarantined: count(`SELECT count(*) AS n FROM (${QUARANTINE_OF_RUN})`, id, id),
        skipped: count(`SELECT count(*) AS n FROM (${SKIPS_OF_RUN})`, id, id),
      },
    };
  }

  /** The ledger rows, actions and quarantine entries of one Darktrace id (a pbid or an AI Analyst event id). */
  alert(darktraceId: string) {
    // The kind is the first column of each key: naming both kinds lets SQLite use the index.
    const kinds = `kind IN ('model_breach', 'ai_analyst') AND darktrace_id = ?`;
    const ledger = this.sqlite
      .prepare(
        `SELECT kind, darktrace_id AS darktraceId, state, title, threatq_event_id AS threatqEventId, alert_time AS alertTime,
                first_run_id AS firstRunId, last_run_id AS lastRunId, first_synced_at AS firstSyncedAt, last_synced_at AS lastSyncedAt
         FROM alert_ledger WHERE ${kinds}`,
      )
      .all(darktraceId) as AlertLedgerRow[];
    const actions = this.sqlite
      .prepare(`SELECT run_id AS runId, kind, action, threatq_event_id AS threatqEventId, at, detail_json AS detailJson FROM alert_actions WHERE ${kinds} ORDER BY id`)
      .all(darktraceId) as Array<{ runId: number; kind: string; action: string; threatqEventId: number | null; at: number; detailJson: string | null }>;
    const quarantined = this.sqlite
      .prepare(`SELECT kind, reason, first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt, resolved_at AS resolvedAt, first_run_id AS firstRunId, last_run_id AS lastRunId FROM quarantine WHERE ${kinds}`)
      .all(darktraceId) as Array<{ kind: string; reason: string; firstSeenAt: number; lastSeenAt: number; resolvedAt: number | null; firstRunId: number; lastRunId: number }>;
    return { ledger, actions, quarantined };
  }

  /** The ledger row, actions and skips of one intel-feed value; `rawValues` are also looked up among the skips. */
  indicator(value: string, rawValues: string[] = []) {
    const ledger = this.sqlite
      .prepare(
        `SELECT value, state, collections_json AS collectionsJson, expires_at AS expiresAt, first_added_at AS firstAddedAt,
                last_pushed_at AS lastPushedAt, removed_at AS removedAt, first_run_id AS firstRunId, last_run_id AS lastRunId
         FROM export_ledger WHERE value = ?`,
      )
      .get(value) as ExportLedgerRow | undefined;
    const actions = this.sqlite
      .prepare('SELECT run_id AS runId, action, collections_json AS collectionsJson, expires_at AS expiresAt, at FROM export_actions WHERE value = ? ORDER BY id')
      .all(value) as Array<{ runId: number; action: string; collectionsJson: string; expiresAt: number | null; at: number }>;
    const skipStmt = this.sqlite.prepare(
      `SELECT raw_value AS rawValue, reason, collections_json AS collectionsJson, indicator_type AS indicatorType, first_seen_at AS firstSeenAt,
              last_seen_at AS lastSeenAt, first_run_id AS firstRunId, last_run_id AS lastRunId
       FROM export_skips WHERE raw_value = ?`,
    );
    const skips = [...new Set([value, ...rawValues])].flatMap((v) => skipStmt.all(v) as SkipRow[]);
    return { ledger, actions, skips };
  }

  skipped(filter: { since?: number; until?: number; limit: number }) {
    const since = filter.since ?? 0;
    const until = filter.until ?? Number.MAX_SAFE_INTEGER;
    const alerts = this.sqlite
      .prepare(
        `SELECT 'alert' AS what, kind, darktrace_id AS id, reason, last_seen_at AS lastSeenAt, last_run_id AS lastRunId
         FROM quarantine WHERE resolved_at IS NULL AND last_seen_at >= ? AND last_seen_at < ? ORDER BY last_seen_at DESC LIMIT ?`,
      )
      .all(since, until, filter.limit) as SkippedRow[];
    const indicators = this.sqlite
      .prepare(
        `SELECT 'indicator' AS what, indicator_type AS kind, raw_value AS id, reason, last_seen_at AS lastSeenAt, last_run_id AS lastRunId
         FROM export_skips WHERE last_seen_at >= ? AND last_seen_at < ? ORDER BY last_seen_at DESC LIMIT ?`,
      )
      .all(since, until, filter.limit) as SkippedRow[];
    return [...alerts, ...indicators].sort((a, b) => b.lastSeenAt - a.lastSeenAt).slice(0, filter.limit);
  }

  /** The newest successful run that included each pipeline. */
  lastSuccess(pipelines: ReadonlyArray<'ingest' | 'export'> = ['ingest', 'export']): Partial<Record<'ingest' | 'export', RunRow | null>> {
    const one = (pipeline: string) => {
      const commands = pipelineCommands(pipeline);
      const r = this.sqlite
        // `+command`: walk runs_status_started_at from the newest success and stop at the first match.
        .prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'success' AND +command IN (${commands.map(() => '?').join(',')}) ORDER BY started_at DESC LIMIT 1`)
        .get(...commands) as RawRun | undefined;
      return r ? toRun(r) : null;
    };
    return Object.fromEntries(pipelines.map((p) => [p, one(p)]));
  }
}
