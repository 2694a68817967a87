/**
 * `history …`: audit answers from the local database alone (offline, read-only, beside a run
 * that holds the lock). JSON documents, stable (times are ISO 8601 UTC strings or null):
 *
 * - `history`: `{runs: [{id, startedAt, endedAt, durationMs, command, status, exitCode,
 *   differential, version, counts, error: {code, message} | null}]}`
 * - `history run ID`: one run as above plus `options` (secrets removed), `activity: {alerts:
 *   [{kind, darktraceId, action, threatqEventId, at}], exports: [{value, action, collections,
 *   expiresAt, at}], quarantined: [{kind, darktraceId, reason}], skipped: [{value,
 *   indicatorType, reason, collections}]}` (at most --limit each) and `totals: {alerts, exports,
 *   quarantined, skipped}`
 * - `history alert ID`: `{darktraceId, alerts: [{kind, state, title, threatqEventId, alertTime,
 *   firstRunId, lastRunId, firstSyncedAt, lastSyncedAt}], actions: [{runId, kind, action,
 *   threatqEventId, at, detail}], quarantined: [{kind, reason, firstRunId, lastRunId,
 *   firstSeenAt, lastSeenAt, resolvedAt}]}`
 * - `history indicator VALUE`: `{value, current: {state, collections, expiresAt, firstAddedAt,
 *   lastPushedAt, removedAt, firstRunId, lastRunId} | null, actions: [{runId, action,
 *   collections, expiresAt, at}], skips: [{value, indicatorType, reason, collections,
 *   firstRunId, lastRunId, firstSeenAt, lastSeenAt}]}`
 * - `history skipped`: `{skipped: [{what: "alert"|"indicator", kind, id, reason, lastSeenAt, lastRunId}]}`
 * - `history last-success`: `{maxAgeSeconds?, ingest: {runId, startedAt, ageSeconds, stale?},
 *   export: {…}}` (null fields when never; only the --pipeline asked for, when given)
 * - `history prune`: `{prunedBefore, runs, alertActions, exportActions, quarantine, exportSkips}`
 */
import { ConnectorError, EXIT, UsageError } from '../../errors.ts';
import type { Clock } from '../../clock.ts';
import { HistoryQueries } from '../../history/historyQueries.ts';
import { openForHistory } from '../../history/openForHistory.ts';
import { parseDuration, parseTimeFilter } from '../../history/parseTimeFilter.ts';
import { pruneHistory } from '../../history/pruneHistory.ts';
import { formatUtc, isoOrNull } from '../../history/formatTime.ts';
import { HISTORY_FORMATS, type HistoryFormat } from '../../history/historyFormat.ts';
import { renderRuns } from '../../history/renderRuns.ts';
import { renderCsv } from '../../history/renderTable.ts';
import { renderRun } from '../../history/renderRun.ts';
import { renderAlert } from '../../history/renderAlert.ts';
import { renderIndicator } from '../../history/renderIndicator.ts';
import { renderSkipped } from '../../history/renderSkipped.ts';
import { renderLastSuccess, stalePipelines } from '../../history/renderLastSuccess.ts';
import { normaliseIndicator } from '../../export/normaliseIndicator.ts';

export type { HistoryFormat };

export interface HistoryOptions {
  configDir: string;
  name: string;
  /** Positional words: [], ['run', id], ['alert', id], ['indicator', value], ['skipped'], ['last-success'], ['prune']. */
  query: string[];
  since?: string;
  until?: string;
  pipeline?: string;
  status?: string;
  limit?: string;
  format?: string;
  maxAge?: string;
  olderThan?: string;
  clock: Clock;
  columns?: number;
  out: (text: string) => void;
}

const PIPELINES = ['ingest', 'export', 'run', 'configure', 'doctor', 'demo'];
const STATUSES = ['running', 'success', 'partial', 'failed', 'interrupted'];

/** `history …`: audit answers from the local database alone. Returns the exit code. */
export function history(o: HistoryOptions): number {
  const now = o.clock.now();
  const format = (o.format ?? 'table') as HistoryFormat;
  if (!HISTORY_FORMATS.includes(format)) throw new UsageError(`Invalid value for --format: '${o.format}'`, 'Allowed: table, json or csv', 'E_FLAG_VALUE');
  const limit = o.limit === undefined ? 50 : /^\d+$/.test(o.limit.trim()) ? Number(o.limit) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new UsageError(`Invalid value for --limit: '${o.limit}'`, 'Allowed: a whole number from 1 to 1000000', 'E_FLAG_VALUE');
  if (o.pipeline !== undefined && !PIPELINES.includes(o.pipeline)) throw new UsageError(`Invalid value for --pipeline: '${o.pipeline}'`, `Allowed: ${PIPELINES.join(', ')}`, 'E_FLAG_VALUE');
  if (o.status !== undefined && !STATUSES.includes(o.status)) throw new UsageError(`Invalid value for --status: '${o.status}'`, `Allowed: ${STATUSES.join(', ')}`, 'E_FLAG_VALUE');
  const since = o.since === undefined ? undefined : parseTimeFilter('--since', o.since, now);
  const until = o.until === undefined ? undefined : parseTimeFilter('--until', o.until, now);
  const maxAge = o.maxAge === undefined ? undefined : parseDuration('--max-age', o.maxAge);
  const before = o.olderThan === undefined ? undefined : parseTimeFilter('--older-than', o.olderThan, now);
  const [what = 'runs', arg, ...extra] = o.query;
  if (extra.length) throw new UsageError(`Too many words after 'history ${what}': '${extra.join(' ')}'`, 'Quote a value that contains spaces; see tq-conn-darktrace history --help', 'E_USAGE');
  const width = Math.max(60, Math.min(o.columns ?? 80, 160));

  // Arguments are checked before the database is opened: a typo never touches the file.
  let runId = 0;
  let lastPipelines: Array<'ingest' | 'export'> = ['ingest', 'export'];
  switch (what) {
    case 'run':
      runId = /^\d+$/.test(arg ?? '') ? Number(arg) : 0;
      if (runId < 1) throw new UsageError(`'history run' needs a run id: got '${arg ?? ''}'`, 'Example: tq-conn-darktrace history run 42 (ids are listed by tq-conn-darktrace history)', 'E_USAGE');
      break;
    case 'alert':
      if (!arg) throw new UsageError(`'history alert' needs a Darktrace alert id`, 'Example: tq-conn-darktrace history alert 12345 (a model breach pbid or an AI Analyst event id)', 'E_USAGE');
      break;
    case 'indicator':
      if (!arg) throw new UsageError(`'history indicator' needs a value`, 'Example: tq-conn-darktrace history indicator evil.example', 'E_USAGE');
      break;
    case 'last-success':
      if (o.pipeline !== undefined) {
        if (o.pipeline !== 'ingest' && o.pipeline !== 'export') throw new UsageError(`Invalid value for --pipeline with last-success: '${o.pipeline}'`, 'Allowed: ingest or export', 'E_FLAG_VALUE');
        lastPipelines = [o.pipeline];
      }
      break;
    case 'prune':
      if (before === undefined) throw new UsageError(`'history prune' needs --older-than`, 'Example: tq-conn-darktrace history prune --older-than 90d', 'E_USAGE');
      break;
    case 'runs':
    case 'skipped':
      break;
    default:
      throw new UsageError(`Unknown history query '${what}'`, 'Use one of: (nothing) for recent runs, run ID, alert ID, indicator VALUE, skipped, last-success, prune', 'E_USAGE');
  }
  if (arg !== undefined && (what === 'runs' || what === 'skipped' || what === 'last-success' || what === 'prune')) {
    throw new UsageError(`Too many words after 'history ${what}': '${arg}'`, 'See tq-conn-darktrace history --help', 'E_USAGE');
  }

  const state = openForHistory(o.configDir, o.name, what === 'prune');
  try {
    const q = new HistoryQueries(state.sqlite);
    switch (what) {
      case 'runs':
        o.out(renderRuns(q.runs({ since, until, pipeline: o.pipeline, status: o.status, limit }), format, width));
        return EXIT.ok;
      case 'run': {
        const run = q.run(runId);
        if (!run) throw new ConnectorError('E_HISTORY_NOT_FOUND', `No run with id ${runId} in '${state.path}'`, { exitCode: EXIT.usage, hint: 'List runs with: tq-conn-darktrace history (old runs may have been pruned)' });
        o.out(renderRun(run, q.runActivity(runId, limit), format, width));
        return EXIT.ok;
      }
      case 'alert': {
        const a = q.alert(arg!.trim());
        if (!a.ledger.length && !a.actions.length && !a.quarantined.length) {
          throw new ConnectorError('E_HISTORY_NOT_FOUND', `No Darktrace alert '${arg}' has been seen by this connector`, { exitCode: EXIT.usage, hint: 'Check the id (pbid or AI Analyst event id) and -c/-n' });
        }
        o.out(renderAlert(arg!.trim(), a, format, width));
        return EXIT.ok;
      }
      case 'indicator': {
        // Stored values are normalised as the export sends them (lower case, no trailing dot, compressed IPv6).
        const n = normaliseIndicator('FQDN', arg!);
        const value = n.ok ? n.value : arg!.trim().toLowerCase().replace(/\.$/, '');
        const found = q.indicator(value, [arg!, arg!.trim()]);
        if (!found.ledger && !found.actions.length && !found.skips.length) {
          throw new ConnectorError('E_HISTORY_NOT_FOUND', `The value '${arg}' was never exported or skipped by this connector`, { exitCode: EXIT.usage, hint: 'Check the value and -c/-n' });
        }
        o.out(renderIndicator(value, found, format, width));
        return EXIT.ok;
      }
      case 'skipped':
        o.out(renderSkipped(q.skipped({ since, until, limit }), format, width));
        return EXIT.ok;
      case 'last-success': {
        const last = q.lastSuccess(lastPipelines);
        o.out(renderLastSuccess(last, now, maxAge, format));
        return stalePipelines(last, now, maxAge).length ? EXIT.partial : EXIT.ok;
      }
      default: {
        const r = pruneHistory(state.sqlite, before!);
        const doc = { prunedBefore: isoOrNull(before), ...r };
        o.out(
          format === 'json'
            ? JSON.stringify(doc, null, 2) + '\n'
            : format === 'csv'
              ? renderCsv(['pruned_before', 'runs', 'alert_actions', 'export_actions', 'quarantine', 'export_skips'], [[doc.prunedBefore, r.runs, r.alertActions, r.exportActions, r.quarantine, r.exportSkips]])
              : `Pruned history older than ${formatUtc(before)} UTC: ${r.runs} runs, ${r.alertActions} alert actions,\n${r.exportActions} export actions, ${r.quarantine} resolved quarantine entries, ${r.exportSkips} skips.\nLedgers kept: the next run stays differential.\n`,
        );
        return EXIT.ok;
      }
    }
  } finally {
    state.close();
  }
}
