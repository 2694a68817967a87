/**
 * The same SQLite operations through openSqlite(), printed as one JSON document: run under Node
 * (better-sqlite3) and under Deno (node:sqlite through the shim), the two outputs must be equal.
 * Covers what the code base and drizzle's better-sqlite3 session call. Usage: sqliteParity.ts DIR
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { openSqlite, sqliteDriverName } from '../../src/state/sqliteDriver.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: sqliteParity.ts DIR');

const out: Record<string, unknown> = {};
function step(name: string, fn: () => unknown): void {
  try {
    out[name] = { ok: describe(fn()) };
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    out[name] = { error: { name: err.name, code: err.code, message: err.message } };
  }
}

/** Values with their kind, so a null-prototype row or a Uint8Array blob shows as a difference. */
function describe(v: unknown): unknown {
  if (v === undefined) return '<undefined>';
  if (typeof v === 'bigint') return `<bigint ${v}>`;
  if (Buffer.isBuffer(v)) return `<Buffer ${v.toString('hex')}>`;
  if (v instanceof Uint8Array) return `<Uint8Array ${Buffer.from(v).toString('hex')}>`;
  if (Array.isArray(v)) return v.map(describe);
  if (typeof v === 'object' && v !== null) {
    const o: Record<string, unknown> = Object.getPrototypeOf(v) === Object.prototype ? {} : { '<prototype>': String(Object.getPrototypeOf(v)) };
    for (const [k, x] of Object.entries(v)) o[k] = describe(x);
    return o;
  }
  return v;
}

const db = openSqlite(path.join(dir, 'parity.db'));
step('exec many statements', () => {
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL UNIQUE, y, z BLOB);
           CREATE TABLE child (id INTEGER PRIMARY KEY, t_id INTEGER NOT NULL REFERENCES t(id));`);
  return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all();
});
step('pragma set', () => db.pragma('journal_mode = WAL'));
step('pragma get', () => db.pragma('journal_mode'));
step('pragma simple', () => db.pragma('journal_mode', { simple: true }));
step('pragma foreign_keys', () => (db.pragma('foreign_keys = ON'), db.pragma('foreign_keys', { simple: true })));
step('run positional, undefined is NULL', () => db.prepare('INSERT INTO t (x, y) VALUES (?, ?)').run('a', undefined));
step('run named, extra keys ignored', () => db.prepare('INSERT INTO t (x, y) VALUES (@x, @y)').run({ x: 'b', y: 2, unused: 1 }));
step('run positional then named', () => db.prepare('INSERT INTO t (x, y) VALUES (?, @y)').run('c', { y: 3.5 }));
step('run named undefined is NULL', () => db.prepare('INSERT INTO t (x, y) VALUES (@x, @y)').run({ x: 'd', y: undefined }));
step('blob and bigint', () => db.prepare('INSERT INTO t (x, y, z) VALUES (?, ?, ?)').run('e', 9007199254740993n, Buffer.from([1, 2, 255])));
step('get', () => db.prepare('SELECT id, x, y FROM t WHERE x = ?').get('b'));
step('get none', () => db.prepare('SELECT id FROM t WHERE x = ?').get('nope'));
step('all', () => db.prepare('SELECT id, x, y, z FROM t WHERE x <> ? ORDER BY id').all('e'));
step('blob read', () => db.prepare("SELECT z FROM t WHERE x = 'e'").get());
step('raw all', () => db.prepare('SELECT id, x FROM t ORDER BY id LIMIT 2').raw().all());
step('raw get', () => db.prepare('SELECT id, x FROM t ORDER BY id').raw().get());
step('raw is sticky, raw(false) undoes it', () => {
  const s = db.prepare('SELECT id, x FROM t ORDER BY id LIMIT 1');
  s.raw();
  const a = s.get();
  s.raw(false);
  return [a, s.get()];
});
step('run on select', () => db.prepare('SELECT 1').run());
step('changes on update', () => db.prepare('UPDATE t SET y = 0 WHERE id > ?').run(2));
step('unique via run', () => db.prepare('INSERT INTO t (x) VALUES (?)').run('a'));
step('unique via exec', () => db.exec("INSERT INTO t (x) VALUES ('a')"));
step('not null', () => db.prepare('INSERT INTO t (x) VALUES (?)').run(null));
step('foreign key', () => db.prepare('INSERT INTO child (t_id) VALUES (?)').run(999));
step('no such table', () => db.prepare('SELECT * FROM missing'));
step('syntax error', () => db.exec('SELEC 1'));
step('transaction commits', () => {
  const tx = db.transaction((x: string) => {
    db.prepare('INSERT INTO t (x) VALUES (?)').run(x);
    return db.inTransaction;
  });
  return [tx('f'), db.inTransaction, db.prepare("SELECT count(*) AS n FROM t WHERE x = 'f'").get()];
});
step('transaction rolls back on throw', () => {
  const tx = db.transaction(() => {
    db.prepare('INSERT INTO t (x) VALUES (?)').run('g');
    throw new Error('boom');
  });
  try {
    tx();
  } catch (e) {
    return [(e as Error).message, db.inTransaction, db.prepare("SELECT count(*) AS n FROM t WHERE x = 'g'").get()];
  }
  return 'did not throw';
});
step('nested transaction is a savepoint', () => {
  const inner = db.transaction(() => {
    db.prepare('INSERT INTO t (x) VALUES (?)').run('inner');
    throw new Error('inner fails');
  });
  const outer = db.transaction(() => {
    db.prepare('INSERT INTO t (x) VALUES (?)').run('outer');
    try {
      inner();
    } catch {
      /* the outer transaction goes on */
    }
    return db.inTransaction;
  });
  return [outer.immediate(), db.prepare("SELECT x FROM t WHERE x IN ('inner', 'outer')").all()];
});
step('immediate and exclusive', () => {
  const tx = db.transaction(() => db.prepare('SELECT count(*) AS n FROM t').get());
  return [tx.immediate(), tx.exclusive(), tx.deferred()];
});
step('transaction returning a promise', () => db.transaction(() => Promise.resolve(1))());
step('transaction needs a function', () => db.transaction(42 as unknown as () => void));
step('busy while another connection writes', () => {
  const other = openSqlite(path.join(dir, 'parity.db'));
  other.pragma('busy_timeout = 0');
  db.exec('BEGIN IMMEDIATE');
  try {
    other.exec('BEGIN IMMEDIATE');
    return 'not busy';
  } finally {
    db.exec('ROLLBACK');
    other.close();
  }
});
step('drizzle query builder', () => {
  const t = sqliteTable('t', { id: integer('id').primaryKey(), x: text('x').notNull(), y: integer('y') });
  const orm = drizzle({ client: db, schema: { t } });
  orm.insert(t).values({ x: 'orm', y: 7 }).run();
  const nested = orm.transaction((tx) => {
    tx.insert(t).values({ x: 'orm-tx' }).run();
    try {
      tx.transaction((inner) => {
        inner.insert(t).values({ x: 'orm-inner' }).run();
        throw new Error('inner');
      });
    } catch {
      /* rolled back to the savepoint */
    }
    return tx.select({ x: t.x }).from(t).where(sql`${t.x} LIKE 'orm%'`).orderBy(t.x).all();
  });
  return [orm.select().from(t).where(eq(t.x, 'orm')).get(), nested, orm.select({ n: sql<number>`count(*)` }).from(t).get()];
});
step('serialize and reopen in memory', () => {
  const bytes = db.serialize();
  const walFlag = [bytes[18], bytes[19]];
  bytes[18] = 1;
  bytes[19] = 1;
  const mem = openSqlite(bytes);
  try {
    mem.exec("INSERT INTO t (x) VALUES ('in memory only')");
    return [Buffer.isBuffer(bytes), walFlag, mem.prepare('SELECT count(*) AS n FROM t').get(), db.prepare('SELECT count(*) AS n FROM t').get()];
  } finally {
    mem.close();
  }
});
step('open and close', () => {
  const other = openSqlite(path.join(dir, 'other.db'));
  const before = other.open;
  other.close();
  let threw = false;
  try {
    other.prepare('SELECT 1');
  } catch {
    threw = true;
  }
  return [before, other.open, threw];
});
step('readonly refuses writes', () => {
  const ro = openSqlite(path.join(dir, 'parity.db'), { readonly: true, fileMustExist: true });
  try {
    return ro.prepare("INSERT INTO t (x) VALUES ('ro')").run();
  } finally {
    ro.close();
  }
});
step('fileMustExist on a missing file', () => openSqlite(path.join(dir, 'missing.db'), { readonly: true, fileMustExist: true }));
step('not a database', () => {
  const junk = path.join(dir, 'junk.db');
  writeFileSync(junk, 'x'.repeat(4096));
  const j = openSqlite(junk);
  try {
    return j.prepare('SELECT count(*) FROM sqlite_master').get();
  } finally {
    j.close();
  }
});
db.close();
process.stdout.write(JSON.stringify({ driver: sqliteDriverName(), results: out }, null, 1) + '\n');
