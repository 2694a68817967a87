import type Database from 'better-sqlite3';

export const DAY_MS = 86_400_000;

export interface PlanSettings {
  now: number;
  /** 0 = entries never expire. */
  expirationDays: number;
}

export interface PlanCounts {
  desired: number;
  add: number;
  restore: number;
  refresh: number;
  remove: number;
  unchanged: number;
  skipped: number;
}

export interface PlannedEntry {
  value: string;
  collections: string[];
}

/**
 * When a wanted entry is re-sent to push its expiry forward: once less than half its period
 * (at most a week) remains. A run every few hours therefore never lets an entry lapse, and an
 * unchanged collection costs no writes on most runs.
 */
export function refreshBefore(s: PlanSettings): number | undefined {
  if (s.expirationDays === 0) return undefined;
  return s.now + Math.min((s.expirationDays * DAY_MS) / 2, 7 * DAY_MS);
}

export function expiryFor(s: PlanSettings): number | null {
  return s.expirationDays === 0 ? null : Math.floor((s.now + s.expirationDays * DAY_MS) / 1000) * 1000;
}

/**
 * The differential plan, computed in SQL over the working tables and the ledger:
 * - add: wanted, not in Darktrace, never pushed (or removed since) — `restore` when the ledger
 *   says it should be there (deleted by hand or lapsed);
 * - refresh: wanted, in Darktrace, expiring soon (or expiring while the setting says never);
 * - remove: in Darktrace under our source, wanted by no collection.
 */
export class ExportPlan {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly settings: PlanSettings,
    private readonly pageSize = 1000,
  ) {}

  counts(): PlanCounts {
    const one = (sql: string, ...p: unknown[]) => (this.sqlite.prepare(sql).get(...p) as { n: number }).n;
    const adds = one(`SELECT count(*) AS n FROM temp.desired d WHERE NOT EXISTS (SELECT 1 FROM temp.feed f WHERE f.value = d.value)`);
    const restore = one(
      `SELECT count(*) AS n FROM temp.desired d JOIN export_ledger l ON l.value = d.value AND l.state = 'present' WHERE NOT EXISTS (SELECT 1 FROM temp.feed f WHERE f.value = d.value)`,
    );
    const refresh = one(`SELECT count(*) AS n FROM (${this.#refreshSql()})`, ...this.#refreshParams());
    return {
      desired: one('SELECT count(*) AS n FROM temp.desired'),
      add: adds - restore,
      restore,
      refresh,
      remove: one(`SELECT count(*) AS n FROM temp.feed f WHERE NOT EXISTS (SELECT 1 FROM temp.desired d WHERE d.value = f.value)`),
      unchanged: one(`SELECT count(*) AS n FROM temp.desired d JOIN temp.feed f ON f.value = d.value`) - refresh,
      skipped: one('SELECT count(*) AS n FROM temp.skips'),
    };
  }

  /**
   * The lists below are read in pages by value (keyset), never through an open cursor: the
   * caller writes to the ledger between pages, which an open SQLite statement would forbid.
   */
  adds(): Generator<Array<PlannedEntry & { restore: boolean }>> {
    const stmt = this.sqlite.prepare(
      `SELECT d.value, d.collections, (l.state = 'present') AS restore FROM temp.desired d LEFT JOIN export_ledger l ON l.value = d.value
       WHERE d.value > ? AND NOT EXISTS (SELECT 1 FROM temp.feed f WHERE f.value = d.value) ORDER BY d.value LIMIT ?`,
    );
    return pages((after, n) => (stmt.all(after, n) as Array<{ value: string; collections: string; restore: number | null }>).map((r) => ({ value: r.value, collections: JSON.parse(r.collections) as string[], restore: r.restore === 1 })), this.pageSize);
  }

  refreshes(): Generator<PlannedEntry[]> {
    const stmt = this.sqlite.prepare(`${this.#refreshSql()} AND d.value > ? ORDER BY d.value LIMIT ?`);
    return pages((after, n) => (stmt.all(...this.#refreshParams(), after, n) as Array<{ value: string; collections: string }>).map(entry), this.pageSize);
  }

  removes(pageSize = this.pageSize): Generator<PlannedEntry[]> {
    const stmt = this.sqlite.prepare(
      `SELECT f.value, COALESCE(l.collections_json, '[]') AS collections FROM temp.feed f LEFT JOIN export_ledger l ON l.value = f.value
       WHERE f.value > ? AND NOT EXISTS (SELECT 1 FROM temp.desired d WHERE d.value = f.value) ORDER BY f.value LIMIT ?`,
    );
    return pages((after, n) => (stmt.all(after, n) as Array<{ value: string; collections: string }>).map(entry), pageSize);
  }

  /** Every wanted entry (for -d, which pushes the whole set). */
  all(): Generator<PlannedEntry[]> {
    const stmt = this.sqlite.prepare('SELECT value, collections FROM temp.desired WHERE value > ? ORDER BY value LIMIT ?');
    return pages((after, n) => (stmt.all(after, n) as Array<{ value: string; collections: string }>).map(entry), this.pageSize);
  }

  skips(): Generator<Array<{ rawValue: string; reason: string; type: string; collections: string[] }>> {
    const stmt = this.sqlite.prepare('SELECT raw_value, reason, type, collections FROM temp.skips WHERE raw_value > ? ORDER BY raw_value LIMIT ?');
    return pages(
      (after, n) =>
        (stmt.all(after, n) as Array<{ raw_value: string; reason: string; type: string; collections: string }>).map((r) => ({ value: r.raw_value, rawValue: r.raw_value, reason: r.reason, type: r.type, collections: JSON.parse(r.collections) as string[] })),
      this.pageSize,
    );
  }

  #refreshSql(): string {
    const cut = refreshBefore(this.settings);
    return cut === undefined
      ? `SELECT d.value, d.collections FROM temp.desired d JOIN temp.feed f ON f.value = d.value WHERE f.expires_at IS NOT NULL`
      : `SELECT d.value, d.collections FROM temp.desired d JOIN temp.feed f ON f.value = d.value WHERE f.expires_at IS NULL OR f.expires_at < ?`;
  }

  #refreshParams(): unknown[] {
    const cut = refreshBefore(this.settings);
    return cut === undefined ? [] : [cut];
  }
}

function entry(r: { value: string; collections: string }): PlannedEntry {
  return { value: r.value, collections: JSON.parse(r.collections) as string[] };
}

/** Pages of a query ordered by `value`, each starting after the last value of the previous one. */
function* pages<T extends { value: string }>(fetch: (after: string, limit: number) => T[], size: number): Generator<T[]> {
  let after = '';
  for (;;) {
    const page = fetch(after, size);
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
    after = page[page.length - 1]!.value;
  }
}
