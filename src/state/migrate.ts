import type Database from 'better-sqlite3';

export interface EmbeddedMigration {
  tag: string;
  folderMillis: number;
  hash: string;
  sql: string[];
}

const TABLE = '__drizzle_migrations';

/**
 * Applies the embedded migrations that are newer than the database. Same bookkeeping table as
 * drizzle's migrator (so drizzle-kit tools read it), but the check and the changes happen in
 * one IMMEDIATE transaction: two processes opening a new database at once cannot both apply
 * the same migration. Returns the number applied.
 */
export function applyMigrations(sqlite: Database.Database, migrations: readonly EmbeddedMigration[]): number {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS "${TABLE}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const newest = () =>
    (sqlite.prepare(`SELECT created_at FROM "${TABLE}" ORDER BY created_at DESC LIMIT 1`).get() as { created_at: number } | undefined)
      ?.created_at;
  const latestKnown = migrations.at(-1)?.folderMillis ?? 0;
  const before = Number(newest() ?? 0);
  if (before >= latestKnown) return 0;
  let applied = 0;
  const run = sqlite.transaction(() => {
    const last = Number(newest() ?? 0);
    for (const m of migrations) {
      if (m.folderMillis <= last) continue;
      for (const stmt of m.sql) if (stmt.trim()) sqlite.exec(stmt);
      sqlite.prepare(`INSERT INTO "${TABLE}" ("hash", "created_at") VALUES (?, ?)`).run(m.hash, m.folderMillis);
      applied++;
    }
  });
  run.immediate();
  return applied;
}

/** The migrations recorded in the database, oldest first. */
export function appliedMigrationCount(sqlite: Database.Database): number {
  const exists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type='table' AND name=?`).get(TABLE);
  if (!exists) return 0;
  return (sqlite.prepare(`SELECT count(*) AS n FROM "${TABLE}"`).get() as { n: number }).n;
}
