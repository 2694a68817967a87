/**
 * `history` on a database written by an older version (only the first migration): upgraded in
 * place when the file is writable; answered from an upgraded in-memory copy, without touching
 * the file, when it is not (a read-only copy, an auditor's account). As root the read-only
 * cases run `history` as the unprivileged user 65534, for whom the permissions really apply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations, appliedMigrationCount } from '../../src/state/migrate.ts';
import { migrations } from '../../src/state/migrations.gen.ts';
import { runInProcess } from '../helpers/runInProcess.ts';
import { ROOT } from './scenario.ts';

const DB = 'tq-conn-darktrace.db';
const isRoot = process.getuid?.() === 0;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-hist-old-'));
  chmodSync(dir, 0o755);
  t.after(() => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A database as the first release left it: WAL mode, first migration only, two runs. */
function oldDatabase(dir: string, upTo = 1): string {
  const file = path.join(dir, DB);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  applyMigrations(db, migrations.slice(0, upTo));
  const insert = db.prepare(
    `INSERT INTO runs (started_at, ended_at, command, status, exit_code, options_json, version, differential, counts_json, error_code, error_message, pid, hostname)
     VALUES (?, ?, ?, ?, ?, '{"command":"run"}', '1.0.0', 1, ?, ?, ?, 1, 'host')`,
  );
  const t0 = Date.parse('2026-11-01T06:00:00Z');
  insert.run(t0, t0 + 4000, 'ingest', 'success', 0, '{"ingest":{"created":45,"updated":2}}', null, null);
  insert.run(t0 + 3_600_000, t0 + 3_601_000, 'export', 'failed', 5, '{}', 'E_DT_UNAVAILABLE', 'Darktrace did not answer');
  db.close();
  return file;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function historyInProcess(dir: string, args: string[]) {
  return runInProcess(['history', ...args, '-c', dir], { cwd: dir });
}

/** Runs history as a user who cannot write the file or its directory. */
async function historyReadOnly(dir: string, args: string[]) {
  if (!isRoot) {
    chmodSync(dir, 0o555);
    try {
      return await historyInProcess(dir, args);
    } finally {
      chmodSync(dir, 0o755);
    }
  }
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'history', ...args, '-c', dir], { cwd: ROOT, env, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function migrationCount(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return appliedMigrationCount(db);
  } finally {
    db.close();
  }
}

test('a writable database from an older version is upgraded by history and answers every query', async (t) => {
  const file = oldDatabase(tempDir(t));
  const dir = path.dirname(file);
  assert.equal(migrationCount(file), 1);
  const runs = await historyInProcess(dir, []);
  assert.equal(runs.code, 0, runs.stderr);
  assert.match(runs.stdout, /^2 +2026-11-01 07:00 +export +failed +1\.0s +E_DT_UNAVAILABLE$/m);
  assert.match(runs.stdout, /^1 +2026-11-01 06:00 +ingest +success +4\.0s +in \+45 ~2$/m);
  assert.equal(migrationCount(file), migrations.length, 'upgraded in place');
  const skipped = await historyInProcess(dir, ['skipped']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(skipped.stdout, 'Nothing quarantined or skipped.\n', 'tables of later migrations exist');
  const run = await historyInProcess(dir, ['run', '2', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).error, { code: 'E_DT_UNAVAILABLE', message: 'Darktrace did not answer' });
});

test('a read-only older database: history answers from an upgraded copy in memory and leaves the file as it was', async (t) => {
  const dir = tempDir(t);
  const source = oldDatabase(tempDir(t));
  const file = path.join(dir, DB);
  copyFileSync(source, file);
  chmodSync(file, 0o444);
  const before = sha(file);
  const runs = await historyReadOnly(dir, ['--format', 'json']);
  assert.equal(runs.code, 0, runs.stderr);
  const doc = JSON.parse(runs.stdout) as { runs: Array<{ id: number; status: string; command: string }> };
  assert.deepEqual(doc.runs.map((r) => [r.id, r.command, r.status]), [[2, 'export', 'failed'], [1, 'ingest', 'success']]);
  const skipped = await historyReadOnly(dir, ['skipped', '--format', 'csv']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(skipped.stdout, 'what,kind,id_or_value,reason,last_seen_at,last_run_id\r\n');
  assert.equal(sha(file), before, 'the file is unchanged');
  assert.ok(!existsSync(`${file}-wal`) && !existsSync(`${file}-shm`), 'no -wal or -shm left beside it');
  const prune = await historyReadOnly(dir, ['prune', '--older-than', '1d']);
  assert.equal(prune.code, 6, `prune needs to write: exit 6; ${prune.stderr}`);
  assert.match(prune.stderr, new RegExp(`state database '${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
  assert.equal(sha(file), before);
  assert.equal(migrationCount(file), 1, 'still the old schema on disk');
});

test('a read-only current database in a directory the user cannot write is still readable', async (t) => {
  const dir = tempDir(t);
  const file = oldDatabase(dir, migrations.length);
  chmodSync(file, 0o444);
  const r = await historyReadOnly(dir, ['run', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Run 1: ingest, success \(exit 0\)$/m);
  assert.match(r.stdout, /^  ingest +created 45, updated 2$/m);
});
