import type { RunRow } from './historyQueries.ts';
import type { HistoryFormat } from './historyFormat.ts';
import { renderCsv, renderTable } from './renderTable.ts';
import { formatDuration, formatUtc, isoOrNull } from './formatTime.ts';
import { summariseCounts } from './summariseCounts.ts';

/** One run as JSON: the element of `{"runs": [...]}` and the base of `history run ID`. */
export function runJson(r: RunRow) {
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

/** `history`: recent runs, newest first. */
export function renderRuns(runs: RunRow[], format: HistoryFormat, width: number): string {
  if (format === 'json') return JSON.stringify({ runs: runs.map(runJson) }, null, 2) + '\n';
  if (format === 'csv') {
    return renderCsv(
      ['id', 'started_at', 'ended_at', 'duration_ms', 'command', 'status', 'exit_code', 'differential', 'counts', 'error_code', 'error_message'],
      runs.map((r) => [r.id, isoOrNull(r.startedAt), isoOrNull(r.endedAt), r.endedAt === null ? null : r.endedAt - r.startedAt, r.command, r.status, r.exitCode, r.differential ? 1 : 0, JSON.stringify(r.counts), r.errorCode, r.errorMessage]),
    );
  }
  if (!runs.length) return 'No runs match.\n';
  return renderTable(
    ['ID', 'STARTED (UTC)', 'COMMAND', 'STATUS', 'TIME', 'SUMMARY'],
    runs.map((r) => [
      String(r.id),
      formatUtc(r.startedAt).slice(0, 16),
      r.command + (r.differential ? '' : ' -d'),
      r.status,
      formatDuration(r.endedAt === null ? null : r.endedAt - r.startedAt),
      r.errorCode ? `${r.errorCode} ${summariseCounts(r.counts)}`.trim() : summariseCounts(r.counts),
    ]),
    width,
    { wrap: [5] },
  );
}
