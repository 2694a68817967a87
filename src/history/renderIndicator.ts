import type { HistoryQueries } from './historyQueries.ts';
import { jsonList, type HistoryFormat } from './historyFormat.ts';
import { renderCsv } from './renderTable.ts';
import { formatUtc, isoOrNull } from './formatTime.ts';
import { wrapText } from './wrapText.ts';

type IndicatorHistory = ReturnType<HistoryQueries['indicator']>;

/** `history indicator VALUE`: first export, each refresh, restore and removal, collections, expiry, skips. */
export function renderIndicator(value: string, r: IndicatorHistory, format: HistoryFormat, width: number): string {
  const l = r.ledger;
  if (format === 'json') {
    return (
      JSON.stringify(
        {
          value,
          current: l
            ? {
                state: l.state,
                collections: jsonList(l.collectionsJson),
                expiresAt: isoOrNull(l.expiresAt),
                firstAddedAt: isoOrNull(l.firstAddedAt),
                lastPushedAt: isoOrNull(l.lastPushedAt),
                removedAt: isoOrNull(l.removedAt),
                firstRunId: l.firstRunId,
                lastRunId: l.lastRunId,
              }
            : null,
          actions: r.actions.map((x) => ({ runId: x.runId, action: x.action, collections: jsonList(x.collectionsJson), expiresAt: isoOrNull(x.expiresAt), at: isoOrNull(x.at) })),
          skips: r.skips.map((s) => ({ value: s.rawValue, indicatorType: s.indicatorType, reason: s.reason, collections: jsonList(s.collectionsJson), firstRunId: s.firstRunId, lastRunId: s.lastRunId, firstSeenAt: isoOrNull(s.firstSeenAt), lastSeenAt: isoOrNull(s.lastSeenAt) })),
        },
        null,
        2,
      ) + '\n'
    );
  }
  if (format === 'csv') {
    return renderCsv(
      ['value', 'run_id', 'action', 'collections', 'expires_at', 'reason', 'at'],
      [
        ...r.actions.map((x) => [value, x.runId, x.action, jsonList(x.collectionsJson).join('; '), isoOrNull(x.expiresAt), null, isoOrNull(x.at)]),
        ...r.skips.map((s) => [s.rawValue, s.lastRunId, 'skipped', jsonList(s.collectionsJson).join('; '), null, s.reason, isoOrNull(s.lastSeenAt)]),
      ],
    );
  }
  const lines: string[] = [];
  const wrap = (first: string, text: string, indent = first.length) => lines.push(...wrapText(first, text, width, indent));
  if (l) {
    const where = l.state === 'present' ? 'in' : l.state === 'removed' ? 'removed from' : `${l.state}:`;
    wrap('', `${value}: ${where} Darktrace's intel feed`, 2);
    wrap('  collections  ', jsonList(l.collectionsJson).join(', ') || '-');
    wrap('  expiry       ', l.state === 'removed' ? '-' : l.expiresAt ? `${formatUtc(l.expiresAt)} UTC` : 'never');
    wrap('  first added  ', `${formatUtc(l.firstAddedAt)} UTC (run ${l.firstRunId})`);
    wrap('  last pushed  ', l.lastPushedAt ? `${formatUtc(l.lastPushedAt)} UTC` : '-');
    if (l.removedAt) wrap('  removed      ', `${formatUtc(l.removedAt)} UTC (run ${l.lastRunId})`);
  }
  if (r.actions.length) {
    lines.push('History:');
    for (const x of r.actions) {
      const from = jsonList(x.collectionsJson).join(', ');
      wrap('  ', `run ${x.runId}  ${formatUtc(x.at)}  ${x.action.padEnd(9)}${from ? ` from ${from}` : ''}${x.expiresAt ? `, until ${formatUtc(x.expiresAt)}` : ''}`, 4);
    }
  }
  for (const s of r.skips) {
    wrap('', `Skipped ${s.indicatorType} ${JSON.stringify(s.rawValue)} in ${jsonList(s.collectionsJson).join(', ') || '-'}: ${s.reason} (runs ${s.firstRunId} to ${s.lastRunId}, last seen ${formatUtc(s.lastSeenAt)} UTC)`, 2);
  }
  return lines.join('\n') + '\n';
}
