import type { HistoryQueries, RunRow } from './historyQueries.ts';
import { jsonList, type HistoryFormat } from './historyFormat.ts';
import { renderCsv } from './renderTable.ts';
import { formatDuration, formatUtc, isoOrNull } from './formatTime.ts';
import { runJson } from './renderRuns.ts';
import { wrapText } from './wrapText.ts';

type Activity = ReturnType<HistoryQueries['runActivity']>;
type Counts = Record<string, unknown>;

/** `history run ID`: one run in full, and what it did (at most --limit lines per kind). */
export function renderRun(run: RunRow & { options: Record<string, unknown> }, activity: Activity, format: HistoryFormat, width: number): string {
  if (format === 'json') {
    const doc = {
      ...runJson(run),
      options: run.options,
      activity: {
        alerts: activity.alerts.map((a) => ({ kind: a.kind, darktraceId: a.darktraceId, action: a.action, threatqEventId: a.threatqEventId, at: isoOrNull(a.at) })),
        exports: activity.exports.map((e) => ({ value: e.value, action: e.action, collections: jsonList(e.collectionsJson), expiresAt: isoOrNull(e.expiresAt), at: isoOrNull(e.at) })),
        quarantined: activity.quarantined,
        skipped: activity.skipped.map((s) => ({ value: s.rawValue, indicatorType: s.indicatorType, reason: s.reason, collections: jsonList(s.collectionsJson) })),
      },
      totals: activity.totals,
    };
    return JSON.stringify(doc, null, 2) + '\n';
  }
  if (format === 'csv') {
    return renderCsv(
      ['run_id', 'what', 'kind', 'id_or_value', 'action', 'threatq_event_id', 'collections', 'expires_at', 'reason', 'at'],
      [
        ...activity.alerts.map((a) => [run.id, 'alert', a.kind, a.darktraceId, a.action, a.threatqEventId, null, null, null, isoOrNull(a.at)]),
        ...activity.exports.map((e) => [run.id, 'indicator', null, e.value, e.action, null, jsonList(e.collectionsJson).join('; '), isoOrNull(e.expiresAt), null, isoOrNull(e.at)]),
        ...activity.quarantined.map((q) => [run.id, 'alert', q.kind, q.darktraceId, 'quarantined', null, null, null, q.reason, null]),
        ...activity.skipped.map((s) => [run.id, 'indicator', s.indicatorType, s.rawValue, 'skipped', null, jsonList(s.collectionsJson).join('; '), null, s.reason, null]),
      ],
    );
  }
  const lines: string[] = [];
  const field = (label: string, text: string) => lines.push(...wrapText(`  ${label.padEnd(9)} `, text, width));
  lines.push(...wrapText('', `Run ${run.id}: ${run.command}${run.differential ? '' : ' (non-differential, -d)'}, ${run.status}${run.exitCode === null ? '' : ` (exit ${run.exitCode})`}`, width));
  field('started', `${formatUtc(run.startedAt)} UTC`);
  field('ended', run.endedAt === null ? '(still running, or killed)' : `${formatUtc(run.endedAt)} UTC, after ${formatDuration(run.endedAt - run.startedAt)}`);
  field('version', run.version);
  field('options', describeOptions(run.options));
  for (const pipeline of ['ingest', 'export'] as const) {
    const c = run.counts[pipeline];
    if (c && typeof c === 'object') for (const [i, text] of describePipeline(c as Counts).entries()) field(i === 0 ? pipeline : '', text);
  }
  const requests = describeRequests(run.counts['requests']);
  if (requests) field('requests', requests);
  if (run.errorCode) field('error', `${run.errorCode}: ${run.errorMessage ?? ''}`);

  const section = (title: string, total: number, rows: string[]) => {
    if (!total) return;
    lines.push('', `${title} (${total}):`);
    for (const r of rows) lines.push(...wrapText('  ', r, width, 4));
    if (total > rows.length) lines.push(`  … ${total - rows.length} more (showing ${rows.length}; use --limit or --format json)`);
  };
  const t = activity.totals;
  section('Alerts', t.alerts, activity.alerts.map((a) => `${a.action.padEnd(8)} ${a.kind} ${a.darktraceId}${a.threatqEventId === null ? '' : ` → ThreatQ event ${a.threatqEventId}`}`));
  section(
    'Intel feed',
    t.exports,
    activity.exports.map((e) => {
      const from = jsonList(e.collectionsJson).join(', ');
      return `${e.action.padEnd(9)} ${e.value}${from ? ` from ${from}` : ''}${e.expiresAt ? `, expires ${formatUtc(e.expiresAt)}` : e.action === 'removed' ? '' : ', never expires'}`;
    }),
  );
  section('Quarantined', t.quarantined, activity.quarantined.map((q) => `${q.kind} ${q.darktraceId}: ${q.reason}`));
  section('Skipped', t.skipped, activity.skipped.map((s) => `${s.indicatorType} ${JSON.stringify(s.rawValue)} in ${jsonList(s.collectionsJson).join(', ') || '-'}: ${s.reason}`));
  return lines.join('\n') + '\n';
}

/** `configDir=/etc/tq name=tq-conn-darktrace …`; nested settings as `ingestFilters.minBreachScore=0`. */
function describeOptions(options: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (key: string, v: unknown) => {
    if (v === undefined || key === 'command') return;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) add(`${key}.${k}`, x);
      return;
    }
    parts.push(`${key}=${typeof v === 'string' && !/[\s"]/.test(v) && v !== '' ? v : JSON.stringify(v)}`);
  };
  for (const [k, v] of Object.entries(options)) add(k, v);
  return parts.join(' ');
}

/** A pipeline's counts as readable lines: numbers, then its window, collections and error. */
function describePipeline(c: Counts): string[] {
  const out: string[] = [];
  const numbers = Object.entries(c).filter(([, v]) => typeof v === 'number') as Array<[string, number]>;
  if (numbers.length) out.push(numbers.map(([k, v]) => `${k} ${v}`).join(', '));
  const w = c['window'] as { start?: string; end?: string; reason?: string } | undefined;
  if (w && typeof w === 'object') out.push(`window ${w.start ?? '?'} to ${w.end ?? '?'}${w.reason ? ` (${w.reason})` : ''}`);
  const cols = c['collections'];
  if (cols && typeof cols === 'object') out.push(`collections: ${Object.entries(cols).map(([name, n]) => `${name} ${String(n)}`).join(', ')}`);
  if (c['differential'] === false) out.push('non-differential (-d): pushed the whole set, ledger untouched');
  const e = c['error'] as { code?: string; message?: string } | undefined;
  if (e && typeof e === 'object') out.push(`failed: ${e.code ?? ''} ${e.message ?? ''}`.trim());
  return out.length ? out : ['(nothing recorded)'];
}

/** `Darktrace 41 requests, 0 retried, 0 failed; ThreatQ …`: HTTP requests per API from per-operation stats. */
function describeRequests(requests: unknown): string | undefined {
  if (!requests || typeof requests !== 'object') return undefined;
  const sums = new Map<string, { requests: number; retries: number; failures: number }>();
  for (const [op, s] of Object.entries(requests)) {
    if (!s || typeof s !== 'object') continue;
    const api = op.split('.')[0] === 'darktrace' ? 'Darktrace' : op.split('.')[0] === 'threatq' ? 'ThreatQ' : op.split('.')[0]!;
    const sum = sums.get(api) ?? { requests: 0, retries: 0, failures: 0 };
    const n = (k: string) => (typeof (s as Counts)[k] === 'number' ? ((s as Counts)[k] as number) : 0);
    sum.requests += n('requests');
    sum.retries += n('retries');
    sum.failures += n('failures');
    sums.set(api, sum);
  }
  if (!sums.size) return undefined;
  return [...sums].map(([api, s]) => `${api} ${s.requests} requests, ${s.retries} retried, ${s.failures} failed`).join('; ');
}
