/**
 * The connector under `deno run` with exactly the permissions docs/deno.md gives: the demo end
 * to end, a run logging to a file, the history queries (the same answers as under Node), net
 * access limited to the configured hosts, and a lock left by a killed run taken over.
 * Run by test/deno/run.sh.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { demoPermissions, historyPermissions, runConnector, runPermissions, startScript, MAIN } from './denoCommand.ts';
import { startSite } from './site.ts';

test('demo runs end to end under Deno with loopback net and the temp dir only', async () => {
  const tmp = os.tmpdir();
  const r = await runConnector('deno', ['demo'], { permissions: demoPermissions(tmp), cwd: tmp, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /first run: everything is new\n\s+Ingest: fetched (\d+), created \1,/);
  assert.match(r.stdout, /nothing is written twice\n\s+Ingest: fetched (\d+), created 0, updated 0, unchanged \1,/);
  assert.match(r.stdout, /What landed in ThreatQ:\n\s+events: \d+ Model Breach/);
  assert.match(r.stdout, /Darktrace intel feed, source 'ThreatQ': [1-9]\d* entries/);
  assert.match(r.stdout, /\$ tq-conn-darktrace history\n\s+ID\s+STARTED/);
  assert.equal(r.stderr, '');
});

test('run logs to its -ll directory under Deno, and every history query answers as it does under Node', async (t) => {
  const site = await startSite(t, 'history');
  const logDir = path.join(site.dir, 'logs');
  mkdirSync(logDir);
  const run = await runConnector('deno', ['-c', site.dir, '-ll', logDir, '-v', '2', 'run'], {
    env: site.env,
    permissions: runPermissions({ configDir: site.dir, logDir, caFiles: site.caFiles, hosts: [site.hosts.threatq, site.hosts.darktrace] }),
    cwd: site.dir,
  });
  assert.equal(run.code, 0, run.stderr);
  const log = readFileSync(path.join(logDir, 'tq-conn-darktrace.log'), 'utf8');
  assert.match(log, /ingest/);
  assert.ok(!log.includes(site.env['TQ_PASSWORD']!) && !log.includes(site.env['DARKTRACE_PRIVATE_TOKEN']!), 'no secret in the log');

  const runJson = await runConnector('deno', ['-c', site.dir, 'history', 'run', '1', '--format', 'json'], { permissions: historyPermissions(site.dir), cwd: site.dir });
  assert.equal(runJson.code, 0, runJson.stderr);
  const activity = (JSON.parse(runJson.stdout) as { activity: { alerts: Array<{ darktraceId: string }>; exports: Array<{ value: string }> } }).activity;
  const alertId = activity.alerts[0]?.darktraceId;
  const indicator = activity.exports[0]?.value;
  assert.ok(alertId && indicator, 'the run created alerts and exported indicators');

  const queries = [[], ['run', '1'], ['alert', alertId], ['indicator', indicator], ['skipped'], ['--since', '7d']];
  for (const q of queries) {
    for (const format of q.length === 0 ? ['table', 'json', 'csv'] : ['table', 'json']) {
      const args = ['-c', site.dir, 'history', ...q, '--format', format];
      const [deno, node] = await Promise.all([
        runConnector('deno', args, { permissions: historyPermissions(site.dir), cwd: site.dir }),
        runConnector('node', args, { cwd: site.dir }),
      ]);
      assert.equal(deno.code, 0, `history ${q.join(' ')} --format ${format}: ${deno.stderr}`);
      assert.ok(deno.stdout.length > 0);
      assert.deepEqual({ stdout: deno.stdout, stderr: deno.stderr, code: deno.code }, { stdout: node.stdout, stderr: node.stderr, code: node.code }, `history ${q.join(' ')} --format ${format}`);
    }
  }
  const last = await runConnector('deno', ['-c', site.dir, 'history', 'last-success', '--format', 'json'], { permissions: historyPermissions(site.dir), cwd: site.dir });
  assert.equal(last.code, 0, last.stderr);
  assert.equal((JSON.parse(last.stdout) as { ingest: { runId: number } }).ingest.runId, 1);
});

test('net access is limited to the configured hosts: without Darktrace in --allow-net the run cannot reach it', async (t) => {
  const site = await startSite(t, 'net');
  const r = await runConnector('deno', ['-c', site.dir, 'run'], {
    env: site.env,
    permissions: runPermissions({ configDir: site.dir, caFiles: site.caFiles, hosts: [site.hosts.threatq] }),
    cwd: site.dir,
  });
  assert.notEqual(r.code, 0);
  assert.ok(r.stderr.includes(`Requires net access to "${site.hosts.darktrace}"`), r.stderr);
  assert.equal(site.sims.darktrace.sim.intelFeedEntries('ThreatQ').length, 0);
});

test('a lock left by a killed Deno run is taken over by the next Deno run', async (t) => {
  const site = await startSite(t, 'lock');
  const permissions = runPermissions({ configDir: site.dir, caFiles: site.caFiles, hosts: [site.hosts.threatq, site.hosts.darktrace] });
  site.sims.darktrace.faults.add({ fault: { kind: 'hang' } });
  const first = startScript('deno', MAIN, ['-c', site.dir, 'run'], { env: site.env, permissions, cwd: site.dir });
  const deadline = Date.now() + 30_000;
  while (site.sims.darktrace.faults.fired().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(site.sims.darktrace.faults.fired().length, 1, 'the first run reached Darktrace');
  first.child.kill('SIGKILL');
  await first.done;
  site.sims.darktrace.faults.clear();

  const second = await runConnector('deno', ['-c', site.dir, 'run'], { env: site.env, permissions, cwd: site.dir });
  assert.equal(second.code, 0, second.stderr);
  const h = await runConnector('deno', ['-c', site.dir, 'history', '--format', 'json'], { permissions: historyPermissions(site.dir), cwd: site.dir });
  const runs = (JSON.parse(h.stdout) as { runs: Array<{ id: number; status: string }> }).runs;
  assert.deepEqual(runs.map((r) => [r.id, r.status]), [
    [2, 'success'],
    [1, 'interrupted'],
  ]);
  assert.ok(existsSync(path.join(site.dir, 'tq-conn-darktrace.db')));
});
