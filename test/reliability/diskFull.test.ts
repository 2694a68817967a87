/**
 * Disk full: the configuration and state directory on a small tmpfs that fills up before a run
 * (fresh and existing database), while ingest writes its ledger, and while export records its
 * batches. Each time: exit 6 with one clear line naming the file, the free space and what to
 * do; the database passes integrity_check; after space is freed the next run exits 0 and
 * converges (one ThreatQ event per alert, Darktrace's feed equal to the desired set).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statfsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from '../e2e/harness.ts';
import { alertsIn, assertExactlyOnce, killSceneOptions, KILL_ARGS } from '../e2e/ingestKillSupport.ts';
import { addToCollection, assertConverged, fqdn } from '../e2e/exportSupport.ts';
import { openStateDb, stateDbPath } from '../../src/state/openStateDb.ts';
import { assertClearIoError, assertDbIntact, faultDir, harnessIn, startConnector, type FaultDir } from './envFaultSupport.ts';
import { tally } from './tally.ts';

const NOW = Date.now();
const ALERTS = 48; // killSceneOptions: 40 breaches + 8 AI Analyst events
const DB = 'tq-conn-darktrace.db';
let runs = 0;
let faults = 0;

/** Why a write failed, as the connector must say it for this kind of fault directory. */
const full = (f: FaultDir) => (f.mode === 'tmpfs' ? /the disk is full \(\d+ (bytes|KB) free on the filesystem of/ : /file size limit/);

async function run(h: Harness, f: FaultDir, args: string[], onStart?: (pid: number) => void, limits: FaultDir = f) {
  const started = startConnector([...args, '-c', f.dir], h.env, f.dir, limits);
  onStart?.(started.child.pid!);
  runs++;
  return started.done;
}

test('disk full before the first run: exit 6 naming the database; after freeing space the run converges', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  f.fill();
  faults++;
  const r = await run(h, f, KILL_ARGS);
  assertClearIoError(r, path.join(f.dir, DB), full(f));
  assert.equal(h.sims.threatq.sim.store.listEvents().length, 0, 'nothing was written to ThreatQ');
  f.free();
  const again = await run(h, f, KILL_ARGS);
  assert.equal(again.code, 0, again.stderr);
  assertDbIntact(f.dir);
  assert.equal(alertsIn(h.sims).size, ALERTS);
  assertExactlyOnce(harnessIn(h, f.dir), alertsIn(h.sims));
});

test('disk full before a later run (existing database): exit 6, the database intact, the next run continues', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  const first = await run(h, f, KILL_ARGS);
  assert.equal(first.code, 0, first.stderr);
  const expected = alertsIn(h.sims);
  f.fill();
  faults++;
  const r = await run(h, f, KILL_ARGS);
  assertClearIoError(r, path.join(f.dir, DB), full(f));
  if (f.mode === 'tmpfs') assert.equal(statfsSync(f.dir).bavail, 0, 'the disk was still full when the run ended');
  f.free();
  assertDbIntact(f.dir, 'after the failed run: ');
  const again = await run(h, f, KILL_ARGS);
  assert.equal(again.code, 0, again.stderr);
  assertExactlyOnce(harnessIn(h, f.dir), expected);
});

test('disk full during ingest, after some alerts reached ThreatQ: exit 6, then exactly once on the next run', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  const store = h.sims.threatq.sim.store;
  const create = store.createEvent.bind(store);
  let pid = 0;
  let created = 0;
  // The 10th event lands in ThreatQ, then the disk is full: the ledger cannot confirm it.
  store.createEvent = ((...a: Parameters<typeof create>) => {
    if (++created === 10) {
      f.fill(pid);
      faults++;
    }
    return create(...a);
  }) as typeof create;
  const r = await run(h, f, [...KILL_ARGS, '-v', '3'], (p) => (pid = p));
  assert.ok(created >= 10, 'the fault fired');
  assertClearIoError(r, path.join(f.dir, DB), full(f));
  assert.ok(store.listEvents().length >= 10, 'ThreatQ holds events the ledger could not confirm');
  f.free();
  assertDbIntact(f.dir, 'after the failed run: ');
  store.createEvent = create;
  const again = await run(h, f, KILL_ARGS);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(alertsIn(h.sims).size, ALERTS);
  assertExactlyOnce(harnessIn(h, f.dir), alertsIn(h.sims));
  const hist = await run(h, f, ['history', '--format', 'json']);
  const statuses = (JSON.parse(hist.stdout) as { runs: Array<{ status: string; exitCode: number | null }> }).runs.map((x) => x.status);
  assert.equal(statuses[0], 'success', 'history shows the recovering run');
  assert.ok(statuses.length === 2 && statuses[1] !== 'success', `the failed run is not shown as a success: ${statuses.join(',')}`);
});

test('disk full during export, after the first addlist batch: exit 6, then the feed converges to the desired set', async (t) => {
  const h = await startHarness(t, { ...killSceneOptions(NOW), collections: ['Export to Darktrace'], env: { TQDT_EXPORT_BATCH_SIZE: '3', TQDT_INGEST_BATCH_SIZE: '6' } });
  const desired = Array.from({ length: 12 }, (_, i) => `host${i}.disk.example`);
  addToCollection(h.sims, 'Export to Darktrace', desired.map(fqdn));
  const f = faultDir(t);
  const feed = h.sims.darktrace.sim.store.intelFeed;
  const add = feed.add.bind(feed);
  let pid = 0;
  let batches = 0;
  feed.add = (...a: Parameters<typeof add>) => {
    if (++batches === 2) {
      f.fill(pid);
      faults++;
    }
    return add(...a);
  };
  const r = await run(h, f, ['run', '-hist', '1', '-v', '2'], (p) => (pid = p));
  assert.ok(batches >= 2, 'the fault fired');
  assertClearIoError(r, path.join(f.dir, DB), full(f));
  f.free();
  assertDbIntact(f.dir, 'after the failed run: ');
  feed.add = add;
  const again = await run(h, f, ['run', '-hist', '1']);
  assert.equal(again.code, 0, again.stderr);
  const view = harnessIn(h, f.dir);
  assertConverged(view, desired, 'after the recovering run:');
  assertExactlyOnce(view, alertsIn(h.sims));
  assert.equal(alertsIn(h.sims).size, ALERTS);
});

test('the log on a full device and --report on a full disk: the work is done and recorded, one warning about the log, exit 6 naming the report', async (t) => {
  const h = await startHarness(t, killSceneOptions(NOW));
  const f = faultDir(t);
  const reports = faultDir(t, 256);
  // /dev/full answers every write with ENOSPC: the log fails from its first line on.
  const logs = path.join(f.dir, 'logs');
  mkdirSync(logs);
  symlinkSync('/dev/full', path.join(logs, 'tq-conn-darktrace.log'));
  // Without a tmpfs a file size limit would stop the database too: the report directory is read-only instead.
  if (reports.mode === 'tmpfs') reports.fill();
  else reports.readOnly();
  faults += 2;
  const report = path.join(reports.dir, 'report.json');
  const r = await run(h, f, [...KILL_ARGS, '-ll', logs, '-v', '3', '--report', report], undefined, reports);
  assertClearIoError(r, report, reports.mode === 'tmpfs' ? full(reports) : /permission denied/);
  // History tells the same story as the exit code: the work was done, the report was not written.
  const db = openStateDb({ path: stateDbPath(f.dir, 'tq-conn-darktrace'), readonly: true });
  try {
    const last = db.sqlite.prepare('SELECT status, exit_code AS exitCode, error_code AS errorCode FROM runs ORDER BY id DESC LIMIT 1').get();
    assert.deepEqual({ ...(last as object) }, { status: 'partial', exitCode: 6, errorCode: 'E_REPORT_WRITE' });
  } finally {
    db.close();
  }
  assert.equal(r.stderr.match(/Warning: cannot write the log file '.*tq-conn-darktrace\.log' \(the disk is full\); logging to the console/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /DEBUG|debug/, 'the log lines went on, to the console');
  assertExactlyOnce(harnessIn(h, f.dir), alertsIn(h.sims));
  assert.equal(alertsIn(h.sims).size, ALERTS, 'the run did its work');
  reports.free();
  reports.writable();
  const again = await run(h, f, [...KILL_ARGS, '--report', report]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(readFileSync(report, 'utf8')) as { status: string }).status, 'success');
});

test("SQLite's write-ahead log on a full disk: a transaction that fails half-way leaves every committed row and nothing of itself", (t) => {
  const f = faultDir(t, 1024);
  const file = stateDbPath(f.dir, 'tq-conn-darktrace');
  const script = path.join(import.meta.dirname, 'fillInTransaction.ts');
  // Without a tmpfs, a 512 KB file size limit stops the transaction instead of the disk.
  const limit = f.mode === 'tmpfs' ? '' : 'ulimit -f 512; ';
  const { NODE_OPTIONS: _drop, ...env } = process.env;
  const out = execFileSync('bash', ['-c', `${limit}exec "$@"`, 'bash', process.execPath, '--import', 'tsx', script, file], { cwd: import.meta.dirname, env, encoding: 'utf8' });
  faults++;
  const r = JSON.parse(out) as { code: string; integrity: string; keys: string[]; after: string };
  assert.match(r.code, /^SQLITE_(FULL|IOERR)/, 'the transaction was stopped by the disk');
  assert.equal(r.integrity, 'ok');
  assert.deepEqual(r.keys, ['committed'], 'the committed row is there, nothing of the failed transaction');
  assert.equal(r.after, 'ok', 'the database takes the next small write');
  assertDbIntact(f.dir, 'reopened: ');
  const reopened = openStateDb({ path: file });
  try {
    assert.equal((reopened.sqlite.prepare("SELECT value FROM scratch WHERE key = 'after'").get() as { value: string }).value, 'still usable');
  } finally {
    reopened.close();
  }
});

test.after(() => tally('environment faults', { runs, faultsInjected: faults }));
