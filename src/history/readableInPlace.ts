import { migrations as embedded } from '../state/migrations.gen.ts';
import type { EmbeddedMigration } from '../state/migrate.ts';

/**
 * Migrations that change nothing `history` reads: they only drop indexes no query uses. Each
 * must consist of `DROP INDEX IF EXISTS` statements alone (a test holds them to it).
 */
export const READ_COMPATIBLE_MIGRATIONS: ReadonlySet<string> = new Set(['0003_drop_unused_alert_indexes']);

/**
 * Whether `history` can read, in place, a database that has the first `applied` migrations:
 * yes when every later one is read-compatible. Otherwise a database it may not write is copied
 * into memory and upgraded there, which costs time and memory in proportion to its size.
 */
export function readableInPlace(applied: number, migrations: readonly EmbeddedMigration[] = embedded): boolean {
  return migrations.slice(applied).every((m) => READ_COMPATIBLE_MIGRATIONS.has(m.tag));
}
