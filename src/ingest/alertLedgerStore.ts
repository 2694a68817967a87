import type Database from 'better-sqlite3';
import type { AlertKind } from './mappedAlert.ts';

export interface LedgerRow {
  kind: AlertKind;
  darktraceId: string;
  contentHash: string;
  /** 'creating' (ThreatQ write in flight or unconfirmed) | 'linking' (event exists, devices not yet related) | 'synced' */
  state: 'creating' | 'linking' | 'synced';
  title: string;
  threatqEventId: number | null;
}

const CHECKPOINT_KEY = 'ingest.checkpoint';
const COVERAGE_KEY = 'ingest.coverage_start';

/**
 * The ingest ledger and its audit rows. Every method is one short transaction, so a kill at
 * any instant leaves a consistent ledger; the 'creating' and 'linking' states say exactly what
 * the next run must verify or finish.
 */
export class AlertLedgerStore {
  readonly #get: Database.Statement;
  readonly #insertCreating: Database.Statement;
  readonly #toLinking: Database.Statement;
  readonly #toSynced: Database.Statement;
  readonly #setHash: Database.Statement;
  readonly #delete: Database.Statement;
  readonly #setHashOnly: Database.Statement;
  readonly #action: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    const cols = 'kind, darktrace_id AS darktraceId, content_hash AS contentHash, state, title, threatq_event_id AS threatqEventId';
    this.#get = sqlite.prepare(`SELECT ${cols} FROM alert_ledger WHERE kind = ? AND darktrace_id = ?`);
    this.#insertCreating = sqlite.prepare(
      `INSERT INTO alert_ledger (kind, darktrace_id, content_hash, state, title, threatq_event_id, alert_time, first_run_id, last_run_id)
       VALUES (@kind, @darktraceId, @contentHash, 'creating', @title, NULL, @alertTime, @runId, @runId)`,
    );
    this.#toLinking = sqlite.prepare(
      `UPDATE alert_ledger SET state = 'linking', threatq_event_id = @eventId, last_run_id = @runId,
         first_synced_at = COALESCE(first_synced_at, @now), last_synced_at = @now WHERE kind = @kind AND darktrace_id = @darktraceId`,
    );
    this.#toSynced = sqlite.prepare(`UPDATE alert_ledger SET state = 'synced' WHERE kind = ? AND darktrace_id = ? AND state = 'linking'`);
    this.#setHash = sqlite.prepare(
      `UPDATE alert_ledger SET content_hash = @contentHash, last_run_id = @runId, last_synced_at = @now WHERE kind = @kind AND darktrace_id = @darktraceId`,
    );
    this.#setHashOnly = sqlite.prepare('UPDATE alert_ledger SET content_hash = ? WHERE kind = ? AND darktrace_id = ?');
    this.#delete = sqlite.prepare(`DELETE FROM alert_ledger WHERE kind = ? AND darktrace_id = ? AND state = 'creating'`);
    this.#action = sqlite.prepare(
      `INSERT INTO alert_actions (run_id, kind, darktrace_id, action, threatq_event_id, at, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  get(kind: AlertKind, darktraceId: string): LedgerRow | undefined {
    return this.#get.get(kind, darktraceId) as LedgerRow | undefined;
  }

  /** Rows a previous run left unfinished, oldest first. */
  unfinished(): LedgerRow[] {
    return this.sqlite
      .prepare(
        `SELECT kind, darktrace_id AS darktraceId, content_hash AS contentHash, state, title, threatq_event_id AS threatqEventId
         FROM alert_ledger WHERE state IN ('creating', 'linking') ORDER BY alert_time`,
      )
      .all() as LedgerRow[];
  }

  /**
   * Recorded before the ThreatQ write: after a crash the event is looked up by this title. The
   * previous batch's confirmations (`confirm`) go into the same commit.
   */
  markCreating(
    rows: Array<{ kind: AlertKind; darktraceId: string; contentHash: string; title: string; alertTime: number }>,
    runId: number,
    previous?: { confirm: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' | 'adopted' }>; now: number },
  ): void {
    this.sqlite.transaction(() => {
      if (previous) this.#confirm(previous.confirm, runId, previous.now);
      for (const r of rows) this.#insertCreating.run({ ...r, runId });
    })();
  }

  /** markCreated for confirmations still pending (nothing when the list is empty). */
  confirm(rows: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' | 'adopted' }>, runId: number, now: number): void {
    if (rows.length > 0) this.markCreated(rows, runId, now);
  }

  /** The event exists in ThreatQ; its device relations are still to be written. */
  markCreated(rows: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' | 'adopted' }>, runId: number, now: number): void {
    if (rows.length === 0) return;
    this.sqlite.transaction(() => this.#confirm(rows, runId, now))();
  }

  #confirm(rows: Array<{ kind: AlertKind; darktraceId: string; eventId: number; action: 'created' | 'adopted' }>, runId: number, now: number): void {
    for (const r of rows) {
      this.#toLinking.run({ kind: r.kind, darktraceId: r.darktraceId, eventId: r.eventId, runId, now });
      this.#action.run(runId, r.kind, r.darktraceId, r.action, r.eventId, now, null);
    }
  }

  /** Forgets 'creating' rows whose events never reached ThreatQ, so they are created when next fetched. */
  forgetUncreated(rows: Array<{ kind: AlertKind; darktraceId: string }>): void {
    if (rows.length === 0) return;
    this.sqlite.transaction(() => {
      for (const r of rows) this.#delete.run(r.kind, r.darktraceId);
    })();
  }

  markUpdated(rows: Array<{ kind: AlertKind; darktraceId: string; contentHash: string; eventId: number; changed: string[] }>, runId: number, now: number): void {
    this.sqlite.transaction(() => {
      for (const r of rows) {
        this.#setHash.run({ kind: r.kind, darktraceId: r.darktraceId, contentHash: r.contentHash, runId, now });
        this.#action.run(runId, r.kind, r.darktraceId, 'updated', r.eventId, now, JSON.stringify({ changed: r.changed }));
      }
    })();
  }

  /** Same content under a newer hash format: recorded without counting as an update. */
  setHashes(rows: Array<{ kind: AlertKind; darktraceId: string; contentHash: string }>): void {
    this.sqlite.transaction(() => {
      for (const r of rows) this.#setHashOnly.run(r.contentHash, r.kind, r.darktraceId);
    })();
  }

  markLinked(rows: Array<{ kind: AlertKind; darktraceId: string }>): void {
    this.sqlite.transaction(() => {
      for (const r of rows) this.#toSynced.run(r.kind, r.darktraceId);
    })();
  }

  quarantine(kind: AlertKind, darktraceId: string, reason: string, excerpt: string, runId: number, now: number): void {
    this.sqlite
      .prepare(
        `INSERT INTO quarantine (kind, darktrace_id, reason, excerpt, first_run_id, last_run_id, first_seen_at, last_seen_at, resolved_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
         ON CONFLICT (kind, darktrace_id) DO UPDATE SET reason = excluded.reason, excerpt = excluded.excerpt,
           last_run_id = excluded.last_run_id, last_seen_at = excluded.last_seen_at, resolved_at = NULL`,
      )
      .run(kind, darktraceId, reason, excerpt, runId, runId, now, now);
  }

  resolveQuarantine(kind: AlertKind, darktraceId: string, now: number): void {
    this.sqlite.prepare('UPDATE quarantine SET resolved_at = ? WHERE kind = ? AND darktrace_id = ? AND resolved_at IS NULL').run(now, kind, darktraceId);
  }

  checkpoint(): number | undefined {
    const row = this.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(CHECKPOINT_KEY) as { value: string } | undefined;
    return row ? Number(row.value) : undefined;
  }

  /** The earliest alert time any successful run covered (undefined before the first, and in databases of older versions). */
  coverageStart(): number | undefined {
    const row = this.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(COVERAGE_KEY) as { value: string } | undefined;
    return row ? Number(row.value) : undefined;
  }

  /** A successful run covered [windowStart, ms]. */
  setCheckpoint(ms: number, now: number, windowStart?: number): void {
    const set = this.sqlite.prepare('INSERT OR REPLACE INTO meta (key, value, updated_at) VALUES (?, ?, ?)');
    this.sqlite.transaction(() => {
      set.run(CHECKPOINT_KEY, String(ms), now);
      const covered = this.coverageStart();
      if (windowStart !== undefined && (covered === undefined || windowStart < covered)) set.run(COVERAGE_KEY, String(windowStart), now);
    })();
  }
}
