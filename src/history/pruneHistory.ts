import type Database from 'better-sqlite3';

export interface PruneResult {
  runs: number;
  alertActions: number;
  exportActions: number;
  quarantine: number;
  exportSkips: number;
}

/**
 * Removes audit rows older than `before`: finished runs, their alert and export actions,
 * resolved quarantine entries and skips not seen since. The ledgers (alert_ledger,
 * export_ledger, device_ledger) are never touched: they are what makes the next run
 * differential and exactly-once, whatever their age. Runs still referenced as the first or
 * last run of a ledger row are pruned too; their ids then simply resolve to nothing.
 */
export function pruneHistory(sqlite: Database.Database, before: number): PruneResult {
  const prune = sqlite.transaction(() => {
    const oldRuns = `SELECT id FROM runs WHERE started_at < @before AND status != 'running'`;
    const alertActions = sqlite.prepare(`DELETE FROM alert_actions WHERE run_id IN (${oldRuns})`).run({ before }).changes;
    const exportActions = sqlite.prepare(`DELETE FROM export_actions WHERE run_id IN (${oldRuns})`).run({ before }).changes;
    const runs = sqlite.prepare(`DELETE FROM runs WHERE started_at < @before AND status != 'running'`).run({ before }).changes;
    const quarantine = sqlite.prepare('DELETE FROM quarantine WHERE last_seen_at < @before AND resolved_at IS NOT NULL').run({ before }).changes;
    const exportSkips = sqlite.prepare('DELETE FROM export_skips WHERE last_seen_at < @before').run({ before }).changes;
    return { runs, alertActions, exportActions, quarantine, exportSkips };
  });
  return prune.immediate();
}
