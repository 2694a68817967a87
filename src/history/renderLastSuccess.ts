import type { RunRow } from './historyQueries.ts';
import type { HistoryFormat } from './historyFormat.ts';
import { renderCsv } from './renderTable.ts';
import { formatDuration, formatUtc, isoOrNull } from './formatTime.ts';

export type LastSuccess = Partial<Record<'ingest' | 'export', RunRow | null>>;

/** Pipelines whose last success is missing or older than `maxAge` (ms). */
export function stalePipelines(last: LastSuccess, now: number, maxAge: number | undefined): Array<'ingest' | 'export'> {
  if (maxAge === undefined) return [];
  return (Object.keys(last) as Array<'ingest' | 'export'>).filter((p) => !last[p] || now - last[p]!.startedAt > maxAge);
}

/** `history last-success`: the newest successful run of each pipeline, for a cron health check. */
export function renderLastSuccess(last: LastSuccess, now: number, maxAge: number | undefined, format: HistoryFormat): string {
  const stale = new Set(stalePipelines(last, now, maxAge));
  const pipelines = Object.keys(last) as Array<'ingest' | 'export'>;
  const age = (r: RunRow) => Math.round((now - r.startedAt) / 1000);
  if (format === 'json') {
    const item = (p: 'ingest' | 'export') => {
      const r = last[p];
      return { runId: r?.id ?? null, startedAt: isoOrNull(r?.startedAt), ageSeconds: r ? age(r) : null, ...(maxAge === undefined ? {} : { stale: stale.has(p) }) };
    };
    return JSON.stringify({ ...(maxAge === undefined ? {} : { maxAgeSeconds: Math.round(maxAge / 1000) }), ...Object.fromEntries(pipelines.map((p) => [p, item(p)])) }, null, 2) + '\n';
  }
  if (format === 'csv') {
    return renderCsv(
      ['pipeline', 'run_id', 'started_at', 'age_seconds', 'stale'],
      pipelines.map((p) => [p, last[p]?.id ?? null, isoOrNull(last[p]?.startedAt), last[p] ? age(last[p]!) : null, maxAge === undefined ? null : stale.has(p) ? 1 : 0]),
    );
  }
  const lines = pipelines.map((p) => {
    const r = last[p];
    const mark = stale.has(p) ? `  STALE (max ${formatDuration(maxAge!)})` : '';
    return `${p.padEnd(8)}  ${r ? `run ${r.id} at ${formatUtc(r.startedAt)} UTC, ${formatDuration(now - r.startedAt)} ago` : 'never'}${mark}`;
  });
  return ['PIPELINE  LAST SUCCESS', ...lines].join('\n') + '\n';
}
