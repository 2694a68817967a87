/**
 * `history` while another process holds the run lock: a real export child process (the CLI
 * through tsx) is slowed down by a dribbling Darktrace answer; history, in this process, answers
 * at once and shows the run as running; the export then finishes normally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startHarness } from '../e2e/harness.ts';
import { stateDbPath } from '../../src/state/openStateDb.ts';
import { cli, ROOT } from './scenario.ts';

const A = 'Export to Darktrace';

function lockHolder(file: string): { pid: number; run_id: number | null } | undefined {
  const db = new Database(file, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare('SELECT pid, run_id FROM run_lock WHERE id = 1').get() as { pid: number; run_id: number | null } | undefined;
  } finally {
    db.close();
  }
}

test('history answers while an export in another process holds the lock, and the export completes', async (t) => {
  const h = await startHarness(t, { collections: [A] });
  const store = h.sims.threatq.sim.store;
  store.createCollection(A);
  store.addToCollection(A, ['one.example.com', 'two.example.com'].map((value) => store.upsertIndicator({ type: 'FQDN', value, status: 'Active' }).id));
  const first = await h.run(['export']);
  assert.equal(first.code, 0, first.stderr);
  store.addToCollection(A, ['three.example.com'].map((value) => store.upsertIndicator({ type: 'FQDN', value, status: 'Active' }).id));

  // The intel-feed listing dribbles out 16 bytes every 150 ms: the export holds the lock for seconds.
  h.sims.darktrace.faults.add({ match: { method: 'GET', path: '/intelfeed', times: Infinity }, fault: { kind: 'slowBody', chunkBytes: 16, delayMs: 150 } });
  const { NODE_OPTIONS: _drop, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'export', '-c', h.dir], { cwd: ROOT, env: { ...base, ...h.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.after(() => void child.kill('SIGKILL'));

  const file = stateDbPath(h.dir, 'tq-conn-darktrace');
  const deadline = Date.now() + 30_000;
  let holder = lockHolder(file);
  while (!(holder && holder.pid === child.pid && holder.run_id) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    holder = lockHolder(file);
  }
  assert.equal(holder?.pid, child.pid, `the export child holds the lock; stderr: ${stderr}`);
  const runId = holder!.run_id!;

  for (const args of [[], ['run', String(runId)], ['--status', 'running', '--format', 'json'], ['last-success'], ['indicator', 'one.example.com'], ['skipped']]) {
    const started = Date.now();
    const r = await cli(h, ['history', ...args]);
    assert.equal(r.code, 0, `history ${args.join(' ')} answers while the lock is held: ${r.stderr}`);
    assert.ok(Date.now() - started < 5000, `history ${args.join(' ')} did not wait for the lock (${Date.now() - started} ms)`);
    if (args.length === 0) assert.match(r.stdout, new RegExp(`^${runId} +\\S+ \\S+ +export +running`, 'm'));
    if (args[0] === 'run') assert.match(r.stdout, /^  ended +\(still running, or killed\)$/m);
    if (args[0] === '--status') assert.deepEqual((JSON.parse(r.stdout) as { runs: Array<{ id: number }> }).runs.map((x) => x.id), [runId]);
  }
  assert.equal(lockHolder(file)?.pid, child.pid, 'the export still held the lock when history was done');

  const code = await exited;
  if (code !== 0) console.log(h.sims.threatq.requests.map((x) => `${x.method} ${x.path} ${x.status}`).join('\n'));
  assert.equal(code, 0, `the export completes: ${stderr}`);
  assert.ok(h.sims.darktrace.faults.fired().length > 0, 'the export went through the slow answer');
  assert.match(stdout, /added 1, restored 0, refreshed 0, removed 0, unchanged 2/);
  const after = await cli(h, ['history', 'run', String(runId), '--format', 'json']);
  const doc = JSON.parse(after.stdout) as { status: string; activity: { exports: Array<{ value: string; action: string }> } };
  assert.equal(doc.status, 'success');
  assert.deepEqual(doc.activity.exports.map((e) => [e.value, e.action]), [['three.example.com', 'added']]);
});
