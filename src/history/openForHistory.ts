import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { ConnectorError, EXIT } from '../errors.ts';
import { applyMigrations, appliedMigrationCount } from '../state/migrate.ts';
import { migrations } from '../state/migrations.gen.ts';
import { openStateDb, stateDbPath } from '../state/openStateDb.ts';
import { openSqlite } from '../state/sqliteDriver.ts';
import { readableInPlace } from './readableInPlace.ts';

export interface HistoryDb {
  path: string;
  sqlite: Database.Database;
  /** 'file': the database itself; 'snapshot': an in-memory copy (the file could not be written, and could not be read in place or was older). */
  mode: 'file' | 'snapshot';
  close(): void;
}

/**
 * Opens the state database for `history`. A run may hold the lock meanwhile: WAL lets history
 * read beside it. When the file can be written, an older database is upgraded in place, as
 * every command does. When it cannot (an auditor's account, a read-only copy, a backup), history
 * still answers: it reads the file where it is when the schema has what history reads
 * (`readableInPlace`), and otherwise from an in-memory copy that it upgrades — the file is never
 * changed. `write` (prune) needs the file.
 */
export function openForHistory(configDir: string, name: string, write: boolean): HistoryDb {
  const file = stateDbPath(configDir, name);
  if (!existsSync(file)) {
    throw new ConnectorError('E_HISTORY_NO_DB', `No state database at '${file}': this connector has not run yet with this -c and -n`, {
      exitCode: EXIT.usage,
      hint: 'Give the same -c DIR and -n NAME as the runs you want to inspect',
    });
  }
  if (write || writable(file)) {
    try {
      const state = openStateDb({ path: file });
      return { path: file, sqlite: state.sqlite, mode: 'file', close: () => state.close() };
    } catch (e) {
      if (write || !ConnectorError.is(e) || e.code !== 'E_STATE_DB') throw e;
    }
  }
  return openReadOnly(file);
}

function writable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
    accessSync(path.dirname(file), constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function openReadOnly(file: string): HistoryDb {
  let bytes: Uint8Array;
  try {
    // Works when the WAL's -shm file exists or can be made; sees the newest committed data.
    const ro = openSqlite(file, { readonly: true, fileMustExist: true });
    try {
      ro.pragma('busy_timeout = 15000');
      if (readableInPlace(appliedMigrationCount(ro))) return { path: file, sqlite: ro, mode: 'file', close: () => ro.close() };
      bytes = ro.serialize();
    } catch (e) {
      ro.close();
      throw e;
    }
    ro.close();
  } catch (cause) {
    // A WAL database in a directory this user cannot write, with no -shm file: SQLite refuses
    // to open it even read-only. A cleanly closed database is wholly in the main file.
    try {
      bytes = readFileSync(file);
    } catch {
      throw readError(file, cause);
    }
  }
  try {
    // Bytes 18-19 say "WAL"; an in-memory database cannot be in WAL mode.
    if (bytes.length >= 20 && bytes[18] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    const mem = openSqlite(bytes);
    applyMigrations(mem, migrations);
    return { path: file, sqlite: mem, mode: 'snapshot', close: () => mem.close() };
  } catch (cause) {
    throw readError(file, cause);
  }
}

function readError(file: string, cause: unknown): ConnectorError {
  return new ConnectorError('E_STATE_DB', `Cannot read the state database '${file}': ${cause instanceof Error ? cause.message : String(cause)}`, {
    exitCode: EXIT.localIo,
    cause,
    hint: 'Check that this user can read the file; history reads it without changing it',
  });
}
