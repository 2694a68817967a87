import type { SkippedRow } from './historyQueries.ts';
import type { HistoryFormat } from './historyFormat.ts';
import { renderCsv, renderTable } from './renderTable.ts';
import { formatUtc, isoOrNull } from './formatTime.ts';

/** Alerts read as alerts; indicator types (FQDN, IP Address) are already clear. */
const KIND_LABEL: Record<string, string> = { model_breach: 'breach', ai_analyst: 'AI Analyst' };

/** `history skipped`: unresolved quarantined alerts and skipped indicator values, newest first. */
export function renderSkipped(rows: SkippedRow[], format: HistoryFormat, width: number): string {
  if (format === 'json') return JSON.stringify({ skipped: rows.map((r) => ({ what: r.what, kind: r.kind, id: r.id, reason: r.reason, lastSeenAt: isoOrNull(r.lastSeenAt), lastRunId: r.lastRunId })) }, null, 2) + '\n';
  if (format === 'csv') return renderCsv(['what', 'kind', 'id_or_value', 'reason', 'last_seen_at', 'last_run_id'], rows.map((r) => [r.what, r.kind, r.id, r.reason, isoOrNull(r.lastSeenAt), r.lastRunId]));
  if (!rows.length) return 'Nothing quarantined or skipped.\n';
  return renderTable(
    ['LAST SEEN (UTC)', 'RUN', 'KIND', 'ID / VALUE', 'REASON'],
    // JSON escaping shows a newline inside a value as \n instead of breaking the table.
    rows.map((r) => [formatUtc(r.lastSeenAt).slice(0, 16), String(r.lastRunId), KIND_LABEL[r.kind] ?? r.kind, JSON.stringify(r.id).slice(1, -1), r.reason]),
    width,
    { wrap: [3, 4] },
  );
}
