import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStateDb } from '../../src/state/openStateDb.ts';
import { acquireRunLock, processStartTime } from '../../src/state/runLock.ts';
import { ConnectorError } from '../../src/errors.ts';

const holder = path.join(import.meta.dirname, 'lockHolder.ts');

function runHolder(db: string, holdMs: number, mode = ''): Promise<{ code: number | null; signal: string | null; out: { acquired: boolean; code?: string; message?: string; pid: number } | undefined }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', holder, db, String(holdMs), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out: text.trim() ? JSON.parse(text.trim().split('\n')[0]!) : undefined }));
  });
}

test('of several concurrent processes exactly one takes the lock; the rest exit 75 naming the holder', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = path.join(dir, 'c.db');
  openStateDb({ path: db }).close();
  const results = await Promise.all(Array.from({ length: 6 }, () => runHolder(db, 2500)));
  const winners = results.filter((r) => r.out?.acquired);
  assert.equal(winners.length, 1, JSON.stringify(results));
  for (const r of results.filter((x) => !x.out?.acquired)) {
    assert.equal(r.code, 75);
    assert.equal(r.out?.code, 'E_LOCKED');
    assert.match(r.out?.message ?? '', new RegExp(`pid ${winners[0]!.out!.pid} `));
  }
  // Released at the end: the next one gets it.
  const after = await runHolder(db, 0);
  assert.equal(after.out?.acquired, true);
});

test('a lock left by a killed process is taken over', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = path.join(dir, 'c.db');
  const crashed = await runHolder(db, 60_000, 'crash');
  assert.equal(crashed.signal, 'SIGKILL');
  assert.equal(crashed.out?.acquired, true);
  const state = openStateDb({ path: db });
  t.after(() => state.close());
  assert.equal((state.sqlite.prepare('SELECT pid FROM run_lock').get() as { pid: number }).pid, crashed.out!.pid);
  const lock = acquireRunLock(state, 'export', Date.now());
  assert.equal((state.sqlite.prepare('SELECT pid FROM run_lock').get() as { pid: number }).pid, process.pid);
  lock.release();
  assert.equal(state.sqlite.prepare('SELECT count(*) AS n FROM run_lock').get() && (state.sqlite.prepare('SELECT count(*) AS n FROM run_lock').get() as { n: number }).n, 0);
});

test('a live pid with another start time (pid reused) does not hold the lock', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const state = openStateDb({ path: path.join(dir, 'c.db') });
  t.after(() => state.close());
  // pid 1 is alive, but recorded with a start time it does not have.
  state.sqlite
    .prepare("INSERT INTO run_lock (id, pid, hostname, proc_start, acquired_at, command) VALUES (1, 1, ?, 'not-its-start', 0, 'ingest')")
    .run(os.hostname());
  acquireRunLock(state, 'ingest', Date.now()).release();
  // With its true start time it is a live holder.
  state.sqlite
    .prepare("INSERT INTO run_lock (id, pid, hostname, proc_start, acquired_at, command) VALUES (1, 1, ?, ?, 0, 'export')")
    .run(os.hostname(), processStartTime(1));
  assert.throws(() => acquireRunLock(state, 'ingest', Date.now()), (e: unknown) => ConnectorError.is(e) && e.exitCode === 75 && /pid 1 .*'export'/.test(e.message));
});
