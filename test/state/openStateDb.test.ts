import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStateDb } from '../../src/state/openStateDb.ts';
import { applyMigrations } from '../../src/state/migrate.ts';
import { migrations } from '../../src/state/migrations.gen.ts';
import { ConnectorError } from '../../src/errors.ts';
import { AlertLedgerStore } from '../../src/ingest/alertLedgerStore.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a new database is 0600 even with umask 0, in WAL mode, fully migrated', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'c.db');
  const old = process.umask(0);
  try {
    const state = openStateDb({ path: file });
    state.sqlite.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('k', 'v', 1)").run();
    assert.equal(state.sqlite.pragma('journal_mode', { simple: true }), 'wal');
    assert.ok(Number(state.sqlite.pragma('busy_timeout', { simple: true })) >= 10000);
    assert.equal(state.migrationCount, migrations.length);
    assert.equal(state.migrated, migrations.length);
    state.close();
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const again = openStateDb({ path: file });
  assert.equal(again.migrated, 0);
  again.close();
});

test('a database made by the first migration is upgraded on open', (t) => {
  const file = path.join(tempDir(t), 'old.db');
  const old = new Database(file);
  applyMigrations(old, migrations.slice(0, 1));
  old.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('kept', 'yes', 1)").run();
  old.close();
  const state = openStateDb({ path: file });
  t.after(() => state.close());
  assert.equal(state.migrated, migrations.length - 1);
  assert.equal(state.migrationCount, migrations.length);
  assert.equal((state.sqlite.prepare("SELECT value FROM meta WHERE key='kept'").get() as { value: string }).value, 'yes');
});

test('an ingest ledger from before 0003 keeps its alerts and loses only the two indexes no query used', (t) => {
  const file = path.join(tempDir(t), 'old.db');
  const old = new Database(file);
  applyMigrations(old, migrations.filter((m) => !m.tag.startsWith('0003_')));
  old
    .prepare(
      `INSERT INTO alert_ledger (kind, darktrace_id, content_hash, state, title, threatq_event_id, alert_time, first_run_id, last_run_id)
       VALUES ('model_breach', '4711', 'h', 'linking', 'Model Breach: X on host [pbid 4711]', 12, 1, 1, 1)`,
    )
    .run();
  old.close();
  const state = openStateDb({ path: file });
  t.after(() => state.close());
  const indexes = (state.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alert_ledger' AND sql IS NOT NULL ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
  assert.deepEqual(indexes, ['alert_ledger_state']);
  const store = new AlertLedgerStore(state.sqlite);
  assert.deepEqual(store.get('model_breach', '4711'), { kind: 'model_breach', darktraceId: '4711', contentHash: 'h', state: 'linking', title: 'Model Breach: X on host [pbid 4711]', threatqEventId: 12 });
  assert.deepEqual(store.unfinished().map((r) => r.darktraceId), ['4711']);
});

test('a read-only open of an older database says how to upgrade it', (t) => {
  const file = path.join(tempDir(t), 'old.db');
  const old = new Database(file);
  applyMigrations(old, []);
  old.close();
  assert.throws(() => openStateDb({ path: file, readonly: true }), (e: unknown) => ConnectorError.is(e) && e.code === 'E_STATE_OLD_SCHEMA');
});

test('processes opening a new database at once all succeed and migrate it once', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'race.db');
  const script = `import { openStateDb } from ${JSON.stringify(path.resolve('src/state/openStateDb.ts'))}; const s = openStateDb({ path: process.argv[1] }); console.log(s.migrated); s.close();`;
  const runs = Array.from({ length: 4 }, () =>
    new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file]);
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve(code === 0 ? out.trim() : `failed: ${err}`));
    }),
  );
  const outs = await Promise.all(runs);
  assert.ok(outs.every((o) => /^\d+$/.test(o)), outs.join('\n'));
  const state = openStateDb({ path: file });
  t.after(() => state.close());
  assert.equal((state.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n, migrations.length);
});

test('a file that is not a database gives a clear error naming it', (t) => {
  const file = path.join(tempDir(t), 'bad.db');
  writeFileSync(file, 'this is not sqlite'.repeat(100));
  assert.throws(() => openStateDb({ path: file }), (e: unknown) => ConnectorError.is(e) && e.code === 'E_STATE_DB' && e.message.includes(file) && e.exitCode === 6);
});

test('a missing config directory is named in the error', () => {
  assert.throws(() => openStateDb({ path: '/nonexistent/dir/c.db' }), (e: unknown) => ConnectorError.is(e) && /\/nonexistent\/dir/.test(e.message) && e.exitCode === 2);
});

test('the embedded migrations match migrations/ (run npm run db:generate after a schema change)', async () => {
  const { renderMigrations } = await import('../../build/gen-migrations.mjs' as string);
  assert.equal(readFileSync('src/state/migrations.gen.ts', 'utf8'), renderMigrations());
});
