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

/** Wanted, not in Darktrace (a `restore` when the ledger says it should be there). */
const ADDS_FROM = `FROM temp.desired d LEFT JOIN export_ledger l ON l.value = d.value WHERE NOT EXISTS (SELECT 1 FROM temp.feed f WHERE f.value = d.value)`;

/** The plan's counts and how many ledger rows the run's housekeeping will change. */
export interface PlanTally {
  counts: PlanCounts;
  /** Wanted entries already in Darktrace that the ledger does not hold as they are. */
  adopt: number;
  /** Ledger entries neither wanted nor in Darktrace any more. */
  lapse: number;
}

export type PlanList = 'adds' | 'refreshes';

/** The entries of one plan list with `after < value <= upTo` (BINARY collation, as the pages). */
export interface PlanRange {
  list: PlanList;
  after: string;
  upTo: string;
}

export interface PushPage {
  values: string[];
  /** How many of `values` are restores (always 0 for refreshes). */
  restores: number;
  range: PlanRange;
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
  readonly #listed = new Set<PlanList>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly settings: PlanSettings,
    private readonly pageSize = 1000,
  ) {}

  counts(): PlanCounts {
    return this.tally().counts;
  }

  /**
   * The plan's counts and the ledger's housekeeping (entries to adopt, entries that lapsed): one
   * pass over the wanted entries, and one over Darktrace's only when some of them are unwanted.
   * The housekeeping statements each join a million rows to find, on most runs, nothing: their
   * counts let the caller skip them.
   */
  tally(): PlanTally {
    const due = refreshBefore(this.settings) === undefined ? 'f.expires_at IS NOT NULL' : '(f.expires_at IS NULL OR f.expires_at < @cut)';
    // `adopt` is ExportLedgerStore.adoptPresent's predicate, row for row.
    const wanted = this.sqlite
      .prepare(
        `SELECT count(*) AS desired,
                coalesce(sum(f.value IS NULL), 0) AS adds,
                coalesce(sum(f.value IS NULL AND l.state = 'present'), 0) AS restore,
                coalesce(sum(f.value IS NOT NULL AND ${due}), 0) AS refresh,
                coalesce(sum(f.value IS NOT NULL AND (l.value IS NULL OR l.state != 'present' OR l.collections_json != d.collections OR l.expires_at IS NOT f.expires_at)), 0) AS adopt,
                coalesce(sum(l.state = 'present'), 0) AS wantedPresent
         FROM temp.desired d LEFT JOIN temp.feed f ON f.value = d.value LEFT JOIN export_ledger l ON l.value = d.value`,
      )
      .get(this.#refreshParams()) as { desired: number; adds: number; restore: number; refresh: number; adopt: number; wantedPresent: number };
    const one = (sql: string) => (this.sqlite.prepare(sql).get() as { n: number }).n;
    // Darktrace's entries that no collection wants: all of them but the wanted ones it holds
    // (values are unique in both tables), so the second pass runs only when there are some.
    const remove = one('SELECT count(*) AS n FROM temp.feed') - (wanted.desired - wanted.adds);
    const unwanted =
      remove === 0
        ? { remove, present: 0 }
        : (this.sqlite
            .prepare(
              `SELECT count(*) AS remove,
                      coalesce(sum(EXISTS (SELECT 1 FROM export_ledger l WHERE l.value = f.value AND l.state = 'present')), 0) AS present
               FROM temp.feed f WHERE NOT EXISTS (SELECT 1 FROM temp.desired d WHERE d.value = f.value)`,
            )
            .get() as { remove: number; present: number });
    // Lapsed (ExportLedgerStore.lapsed): present in the ledger, neither wanted nor in Darktrace.
    const present = one(`SELECT count(*) AS n FROM export_ledger WHERE state = 'present'`);
    return {
      counts: {
        desired: wanted.desired,
        add: wanted.adds - wanted.restore,
        restore: wanted.restore,
        refresh: wanted.refresh,
        remove: unwanted.remove,
        unchanged: wanted.desired - wanted.adds - wanted.refresh,
        skipped: one('SELECT count(*) AS n FROM temp.skips'),
      },
      adopt: wanted.adopt,
      lapse: present - wanted.wantedPresent - unwanted.present,
    };
  }

  /**
   * The lists below are read in pages by value (keyset), never through an open cursor: the
   * caller writes to the ledger between pages, which an open SQLite statement would forbid.
   */
  adds(): Generator<Array<PlannedEntry & { restore: boolean }>> {
    const stmt = this.sqlite.prepare(`SELECT value, collections, restore FROM ${this.#listTable('adds')} WHERE value > @after ORDER BY value LIMIT @limit`);
    return pages((after, limit) => (stmt.all({ after, limit }) as Array<{ value: string; collections: string; restore: number | null }>).map((r) => ({ value: r.value, collections: JSON.parse(r.collections) as string[], restore: r.restore === 1 })), this.pageSize);
  }

  refreshes(): Generator<PlannedEntry[]> {
    const stmt = this.sqlite.prepare(`SELECT value, collections FROM ${this.#listTable('refreshes')} WHERE value > @after ORDER BY value LIMIT @limit`);
    return pages((after, limit) => (stmt.all({ after, limit }) as Array<{ value: string; collections: string }>).map(entry), this.pageSize);
  }

  /**
   * The adds or refreshes as pages of bare values to push, each with the range of the list it
   * covers: consecutive pages continue each other's range, so what Darktrace accepted since the
   * last ledger commit is one range, recorded in SQL (`rangeSource`) rather than row by row.
   */
  *pushPages(list: PlanList): Generator<PushPage> {
    const stmt = this.sqlite.prepare(`SELECT value, restore FROM ${this.#listTable(list)} WHERE value > @after ORDER BY value LIMIT @limit`).raw(true);
    let after = '';
    for (;;) {
      const rows = stmt.all({ after, limit: this.pageSize }) as Array<[string, number | null]>;
      if (rows.length === 0) return;
      const values = rows.map((r) => r[0]);
      let restores = 0;
      for (const r of rows) if (r[1] === 1) restores++;
      const upTo = values[values.length - 1]!;
      yield { values, restores, range: { list, after, upTo } };
      if (rows.length < this.pageSize) return;
      after = upTo;
    }
  }

  /**
   * The entries of a range as a SELECT of (value, collections, restore) — from the same list as
   * the pages that produced it.
   */
  rangeSource(range: PlanRange): { sql: string; params: Record<string, unknown> } {
    return { sql: `SELECT value, collections, restore FROM ${this.#listTable(range.list)} WHERE value > @after AND value <= @upTo`, params: { after: range.after, upTo: range.upTo } };
  }

  /**
   * The list, computed once into a temp table when it is first asked for: its pages and the
   * ledger's records of them then read a plain range, instead of each joining the wanted
   * entries with the ledger and the feed again (three joins of a million rows on a first run).
   * Whether an add is a restore is decided here, before the run records anything.
   */
  #listTable(list: PlanList): string {
    const table = list === 'adds' ? 'plan_adds' : 'plan_refreshes';
    if (!this.#listed.has(list)) {
      this.sqlite.exec(`DROP TABLE IF EXISTS temp.${table}; CREATE TEMP TABLE ${table} (value TEXT PRIMARY KEY, collections TEXT NOT NULL, restore INTEGER) WITHOUT ROWID`);
      const select =
        list === 'adds' ? `SELECT d.value, d.collections, (l.state = 'present') ${ADDS_FROM} ORDER BY d.value` : `SELECT d.value, d.collections, 0 ${this.#refreshFrom()} ORDER BY d.value`;
      this.sqlite.prepare(`INSERT INTO temp.${table} (value, collections, restore) ${select}`).run(list === 'adds' ? {} : this.#refreshParams());
      this.#listed.add(list);
    }
    return `temp.${table}`;
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

  /** FROM … WHERE (…) of the refresh list, ready for `AND …`. */
  #refreshFrom(): string {
    const due = refreshBefore(this.settings) === undefined ? 'f.expires_at IS NOT NULL' : '(f.expires_at IS NULL OR f.expires_at < @cut)';
    return `FROM temp.desired d JOIN temp.feed f ON f.value = d.value WHERE ${due}`;
  }

  #refreshParams(): Record<string, unknown> {
    const cut = refreshBefore(this.settings);
    return cut === undefined ? {} : { cut };
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
