export const DEFAULT_HISTORICAL_DAYS = 5;
/** Re-read this much before the checkpoint: late records and clock differences fall in it, the ledger drops repeats. */
export const OVERLAP_MS = 60 * 60_000;
const DAY = 86_400_000;
/**
 * Later runs re-read this much (never before what earlier runs covered) so that changes to
 * recent alerts — acknowledged, score, comments, AI Analyst incident merges — reach their
 * ThreatQ events; the ledger's content hash turns the unchanged ones into no-ops.
 */
export const RESYNC_MS = 2 * DAY;

/**
 * The window a run fetches. First run: `-hist` days (default 5). Later runs: from the last
 * successful checkpoint minus the overlap. An explicit `-hist` on a later run reaches back
 * that far (a backfill), but never starts later than the checkpoint would. Later runs also
 * re-read the last RESYNC_MS for changes, but never before `coverageStart` (the earliest point
 * any successful run covered), so a first run's `-hist` still bounds what gets created.
 */
export function ingestWindow(
  now: number,
  checkpoint: number | undefined,
  historicalDays: number | undefined,
  coverageStart?: number,
): { start: number; end: number; reason: string } {
  if (checkpoint === undefined) {
    const days = historicalDays ?? DEFAULT_HISTORICAL_DAYS;
    return { start: now - days * DAY, end: now, reason: `first run: last ${days} days` };
  }
  const fromCheckpoint = Math.min(checkpoint, now) - OVERLAP_MS;
  if (historicalDays !== undefined) {
    const backfill = now - historicalDays * DAY;
    if (backfill < fromCheckpoint) return { start: backfill, end: now, reason: `backfill: last ${historicalDays} days (-hist)` };
  }
  const resync = coverageStart === undefined ? fromCheckpoint : Math.max(now - RESYNC_MS, coverageStart);
  if (resync < fromCheckpoint) return { start: resync, end: now, reason: 'since the last successful run, re-reading recent alerts for changes' };
  return { start: fromCheckpoint, end: now, reason: 'since the last successful run' };
}
