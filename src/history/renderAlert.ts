import type { HistoryQueries } from './historyQueries.ts';
import type { HistoryFormat } from './historyFormat.ts';
import { renderCsv } from './renderTable.ts';
import { formatUtc, isoOrNull } from './formatTime.ts';
import { wrapText } from './wrapText.ts';

type AlertHistory = ReturnType<HistoryQueries['alert']>;

function detail(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `history alert ID`: the ThreatQ event a Darktrace alert became, every run that touched it, its state. */
export function renderAlert(id: string, a: AlertHistory, format: HistoryFormat, width: number): string {
  if (format === 'json') {
    return (
      JSON.stringify(
        {
          darktraceId: id,
          alerts: a.ledger.map((l) => ({
            kind: l.kind,
            state: l.state,
            title: l.title,
            threatqEventId: l.threatqEventId,
            alertTime: isoOrNull(l.alertTime),
            firstRunId: l.firstRunId,
            lastRunId: l.lastRunId,
            firstSyncedAt: isoOrNull(l.firstSyncedAt),
            lastSyncedAt: isoOrNull(l.lastSyncedAt),
          })),
          actions: a.actions.map((x) => ({ runId: x.runId, kind: x.kind, action: x.action, threatqEventId: x.threatqEventId, at: isoOrNull(x.at), detail: detail(x.detailJson) })),
          quarantined: a.quarantined.map((q) => ({ kind: q.kind, reason: q.reason, firstRunId: q.firstRunId, lastRunId: q.lastRunId, firstSeenAt: isoOrNull(q.firstSeenAt), lastSeenAt: isoOrNull(q.lastSeenAt), resolvedAt: isoOrNull(q.resolvedAt) })),
        },
        null,
        2,
      ) + '\n'
    );
  }
  if (format === 'csv') {
    return renderCsv(
      ['darktrace_id', 'kind', 'run_id', 'action', 'threatq_event_id', 'reason', 'at'],
      [
        ...a.actions.map((x) => [id, x.kind, x.runId, x.action, x.threatqEventId, null, isoOrNull(x.at)]),
        ...a.quarantined.map((q) => [id, q.kind, q.lastRunId, q.resolvedAt ? 'quarantined, resolved' : 'quarantined', null, q.reason, isoOrNull(q.lastSeenAt)]),
      ],
    );
  }
  const lines: string[] = [];
  const wrap = (first: string, text: string, indent = first.length) => lines.push(...wrapText(first, text, width, indent));
  for (const l of a.ledger) {
    wrap('', `${l.kind} ${id}: "${l.title}"`, 2);
    wrap('  ', `ThreatQ event ${l.threatqEventId ?? '(not yet confirmed)'}, state ${l.state}, alert time ${formatUtc(l.alertTime)} UTC`);
    wrap('  ', `first synced ${formatUtc(l.firstSyncedAt)} UTC (run ${l.firstRunId}), last updated ${formatUtc(l.lastSyncedAt)} UTC (run ${l.lastRunId})`);
  }
  if (a.actions.length) {
    lines.push('Runs that touched it:');
    for (const x of a.actions) wrap('  ', `run ${x.runId}  ${formatUtc(x.at)}  ${x.action}${x.threatqEventId === null ? '' : ` ThreatQ event ${x.threatqEventId}`}`, 4);
  }
  for (const q of a.quarantined) {
    wrap('', `Quarantined ${q.kind} ${id}: ${q.reason} (first seen ${formatUtc(q.firstSeenAt)} UTC in run ${q.firstRunId}, last seen ${formatUtc(q.lastSeenAt)} UTC in run ${q.lastRunId}${q.resolvedAt ? `; resolved ${formatUtc(q.resolvedAt)} UTC` : ''})`, 2);
  }
  return lines.join('\n') + '\n';
}
