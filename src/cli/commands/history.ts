import { existsSync } from 'node:fs';
import { ConnectorError, EXIT, UsageError } from '../../errors.ts';
import type { Clock } from '../../clock.ts';
import { openStateDb, stateDbPath, type StateDb } from '../../state/openStateDb.ts';
import { HistoryQueries, type RunRow } from '../../history/historyQueries.ts';
import { parseDuration, parseTimeFilter } from '../../history/parseTimeFilter.ts';
import { pruneHistory } from '../../history/pruneHistory.ts';
import { renderCsv, renderTable } from '../../history/renderTable.ts';
import { formatDuration, formatUtc, isoOrNull } from '../../history/formatTime.ts';
import { summariseCounts } from '../../history/summariseCounts.ts';

export type HistoryFormat = 'table' | 'json' | 'csv';

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
  if (!['table', 'json', 'csv'].includes(format)) throw new UsageError(`Invalid value for --format: '${o.format}'`, 'Allowed: table, json or csv', 'E_FLAG_VALUE');
  const limit = o.limit === undefined ? 50 : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new UsageError(`Invalid value for --limit: '${o.limit}'`, 'Allowed: a whole number from 1 to 1000000', 'E_FLAG_VALUE');
  if (o.pipeline && !PIPELINES.includes(o.pipeline)) throw new UsageError(`Invalid value for --pipeline: '${o.pipeline}'`, `Allowed: ${PIPELINES.join(', ')}`, 'E_FLAG_VALUE');
  if (o.status && !STATUSES.includes(o.status)) throw new UsageError(`Invalid value for --status: '${o.status}'`, `Allowed: ${STATUSES.join(', ')}`, 'E_FLAG_VALUE');
  const since = o.since === undefined ? undefined : parseTimeFilter('--since', o.since, now);
  const until = o.until === undefined ? undefined : parseTimeFilter('--until', o.until, now);
  const [what = 'runs', arg, ...extra] = o.query;
  if (extra.length) throw new UsageError(`Too many words after 'history ${what}': '${extra.join(' ')}'`, 'See tq-conn-darktrace history --help', 'E_USAGE');

  const state = openForHistory(o.configDir, o.name, what === 'prune');
  try {
    const q = new HistoryQueries(state.sqlite);
    const width = Math.max(60, Math.min(o.columns ?? 80, 160));
    switch (what) {
      case 'runs':
        o.out(renderRuns(q.runs({ since, until, pipeline: o.pipeline, status: o.status, limit }), format, width));
        return EXIT.ok;
      case 'run': {
        const id = Number(arg);
        if (!arg || !Number.isInteger(id) || id < 1) throw new UsageError(`'history run' needs a run id: got '${arg ?? ''}'`, 'Example: tq-conn-darktrace history run 42 (ids are listed by tq-conn-darktrace history)', 'E_USAGE');
        const run = q.run(id);
        if (!run) throw new ConnectorError('E_HISTORY_NOT_FOUND', `No run with id ${id} in '${state.path}'`, { exitCode: EXIT.usage, hint: 'List runs with: tq-conn-darktrace history' });
        o.out(renderRun(run, q.runActivity(id, limit), format));
        return EXIT.ok;
      }
      case 'alert': {
        if (!arg) throw new UsageError(`'history alert' needs a Darktrace alert id`, 'Example: tq-conn-darktrace history alert 12345 (a model breach pbid or an AI Analyst event id)', 'E_USAGE');
        const a = q.alert(arg);
        if (!a.ledger.length && !a.actions.length && !a.quarantined.length) {
          throw new ConnectorError('E_HISTORY_NOT_FOUND', `No Darktrace alert '${arg}' has been seen by this connector`, { exitCode: EXIT.usage, hint: 'Check the id (pbid or AI Analyst event id) and -c/-n' });
        }
        o.out(renderAlert(arg, a, format));
        return EXIT.ok;
      }
      case 'indicator': {
        if (!arg) throw new UsageError(`'history indicator' needs a value`, 'Example: tq-conn-darktrace history indicator evil.example', 'E_USAGE');
        const value = arg.trim().toLowerCase().replace(/\.$/, '');
        const found = q.indicator(value);
        const raw = value === arg ? found : { ...found, skips: [...found.skips, ...q.indicator(arg).skips] };
        if (!raw.ledger && !raw.actions.length && !raw.skips.length) {
          throw new ConnectorError('E_HISTORY_NOT_FOUND', `The value '${arg}' was never exported or skipped by this connector`, { exitCode: EXIT.usage, hint: 'Values are stored normalised (lower case, no trailing dot)' });
        }
        o.out(renderIndicator(value, raw, format));
        return EXIT.ok;
      }
      case 'skipped':
        o.out(renderSkipped(q.skipped({ since, limit }), format, width));
        return EXIT.ok;
      case 'last-success': {
        const last = q.lastSuccess();
        const maxAge = o.maxAge === undefined ? undefined : parseDuration('--max-age', o.maxAge);
        o.out(renderLastSuccess(last, now, format));
        if (maxAge === undefined) return EXIT.ok;
        const stale = (['ingest', 'export'] as const).filter((p) => !last[p] || now - last[p]!.startedAt > maxAge);
        return stale.length ? EXIT.partial : EXIT.ok;
      }
      case 'prune': {
        if (!o.olderThan) throw new UsageError(`'history prune' needs --older-than`, 'Example: tq-conn-darktrace history prune --older-than 90d', 'E_USAGE');
        const before = parseTimeFilter('--older-than', o.olderThan, now);
        const r = pruneHistory(state.sqlite, before);
        o.out(format === 'json' ? JSON.stringify({ prunedBefore: isoOrNull(before), ...r }) + '\n' : `Pruned history older than ${formatUtc(before)} UTC: ${r.runs} runs, ${r.alertActions} alert actions, ${r.exportActions} export actions, ${r.quarantine} resolved quarantine entries, ${r.exportSkips} skips. Ledgers kept.\n`);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`Unknown history query '${what}'`, 'Use one of: (nothing) for recent runs, run ID, alert ID, indicator VALUE, skipped, last-success, prune', 'E_USAGE');
    }
  } finally {
    state.close();
  }
}

/**
 * History reads while a run may hold the lock: WAL lets it. It upgrades an older database
 * when it can write, and otherwise reads it as it is.
 */
function openForHistory(configDir: string, name: string, write: boolean): StateDb {
  const file = stateDbPath(configDir, name);
  if (!existsSync(file)) {
    throw new ConnectorError('E_HISTORY_NO_DB', `No state database at '${file}': this connector has not run yet with this -c and -n`, {
      exitCode: EXIT.usage,
      hint: 'Give the same -c DIR and -n NAME as the runs you want to inspect',
    });
  }
  try {
    return openStateDb({ path: file });
  } catch (e) {
    if (write || !ConnectorError.is(e) || e.code !== 'E_STATE_DB') throw e;
    return openStateDb({ path: file, readonly: true });
  }
}

function runJson(r: RunRow) {
  return {
    id: r.id,
    startedAt: isoOrNull(r.startedAt),
    endedAt: isoOrNull(r.endedAt),
    durationMs: r.endedAt === null ? null : r.endedAt - r.startedAt,
    command: r.command,
    status: r.status,
    exitCode: r.exitCode,
    differential: r.differential,
    version: r.version,
    counts: r.counts,
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage } : null,
  };
}

function renderRuns(runs: RunRow[], format: HistoryFormat, width: number): string {
  if (format === 'json') return JSON.stringify({ runs: runs.map(runJson) }, null, 2) + '\n';
  if (format === 'csv') {
    return renderCsv(
      ['id', 'started_at', 'ended_at', 'duration_ms', 'command', 'status', 'exit_code', 'differential', 'counts', 'error_code'],
      runs.map((r) => [r.id, isoOrNull(r.startedAt), isoOrNull(r.endedAt), r.endedAt === null ? null : r.endedAt - r.startedAt, r.command, r.status, r.exitCode, r.differential ? 1 : 0, JSON.stringify(r.counts), r.errorCode]),
    );
  }
  if (!runs.length) return 'No runs match.\n';
  return renderTable(
    ['ID', 'STARTED (UTC)', 'COMMAND', 'STATUS', 'TIME', 'SUMMARY'],
    runs.map((r) => [String(r.id), formatUtc(r.startedAt).slice(0, 16), r.command + (r.differential ? '' : ' -d'), r.status, formatDuration(r.endedAt === null ? null : r.endedAt - r.startedAt), r.errorCode ? `${r.errorCode} ${summariseCounts(r.counts)}`.trim() : summariseCounts(r.counts)]),
    width,
  );
}

function renderRun(run: RunRow & { options: Record<string, unknown> }, activity: ReturnType<HistoryQueries['runActivity']>, format: HistoryFormat): string {
  const doc = { ...runJson(run), options: run.options, activity };
  if (format === 'json') return JSON.stringify(doc, null, 2) + '\n';
  if (format === 'csv') {
    return renderCsv(
      ['run_id', 'what', 'id_or_value', 'action', 'detail', 'at'],
      [
        ...activity.alerts.map((a) => [run.id, `alert:${a.kind}`, a.darktraceId, a.action, a.threatqEventId === null ? '' : `threatq event ${a.threatqEventId}`, isoOrNull(a.at)]),
        ...activity.exports.map((e) => [run.id, 'indicator', e.value, e.action, e.collectionsJson, isoOrNull(e.at)]),
        ...activity.quarantined.map((q) => [run.id, `alert:${q.kind}`, q.darktraceId, 'quarantined', q.reason, null]),
        ...activity.skipped.map((s) => [run.id, `indicator:${s.indicatorType}`, s.rawValue, 'skipped', s.reason, null]),
      ],
    );
  }
  const lines = [
    `Run ${run.id}: ${run.command}${run.differential ? '' : ' (non-differential, -d)'} — ${run.status}${run.exitCode === null ? '' : ` (exit ${run.exitCode})`}`,
    `  started   ${formatUtc(run.startedAt)} UTC`,
    `  ended     ${run.endedAt === null ? '(still running or killed)' : `${formatUtc(run.endedAt)} UTC after ${formatDuration(run.endedAt - run.startedAt)}`}`,
    `  version   ${run.version}`,
    `  options   ${JSON.stringify(run.options)}`,
    `  counts    ${JSON.stringify(run.counts)}`,
  ];
  if (run.errorCode) lines.push(`  error     ${run.errorCode}: ${run.errorMessage ?? ''}`);
  const section = (title: string, rows: string[]) => {
    if (rows.length) lines.push('', `${title}:`, ...rows.map((r) => '  ' + r));
  };
  section('Alerts', activity.alerts.map((a) => `${a.action.padEnd(8)} ${a.kind} ${a.darktraceId}${a.threatqEventId === null ? '' : ` → ThreatQ event ${a.threatqEventId}`}`));
  section('Intel feed', activity.exports.map((e) => `${e.action.padEnd(9)} ${e.value}${e.expiresAt ? ` (expires ${formatUtc(e.expiresAt)})` : ''}`));
  section('Quarantined', activity.quarantined.map((q) => `${q.kind} ${q.darktraceId}: ${q.reason}`));
  section('Skipped', activity.skipped.map((s) => `${s.indicatorType} ${JSON.stringify(s.rawValue)}: ${s.reason}`));
  return lines.join('\n') + '\n';
}

function renderAlert(id: string, a: ReturnType<HistoryQueries['alert']>, format: HistoryFormat): string {
  if (format === 'json') {
    return JSON.stringify(
      {
        darktraceId: id,
        alerts: a.ledger.map((l) => ({ ...l, firstSyncedAt: isoOrNull(l['firstSyncedAt'] as number), lastSyncedAt: isoOrNull(l['lastSyncedAt'] as number), alertTime: isoOrNull(l['alertTime'] as number) })),
        actions: a.actions.map((x) => ({ runId: x.runId, kind: x.kind, action: x.action, threatqEventId: x.threatqEventId, at: isoOrNull(x.at), detail: x.detailJson ? JSON.parse(x.detailJson) : null })),
        quarantined: a.quarantined,
      },
      null,
      2,
    ) + '\n';
  }
  if (format === 'csv') return renderCsv(['run_id', 'kind', 'action', 'threatq_event_id', 'at'], a.actions.map((x) => [x.runId, x.kind, x.action, x.threatqEventId, isoOrNull(x.at)]));
  const lines: string[] = [];
  for (const l of a.ledger) {
    lines.push(`${l.kind} ${id}: "${l['title']}"`, `  ThreatQ event ${l['threatqEventId'] ?? '(not yet confirmed)'}, state ${l['state']}`, `  first synced ${formatUtc(l['firstSyncedAt'] as number)} UTC (run ${l['firstRunId']}), last updated ${formatUtc(l['lastSyncedAt'] as number)} UTC (run ${l['lastRunId']})`);
  }
  if (a.actions.length) lines.push('Runs that touched it:', ...a.actions.map((x) => `  run ${x.runId}  ${formatUtc(x.at)}  ${x.action}${x.threatqEventId === null ? '' : ` ThreatQ event ${x.threatqEventId}`}`));
  for (const q of a.quarantined) lines.push(`Quarantined (${q['kind']}): ${q['reason']}${q['resolvedAt'] ? ' — resolved' : ''}`);
  return lines.join('\n') + '\n';
}

function renderIndicator(value: string, r: ReturnType<HistoryQueries['indicator']>, format: HistoryFormat): string {
  if (format === 'json') {
    const l = r.ledger;
    return JSON.stringify(
      {
        value,
        current: l
          ? { state: l['state'], collections: JSON.parse(l.collectionsJson), expiresAt: isoOrNull(l['expiresAt'] as number | null), firstAddedAt: isoOrNull(l['firstAddedAt'] as number), lastPushedAt: isoOrNull(l['lastPushedAt'] as number), removedAt: isoOrNull(l['removedAt'] as number | null) }
          : null,
        actions: r.actions.map((x) => ({ runId: x.runId, action: x.action, collections: JSON.parse(x.collectionsJson), expiresAt: isoOrNull(x.expiresAt), at: isoOrNull(x.at) })),
        skips: r.skips,
      },
      null,
      2,
    ) + '\n';
  }
  if (format === 'csv') return renderCsv(['run_id', 'action', 'collections', 'expires_at', 'at'], r.actions.map((x) => [x.runId, x.action, x.collectionsJson, isoOrNull(x.expiresAt), isoOrNull(x.at)]));
  const lines: string[] = [];
  const l = r.ledger;
  if (l) {
    lines.push(
      `${value}: ${l['state']} in Darktrace's intel feed`,
      `  collections  ${(JSON.parse(l.collectionsJson) as string[]).join(', ')}`,
      `  expiry       ${l['expiresAt'] ? formatUtc(l['expiresAt'] as number) + ' UTC' : 'never'}`,
      `  first added  ${formatUtc(l['firstAddedAt'] as number)} UTC${l['removedAt'] ? `; removed ${formatUtc(l['removedAt'] as number)} UTC` : ''}`,
    );
  }
  if (r.actions.length) lines.push('History:', ...r.actions.map((x) => `  run ${x.runId}  ${formatUtc(x.at)}  ${x.action.padEnd(9)} from ${(JSON.parse(x.collectionsJson) as string[]).join(', ') || '-'}${x.expiresAt ? ` until ${formatUtc(x.expiresAt)}` : ''}`));
  for (const s of r.skips) lines.push(`Skipped: ${s['reason']} (${s['indicatorType']} in ${(JSON.parse(String(s['collectionsJson'])) as string[]).join(', ')}, last seen ${formatUtc(s['lastSeenAt'] as number)} UTC)`);
  return lines.join('\n') + '\n';
}

function renderSkipped(rows: ReturnType<HistoryQueries['skipped']>, format: HistoryFormat, width: number): string {
  if (format === 'json') return JSON.stringify({ skipped: rows.map((r) => ({ ...r, lastSeenAt: isoOrNull(r.lastSeenAt) })) }, null, 2) + '\n';
  if (format === 'csv') return renderCsv(['what', 'kind', 'id_or_value', 'reason', 'last_seen_at', 'last_run_id'], rows.map((r) => [r.what, r.kind, r.id, r.reason, isoOrNull(r.lastSeenAt), r.lastRunId]));
  if (!rows.length) return 'Nothing quarantined or skipped.\n';
  return renderTable(['WHAT', 'KIND', 'ID / VALUE', 'REASON', 'LAST SEEN'], rows.map((r) => [r.what, r.kind, JSON.stringify(r.id).slice(1, -1), r.reason, formatUtc(r.lastSeenAt).slice(0, 16)]), width);
}

function renderLastSuccess(last: { ingest: RunRow | undefined; export: RunRow | undefined }, now: number, format: HistoryFormat): string {
  const item = (r: RunRow | undefined) => (r ? { runId: r.id, startedAt: isoOrNull(r.startedAt), ageSeconds: Math.round((now - r.startedAt) / 1000) } : null);
  if (format === 'json') return JSON.stringify({ ingest: item(last.ingest), export: item(last.export) }, null, 2) + '\n';
  if (format === 'csv') return renderCsv(['pipeline', 'run_id', 'started_at', 'age_seconds'], (['ingest', 'export'] as const).map((p) => [p, last[p]?.id ?? null, isoOrNull(last[p]?.startedAt), last[p] ? Math.round((now - last[p]!.startedAt) / 1000) : null]));
  return (['ingest', 'export'] as const).map((p) => (last[p] ? `${p.padEnd(7)} last success: run ${last[p]!.id} at ${formatUtc(last[p]!.startedAt)} UTC (${formatDuration(now - last[p]!.startedAt)} ago)` : `${p.padEnd(7)} last success: never`)).join('\n') + '\n';
}
