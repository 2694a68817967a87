import type Database from 'better-sqlite3';

export type ExportAction = 'added' | 'restored' | 'refreshed' | 'removed' | 'lapsed';

/**
 * Writes to the export ledger and its audit rows. Rows are written only after Darktrace
 * accepted the batch; a run killed in between leaves Darktrace ahead of the ledger, which the
 * next run's read-back reconciles (`adoptPresent`).
 */
export class ExportLedgerStore {
  readonly #markRemoved: Database.Statement;
  readonly #action: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    this.#markRemoved = sqlite.prepare(`UPDATE export_ledger SET state = 'removed', removed_at = @now, last_run_id = @runId WHERE value = @value`);
    this.#action = sqlite.prepare(`INSERT INTO export_actions (run_id, value, action, collections_json, expires_at, at) VALUES (?, ?, ?, ?, ?, ?)`);
  }

  /**
   * Entries Darktrace accepted, given as a SELECT of (value, collections, restore) over the
   * working tables (a range of one plan list): recorded in one transaction, in SQL, so a million
   * entries cost no per-row calls. The actions go first, as the upsert changes the ledger state
   * that tells a restore from an add. Returns the number of entries recorded.
   */
  pushedRange(source: { sql: string; params: Record<string, unknown> }, action: 'added' | 'refreshed', expiresAt: number | null, runId: number, now: number): number {
    const params = { ...source.params, expiresAt, now, runId, action };
    return this.sqlite.transaction(() => {
      const n = this.sqlite
        .prepare(
          `INSERT INTO export_actions (run_id, value, action, collections_json, expires_at, at)
           SELECT @runId, s.value, CASE WHEN s.restore = 1 THEN 'restored' ELSE @action END, s.collections, @expiresAt, @now FROM (${source.sql}) s ORDER BY s.value`,
        )
        .run(params).changes;
      this.sqlite
        .prepare(
          `INSERT INTO export_ledger (value, state, collections_json, expires_at, first_added_at, last_pushed_at, removed_at, first_run_id, last_run_id)
           SELECT s.value, 'present', s.collections, @expiresAt, @now, @now, NULL, @runId, @runId FROM (${source.sql}) s WHERE true
           ON CONFLICT (value) DO UPDATE SET state = 'present', collections_json = excluded.collections_json, expires_at = excluded.expires_at,
             first_added_at = COALESCE(export_ledger.first_added_at, excluded.first_added_at), last_pushed_at = excluded.last_pushed_at,
             removed_at = NULL, last_run_id = excluded.last_run_id`,
        )
        .run(params);
      return n;
    })();
  }

  removed(entries: Array<{ value: string; collections: string[] }>, runId: number, now: number, action: 'removed' | 'lapsed' = 'removed'): void {
    this.sqlite.transaction(() => {
      for (const e of entries) {
        this.#markRemoved.run({ value: e.value, now, runId });
        this.#action.run(runId, e.value, action, JSON.stringify(e.collections), null, now);
      }
    })();
  }

  /**
   * Entries that are wanted and already in Darktrace but not (or differently) in the ledger —
   * a batch accepted just before a kill, or a change of collections — are recorded as they are,
   * with Darktrace's own expiry. No Darktrace write.
   */
  adoptPresent(runId: number, now: number): number {
    return this.sqlite
      .prepare(
        `INSERT INTO export_ledger (value, state, collections_json, expires_at, first_added_at, last_pushed_at, removed_at, first_run_id, last_run_id)
         SELECT d.value, 'present', d.collections, f.expires_at, @now, @now, NULL, @runId, @runId
         FROM temp.desired d JOIN temp.feed f ON f.value = d.value LEFT JOIN export_ledger l ON l.value = d.value
         WHERE l.value IS NULL OR l.state != 'present' OR l.collections_json != (d.collections)
            OR l.expires_at IS NOT f.expires_at
         ON CONFLICT (value) DO UPDATE SET state = 'present', collections_json = excluded.collections_json, expires_at = excluded.expires_at,
           removed_at = NULL, last_run_id = excluded.last_run_id`,
      )
      .run({ now, runId }).changes;
  }

  /**
   * Ledger says present, Darktrace no longer has it and no collection wants it: it lapsed or was
   * deleted by hand. Done in SQL, so a wiped feed does not pull its whole ledger into memory.
   */
  lapsed(runId: number, now: number): number {
    const gone = `l.state = 'present' AND NOT EXISTS (SELECT 1 FROM temp.feed f WHERE f.value = l.value) AND NOT EXISTS (SELECT 1 FROM temp.desired d WHERE d.value = l.value)`;
    return this.sqlite.transaction(() => {
      this.sqlite
        .prepare(`INSERT INTO export_actions (run_id, value, action, collections_json, expires_at, at) SELECT @runId, l.value, 'lapsed', l.collections_json, NULL, @now FROM export_ledger l WHERE ${gone} ORDER BY l.value`)
        .run({ runId, now });
      return this.sqlite.prepare(`UPDATE export_ledger AS l SET state = 'removed', removed_at = @now, last_run_id = @runId WHERE ${gone}`).run({ runId, now }).changes;
    })();
  }

  /** Skipped indicators, one row per (raw value, reason), refreshed each run they are seen. */
  recordSkips(runId: number, now: number): void {
    this.sqlite
      .prepare(
        `INSERT INTO export_skips (raw_value, reason, collections_json, indicator_type, first_run_id, last_run_id, first_seen_at, last_seen_at)
         SELECT raw_value, reason, collections, type, @runId, @runId, @now, @now FROM temp.skips WHERE true
         ON CONFLICT (raw_value, reason) DO UPDATE SET collections_json = excluded.collections_json, last_run_id = excluded.last_run_id, last_seen_at = excluded.last_seen_at`,
      )
      .run({ runId, now });
  }
}
