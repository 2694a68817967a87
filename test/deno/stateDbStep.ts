/**
 * One step on a state database through the real openStateDb and migrations, under whichever
 * runtime runs it; prints a JSON line. Usage: stateDbStep.ts old|open|readonly FILE
 *   old       creates a database as the first release left it (first migration only)
 *   open      opens it as every command does (upgrading it)
 *   readonly  opens it for reading only, as history does beside a running run
 */
import process from 'node:process';
import { ConnectorError } from '../../src/errors.ts';
import { applyMigrations } from '../../src/state/migrate.ts';
import { migrations } from '../../src/state/migrations.gen.ts';
import { openStateDb } from '../../src/state/openStateDb.ts';
import { openSqlite, sqliteDriverName } from '../../src/state/sqliteDriver.ts';

const [op, file] = process.argv.slice(2);
if (!file || !['old', 'open', 'readonly'].includes(op ?? '')) throw new Error('usage: stateDbStep.ts old|open|readonly FILE');

const print = (o: object) => process.stdout.write(JSON.stringify({ driver: sqliteDriverName(), ...o }) + '\n');
if (op === 'old') {
  const sqlite = openSqlite(file);
  sqlite.pragma('journal_mode = WAL');
  print({ applied: applyMigrations(sqlite, migrations.slice(0, 1)) });
  sqlite.close();
} else {
  try {
    const state = openStateDb({ path: file, readonly: op === 'readonly' });
    const tables = (state.sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }).n;
    print({ migrated: state.migrated, migrationCount: state.migrationCount, total: migrations.length, tables });
    state.close();
  } catch (e) {
    if (!ConnectorError.is(e)) throw e;
    print({ error: e.code });
  }
}
