import type Database from 'better-sqlite3';
import type { AlertKind } from './mappedAlert.ts';

/**
 * Alerts a killed run left with their ThreatQ event but without its device relations, in a TEMP
 * table (a killed backfill may leave thousands). The window's slices take them as the alerts
 * come by again; what remains afterwards is fetched one by one.
 */
export class RelinkQueue {
  readonly #insert: Database.Statement;
  readonly #get: Database.Statement;
  readonly #delete: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS ingest_relink (kind TEXT NOT NULL, darktrace_id TEXT NOT NULL, event_id INTEGER NOT NULL, PRIMARY KEY (kind, darktrace_id)) WITHOUT ROWID');
    this.clear();
    this.#insert = sqlite.prepare('INSERT OR REPLACE INTO temp.ingest_relink (kind, darktrace_id, event_id) VALUES (?, ?, ?)');
    this.#get = sqlite.prepare('SELECT event_id AS eventId FROM temp.ingest_relink WHERE kind = ? AND darktrace_id = ?');
    this.#delete = sqlite.prepare('DELETE FROM temp.ingest_relink WHERE kind = ? AND darktrace_id = ?');
  }

  add(kind: AlertKind, darktraceId: string, eventId: number): void {
    this.#insert.run(kind, darktraceId, eventId);
  }

  /** The alert's event id when it is queued (and no longer queued afterwards). */
  take(kind: AlertKind, darktraceId: string): number | undefined {
    const row = this.#get.get(kind, darktraceId) as { eventId: number } | undefined;
    if (row) this.#delete.run(kind, darktraceId);
    return row?.eventId;
  }

  done(kind: AlertKind, darktraceId: string): void {
    this.#delete.run(kind, darktraceId);
  }

  /** What the window did not bring, in a stable order. */
  remaining(): Array<{ kind: AlertKind; darktraceId: string; eventId: number }> {
    return this.sqlite
      .prepare('SELECT kind, darktrace_id AS darktraceId, event_id AS eventId FROM temp.ingest_relink ORDER BY kind, darktrace_id')
      .all() as Array<{ kind: AlertKind; darktraceId: string; eventId: number }>;
  }

  clear(): void {
    this.sqlite.exec('DELETE FROM temp.ingest_relink');
  }
}
