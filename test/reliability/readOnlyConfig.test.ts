/**
 * A read-only configuration directory: from the start (fresh and existing database), during a
 * run, and for `configure --set`, `--cron` and `-ll`. Each time a clear error naming the place
 * and the fix, the documented exit code, the database intact, history still answering, and
 * the next run (once writable again) exits 0 without duplicating anything.
 *
 * Linux refuses to remount a filesystem read-only while a file on it is open for writing
 * (EBUSY), so the state database a run holds open cannot turn read-only under it; the test
 * checks that refusal, then makes the directory refuse new files instead (chattr +i as root,
 * chmod 0500 otherwise): what a run creates later, like its --report file, then fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHarness, type Harness } from '../e2e/harness.ts';
import { alertsIn, assertExactlyOnce, killSceneOptions, KILL_ARGS } from '../e2e/ingestKillSupport.ts';
import { runInProcess } from '../helpers/runInProcess.ts';
import { assertClearIoError, assertDbIntact, faultDir, harnessIn, startConnector, type FaultDir } from './envFaultSupport.ts';
import { tally } from './tally.ts';

const NOW = Date.now();
const DB = 'tq-conn-darktrace.db';
let runs = 0;
let faults = 0;

const readOnlyWhy = (f: FaultDir) => (f.mode === 'tmpfs' ? /read-only/ : /permission denied/);

async function run(h: Harness, f: FaultDir, args: string[], onStart?: (pid: number) => void) {
  const started = startConnector([...args, '-c', f.dir], h.env, f.dir);
  onStart?.(started.child.pid!);
  runs++;
  return started.done;
}

/** The CLI in-process (for commands that need no simulators). */
async function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runInProcess(args, { columns: 100, env, cwd });
  runs++;
  return { ...r, signal: null };
}

test('read-only from the start, fresh directory: exit 6 naming the database and the fix; writable again, the run converges', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  f.readOnly();
  faults++;
  const r = await run(h, f, KILL_ARGS);
  assertClearIoError(r, path.join(f.dir, DB), readOnlyWhy(f));
  assert.equal(h.sims.threatq.sim.store.listEvents().length, 0, 'nothing was written to ThreatQ');
  f.writable();
  const again = await run(h, f, KILL_ARGS);
  assert.equal(again.code, 0, again.stderr);
  assertExactlyOnce(harnessIn(h, f.dir), alertsIn(h.sims));
});

test('read-only from the start, existing database: exit 6, history still answers, and the next writable run changes nothing twice', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  const first = await run(h, f, KILL_ARGS);
  assert.equal(first.code, 0, first.stderr);
  const expected = alertsIn(h.sims);
  const before = readdirSync(f.dir).sort();
  f.readOnly();
  faults++;
  const r = await run(h, f, ['run', '-hist', '1']);
  assertClearIoError(r, path.join(f.dir, DB), readOnlyWhy(f));
  const hist = await run(h, f, ['history', '--format', 'json']);
  assert.equal(hist.code, 0, `history answers from a read-only directory: ${hist.stderr}`);
  assert.deepEqual((JSON.parse(hist.stdout) as { runs: Array<{ status: string }> }).runs.map((x) => x.status), ['success']);
  f.writable();
  assert.deepEqual(readdirSync(f.dir).sort(), before, 'nothing was added to the directory');
  assertDbIntact(f.dir);
  const again = await run(h, f, KILL_ARGS);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /created 0/, 'the next run writes nothing twice');
  assertExactlyOnce(harnessIn(h, f.dir), expected);
});

test('read-only during a run: the remount is refused while the database is open; new files fail with a clear exit 6; the database stays intact', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  const root = f.mode === 'tmpfs';
  let locked = false;
  const unlock = () => {
    if (!locked) return;
    if (root) execFileSync('chattr', ['-i', f.dir]);
    else chmodSync(f.dir, 0o700);
    locked = false;
  };
  t.after(unlock);
  const store = h.sims.threatq.sim.store;
  const create = store.createEvent.bind(store);
  let created = 0;
  let remountRefused = false;
  store.createEvent = ((...a: Parameters<typeof create>) => {
    if (++created === 10) {
      if (root) {
        try {
          f.readOnly();
        } catch (e) {
          remountRefused = /busy/i.test(String((e as { stderr?: Buffer }).stderr ?? e));
        }
        execFileSync('chattr', ['+i', f.dir]);
      } else {
        chmodSync(f.dir, 0o500);
      }
      locked = true;
      faults++;
    }
    return create(...a);
  }) as typeof create;
  const report = path.join(f.dir, 'report.json');
  const r = await run(h, f, [...KILL_ARGS, '--report', report]);
  assert.ok(created >= 10, 'the fault fired');
  if (root) assert.ok(remountRefused, 'Linux refuses to remount read-only while the run holds the database open for writing');
  assertClearIoError(r, report, /permission denied|read-only/);
  unlock();
  assertDbIntact(f.dir);
  const expected = alertsIn(h.sims);
  assertExactlyOnce(harnessIn(h, f.dir), expected);
  store.createEvent = create;
  const again = await run(h, f, [...KILL_ARGS, '--report', report]);
  assert.equal(again.code, 0, again.stderr);
  assertExactlyOnce(harnessIn(h, f.dir), expected);
});

test('configure --set, --cron and -ll into read-only places: clear errors naming the file or directory', async (t) => {
  const f = faultDir(t, 256);
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'tqdt-ro-cwd-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  const set = await cli(['configure', '-c', f.dir, '--set', 'threatq.host=tq.example'], cwd);
  assert.equal(set.code, 0, set.stderr);
  f.readOnly();
  faults++;
  const why = readOnlyWhy(f);

  const change = await cli(['configure', '-c', f.dir, '--set', 'threatq.host=other.example'], cwd);
  assert.equal(change.code, 6, change.stderr);
  assert.match(change.stderr, new RegExp(`^Error: Cannot write the configuration file '${f.dir}/tq-conn-darktrace\\.json'`, 'm'));
  assert.match(change.stderr, f.mode === 'tmpfs' ? /EROFS/ : /EACCES/);
  assert.match(change.stderr, /^ {2}.*writable.*unchanged/m, 'says what to do and that the old file is kept');
  const show = await cli(['configure', '-c', f.dir, '--show'], cwd);
  assert.match(show.stdout, /threatq\.host\s+https:\/\/tq\.example\s/, 'the previous file is unchanged and still read');

  const cron = await cli(['--cron', '0 */2 * * *', '--cron-dir', f.dir, '-c', cwd], cwd);
  assert.equal(cron.code, 6, cron.stderr);
  assert.match(cron.stderr, new RegExp(`^Error: Cannot write the cron entry '${f.dir}/tq-conn-darktrace'`, 'm'));
  assert.match(cron.stderr, /^ {2}.*--cron-dir/m);
  assert.match(cron.stderr, why.source === 'read-only' ? /EROFS|read-only/ : /EACCES|permission denied/);

  const settings = { TQ_HOST: 'tq.example', TQ_CLIENT_ID: 'c', TQ_USERNAME: 'u@tq.example', TQ_PASSWORD: 'pw-pw', DARKTRACE_HOST: 'dt.example', DARKTRACE_PUBLIC_TOKEN: 'p', DARKTRACE_PRIVATE_TOKEN: 'q' };
  const log = await cli(['ingest', '-c', cwd, '-ll', f.dir], cwd, settings);
  assert.equal(log.code, 2, log.stderr);
  assert.match(log.stderr, new RegExp(`^Error: Cannot log to -ll/--loglocation '${f.dir}': the directory is not writable`, 'm'));
  for (const r of [change, cron, log]) assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+|Internal error/);
  f.writable();
});

test.after(() => tally('environment faults', { runs, faultsInjected: faults }));
