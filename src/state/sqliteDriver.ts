import Database from 'better-sqlite3';
import { loadSqliteAddon } from '../native/loadSqliteAddon.ts';
import { ShimDatabase } from './nodeSqliteShim.ts';

export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';

export interface OpenSqliteOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
}

/**
 * Which SQLite binding this runtime uses: Deno refuses better-sqlite3 (a NAN addon) and has
 * node:sqlite built in; Node 20 has no node:sqlite. Same SQL, same file format either way.
 */
export function sqliteDriverName(): SqliteDriverName {
  return 'Deno' in globalThis ? 'node:sqlite' : 'better-sqlite3';
}

/**
 * Opens a database file, or an in-memory copy of serialized bytes, with better-sqlite3's
 * interface whichever driver is underneath. Under Node the addon comes from the single
 * executable when running as one (see loadSqliteAddon). Throws the driver's error (an
 * SqliteError with a `SQLITE_*` code, or ConnectorError E_NATIVE_ADDON).
 */
export function openSqlite(source: string | Uint8Array, options: OpenSqliteOptions = {}): Database.Database {
  if (sqliteDriverName() === 'node:sqlite') {
    // The shim covers the part of better-sqlite3 this code base and drizzle use.
    return new ShimDatabase(source, options) as unknown as Database.Database;
  }
  const nativeBinding = loadSqliteAddon();
  const input = typeof source === 'string' ? source : Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  return new Database(input as string, {
    readonly: options.readonly ?? false,
    fileMustExist: options.fileMustExist ?? false,
    // @types/better-sqlite3 types nativeBinding as a path; v12 also accepts the loaded addon.
    ...(nativeBinding ? { nativeBinding: nativeBinding as unknown as string } : {}),
  });
}
