/**
 * better-sqlite3's shape over the built-in `node:sqlite` (DatabaseSync), for Deno: Deno refuses
 * better-sqlite3 (a NAN addon, not Node-API). Covers exactly what drizzle's better-sqlite3
 * session and this code base call on `state.sqlite`, with better-sqlite3's behaviour where the
 * two differ: plain-object rows, `undefined` bound as NULL, extra named parameters ignored,
 * the named-parameter object last, Buffer blobs, sticky `raw()`, savepoints for nested
 * transactions, and errors carrying better-sqlite3's `SQLITE_*` codes.
 */
import { existsSync } from 'node:fs';
import process from 'node:process';

type SqlValue = null | number | bigint | string | Uint8Array;
type Row = Record<string, unknown>;

/** The part of node:sqlite used here (@types/node 20 has no node:sqlite). */
interface StatementSync {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Row | unknown[] | undefined;
  all(...params: unknown[]): Array<Row | unknown[]>;
  setReturnArrays(on: boolean): void;
  setAllowUnknownNamedParameters(on: boolean): void;
  readonly sourceSQL: string;
}
interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): StatementSync;
  close(): void;
  serialize(): Uint8Array;
  deserialize(bytes: Uint8Array): void;
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => DatabaseSync;
}

export interface ShimOpenOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
}

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

function nodeSqlite(): NodeSqliteModule | undefined {
  try {
    // getBuiltinModule: a static import of node:sqlite would not even load on Node 20.
    return process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined;
  } catch {
    return undefined;
  }
}

/** INSERT/UPDATE/DELETE/REPLACE, also after a WITH clause (the schema has no triggers). */
const DML = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:WITH\b[\s\S]*\b)?(?:INSERT|UPDATE|DELETE|REPLACE)\b/i;

export class ShimStatement {
  readonly #stmt: StatementSync;
  readonly #dml: boolean;
  #raw = false;

  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    this.#dml = DML.test(stmt.sourceSQL);
    stmt.setAllowUnknownNamedParameters(true);
  }

  /** As in better-sqlite3: sticky, rows come back as arrays until `raw(false)`. */
  raw(on = true): this {
    this.#raw = on;
    this.#stmt.setReturnArrays(on);
    return this;
  }

  run(...params: unknown[]): RunResult {
    const r = guard(() => this.#stmt.run(...bindable(params)));
    // node:sqlite reports sqlite3_changes(), which after a non-DML statement still holds the
    // previous INSERT/UPDATE/DELETE's count; better-sqlite3 reports 0 there.
    return { changes: this.#dml ? Number(r.changes) : 0, lastInsertRowid: r.lastInsertRowid };
  }

  get(...params: unknown[]): unknown {
    const row = guard(() => this.#stmt.get(...bindable(params)));
    return row === undefined ? undefined : this.#row(row);
  }

  all(...params: unknown[]): unknown[] {
    const rows = guard(() => this.#stmt.all(...bindable(params)));
    for (let i = 0; i < rows.length; i++) rows[i] = this.#row(rows[i]!);
    return rows;
  }

  #row(row: Row | unknown[]): Row | unknown[] {
    if (this.#raw) return (row as unknown[]).map(toBuffer);
    // node:sqlite rows have a null prototype; deepStrictEqual and `hasOwnProperty` callers
    // expect better-sqlite3's plain objects.
    const out: Row = {};
    for (const key in row as Row) out[key] = toBuffer((row as Row)[key]);
    return out;
  }
}

type TxFn<A extends unknown[], R> = ((...args: A) => R) & {
  deferred: (...args: A) => R;
  immediate: (...args: A) => R;
  exclusive: (...args: A) => R;
  default: (...args: A) => R;
};

export class ShimDatabase {
  readonly #db: DatabaseSync;
  #depth = 0;

  constructor(source: string | Uint8Array, options: ShimOpenOptions = {}) {
    const sqlite = nodeSqlite();
    if (!sqlite) throw new TypeError('node:sqlite is not available in this runtime');
    const bytes = typeof source === 'string' ? undefined : source;
    const file = typeof source === 'string' ? source : ':memory:';
    const memory = file === ':memory:' || file === '';
    // node:sqlite has no fileMustExist; without the check a missing file would be created.
    if (!memory && (options.fileMustExist || options.readonly) && !existsSync(file)) {
      throw sqliteError('SQLITE_CANTOPEN', `unable to open database file: ${file}`);
    }
    this.#db = guard(() => new sqlite.DatabaseSync(file, { readOnly: Boolean(options.readonly) }));
    if (bytes) {
      const db = this.#db;
      guard(() => db.deserialize(bytes));
    }
  }

  get open(): boolean {
    return this.#db.isOpen;
  }

  get inTransaction(): boolean {
    return this.#db.isOpen && this.#db.isTransaction;
  }

  prepare(sql: string): ShimStatement {
    return new ShimStatement(guard(() => this.#db.prepare(sql)));
  }

  exec(sql: string): this {
    guard(() => this.#db.exec(sql));
    return this;
  }

  /** better-sqlite3's `pragma`: every row, or with `simple` the first column of the first row. */
  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const stmt = this.prepare(`PRAGMA ${source}`);
    if (!options.simple) return stmt.all();
    const row = stmt.raw().get() as unknown[] | undefined;
    return row?.[0];
  }

  serialize(): Buffer {
    const bytes = guard(() => this.#db.serialize());
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  close(): this {
    if (this.#db.isOpen) this.#db.close();
    return this;
  }

  /**
   * better-sqlite3's `transaction(fn)`: BEGIN/COMMIT around fn, ROLLBACK when it throws;
   * called inside a transaction, a savepoint instead.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): TxFn<A, R> {
    if (typeof fn !== 'function') throw new TypeError('Expected first argument to be a function');
    const variant = (mode: string) =>
      (...args: A): R => {
        if (this.inTransaction) return this.#savepoint(fn, args);
        this.exec(`BEGIN ${mode}`);
        try {
          const result = fn(...args);
          if (isPromise(result)) throw new TypeError('Transaction function cannot return a promise');
          this.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.inTransaction) this.exec('ROLLBACK');
          throw error;
        }
      };
    const deferred = variant('DEFERRED');
    return Object.assign(deferred, {
      deferred,
      immediate: variant('IMMEDIATE'),
      exclusive: variant('EXCLUSIVE'),
      default: deferred,
    });
  }

  #savepoint<A extends unknown[], R>(fn: (...args: A) => R, args: A): R {
    const name = `"\tshim_sp${++this.#depth}\t"`;
    this.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn(...args);
      if (isPromise(result)) throw new TypeError('Transaction function cannot return a promise');
      this.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (this.inTransaction) {
        this.exec(`ROLLBACK TO ${name}`);
        this.exec(`RELEASE ${name}`);
      }
      throw error;
    } finally {
      this.#depth--;
    }
  }
}

function isPromise(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * better-sqlite3 binds `undefined` as NULL and takes the named-parameter object after the
 * positional values; node:sqlite refuses `undefined` and wants the object first.
 */
function bindable(params: unknown[]): unknown[] {
  const out = params.map((p) => (p === undefined ? null : isNamedObject(p) ? nullForUndefined(p as Record<string, unknown>) : p));
  if (out.length > 1 && isNamedObject(out[out.length - 1])) out.unshift(out.pop() as object);
  return out;
}

function nullForUndefined(named: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(named)) out[key] = named[key] === undefined ? null : named[key];
  return out;
}

function isNamedObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value);
}

function toBuffer(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}

// ---- errors: better-sqlite3 reports `code: 'SQLITE_…'`; node:sqlite `code: 'ERR_SQLITE_ERROR'`
// with `errcode` (not always set: exec and open give only a message).

const PRIMARY: Record<number, string> = {
  1: 'ERROR', 2: 'INTERNAL', 3: 'PERM', 4: 'ABORT', 5: 'BUSY', 6: 'LOCKED', 7: 'NOMEM', 8: 'READONLY',
  9: 'INTERRUPT', 10: 'IOERR', 11: 'CORRUPT', 12: 'NOTFOUND', 13: 'FULL', 14: 'CANTOPEN', 15: 'PROTOCOL',
  16: 'EMPTY', 17: 'SCHEMA', 18: 'TOOBIG', 19: 'CONSTRAINT', 20: 'MISMATCH', 21: 'MISUSE', 22: 'NOLFS',
  23: 'AUTH', 24: 'FORMAT', 25: 'RANGE', 26: 'NOTADB',
};
const EXTENDED: Record<number, string> = {
  275: 'CONSTRAINT_CHECK', 531: 'CONSTRAINT_COMMITHOOK', 787: 'CONSTRAINT_FOREIGNKEY', 1043: 'CONSTRAINT_FUNCTION',
  1299: 'CONSTRAINT_NOTNULL', 1555: 'CONSTRAINT_PRIMARYKEY', 1811: 'CONSTRAINT_TRIGGER', 2067: 'CONSTRAINT_UNIQUE',
  2323: 'CONSTRAINT_VTAB', 2579: 'CONSTRAINT_ROWID', 517: 'BUSY_SNAPSHOT', 261: 'BUSY_RECOVERY', 262: 'LOCKED_SHAREDCACHE',
  264: 'READONLY_RECOVERY', 520: 'READONLY_CANTLOCK', 776: 'READONLY_ROLLBACK', 1032: 'READONLY_DBMOVED',
  266: 'IOERR_READ', 522: 'IOERR_SHORT_READ', 778: 'IOERR_WRITE', 1034: 'IOERR_FSYNC', 3338: 'IOERR_FSTAT',
  4874: 'IOERR_SHMSIZE', 5386: 'IOERR_LOCK', 779: 'CORRUPT_INDEX', 267: 'CORRUPT_VTAB', 523: 'CORRUPT_SEQUENCE',
};
/** sqlite3_errstr() texts, for the errors that arrive with a message only. */
const BY_MESSAGE: Array<[RegExp, string]> = [
  [/database or disk is full/i, 'FULL'],
  [/attempt to write a readonly database/i, 'READONLY'],
  [/file is not a database/i, 'NOTADB'],
  [/database disk image is malformed/i, 'CORRUPT'],
  [/database is locked/i, 'BUSY'],
  [/database table is locked/i, 'LOCKED'],
  [/unable to open database file/i, 'CANTOPEN'],
  [/disk I\/O error/i, 'IOERR'],
  [/UNIQUE constraint failed/, 'CONSTRAINT_UNIQUE'],
  [/PRIMARY KEY constraint failed|PRIMARY KEY must be unique/, 'CONSTRAINT_PRIMARYKEY'],
  [/FOREIGN KEY constraint failed/, 'CONSTRAINT_FOREIGNKEY'],
  [/NOT NULL constraint failed/, 'CONSTRAINT_NOTNULL'],
  [/CHECK constraint failed/, 'CONSTRAINT_CHECK'],
  [/interrupted/i, 'INTERRUPT'],
];

/** The better-sqlite3 `code` for a node:sqlite error, or undefined when it is not an SQLite error. */
export function sqliteCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  if (!e || e.code !== 'ERR_SQLITE_ERROR') return undefined;
  const n = typeof e.errcode === 'number' ? e.errcode : undefined;
  if (n !== undefined && (EXTENDED[n] || PRIMARY[n])) return `SQLITE_${EXTENDED[n] ?? PRIMARY[n]}`;
  if (n !== undefined && PRIMARY[n & 0xff]) return `SQLITE_${PRIMARY[n & 0xff]}`;
  const message = String(e.message ?? '');
  for (const [re, name] of BY_MESSAGE) if (re.test(message)) return `SQLITE_${name}`;
  return 'SQLITE_ERROR';
}

/** better-sqlite3 throws `SqliteError` (name 'SqliteError', a `code`); same shape here. */
export class SqliteError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'SqliteError';
    this.code = code;
  }
}

function sqliteError(code: string, message: string): SqliteError {
  return new SqliteError(message, code);
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = sqliteCode(error);
    if (!code) throw error;
    const err = sqliteError(code, (error as Error).message);
    (err as { cause?: unknown }).cause = error;
    throw err;
  }
}
