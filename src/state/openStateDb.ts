import type Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { closeSync, chmodSync, existsSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConnectorError, EXIT } from '../errors.ts';
import { localIoError, localIoKind } from './localIoError.ts';
import { applyMigrations, appliedMigrationCount } from './migrate.ts';
import { migrations } from './migrations.gen.ts';
import * as schema from './schema.ts';
import { openSqlite } from './sqliteDriver.ts';

export interface StateDb {
  path: string;
  sqlite: Database.Database;
  db: BetterSQLite3Database<typeof schema>;
  /** Migrations applied by this open (0 when the database was current). */
  migrated: number;
  migrationCount: number;
  close(): void;
}

export interface OpenStateDbOptions {
  path: string;
  /** Open an existing database for reading only (history while a run holds the lock). */
  readonly?: boolean;
}

/** `<config dir>/<name>.db` */
export function stateDbPath(configDir: string, name: string): string {
  return path.join(configDir, `${name}.db`);
}

/**
 * Opens (creating if needed) the state database: mode 0600, WAL, a busy timeout, and every
 * embedded migration applied. The file is created 0600 before SQLite touches it; SQLite gives
 * its -wal and -shm files the same mode.
 */
export function openStateDb(options: OpenStateDbOptions): StateDb {
  const file = options.path;
  const dir = path.dirname(file);
  if (!existsSync(dir)) {
    throw new ConnectorError('E_STATE_DIR', `Cannot open the state database: directory '${dir}' does not exist`, {
      exitCode: EXIT.usage,
      hint: `Create it (mkdir -p '${dir}') or point -c at an existing, writable directory`,
    });
  }
  let sqlite: Database.Database;
  try {
    if (!options.readonly && !existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    if (!options.readonly && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    // better-sqlite3 under Node, node:sqlite under Deno (sqliteDriver.ts).
    sqlite = openSqlite(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (cause) {
    throw ConnectorError.is(cause) ? cause : stateDbError(file, cause);
  }
  try {
    sqlite.pragma('busy_timeout = 15000');
    if (!options.readonly) {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
    }
    sqlite.pragma('foreign_keys = ON');
    // 4 MiB of page cache per schema instead of 16: the working sets are read and written in key
    // order, so a bigger cache buys no speed (measured on the 1M export and the 55k ingest), and
    // the ingest's peak memory drops by about 25 MB, which keeps it well under 256 MB.
    sqlite.pragma('cache_size = -4096');
    sqlite.pragma('temp.cache_size = -4096');
    // SQLite may sort a set larger than its cache on a second thread (the export keys a million
    // memberships by one sort): about a sixth faster on a 2-core host. Small sorts stay on one.
    sqlite.pragma('threads = 2');
    const migrated = options.readonly ? 0 : applyMigrations(sqlite, migrations);
    const migrationCount = appliedMigrationCount(sqlite);
    if (options.readonly && migrationCount < migrations.length) {
      throw new ConnectorError(
        'E_STATE_OLD_SCHEMA',
        `The state database '${file}' was written by an older version (${migrationCount} of ${migrations.length} migrations)`,
        { exitCode: EXIT.localIo, hint: 'Run any command that writes (e.g. `doctor` or a run) once to upgrade it' },
      );
    }
    return {
      path: file,
      sqlite,
      db: drizzle({ client: sqlite, schema }),
      migrated,
      migrationCount,
      close: () => sqlite.close(),
    };
  } catch (cause) {
    sqlite.close();
    throw ConnectorError.is(cause) ? cause : stateDbError(file, cause);
  }
}

function stateDbError(file: string, cause: unknown): ConnectorError {
  // Disk full, read-only, permissions: the shared wording (what, why, free space, what to do).
  // The code stays E_STATE_DB: history falls back to reading a database it cannot open for writing.
  if (localIoKind(cause, path.dirname(file))) return localIoError(cause, file, 'the state database', 'E_STATE_DB');
  const code = (cause as { code?: string }).code ?? '';
  const reason = cause instanceof Error ? cause.message : String(cause);
  const hint =
    code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
      ? 'The file is not a valid database: restore it from backup or move it away to start fresh'
      : 'Check the file and its directory';
  return new ConnectorError('E_STATE_DB', `Cannot use the state database '${file}': ${reason}`, {
    exitCode: EXIT.localIo,
    cause,
    hint,
  });
}
