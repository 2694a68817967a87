/**
 * A state database produced by real runs against both simulators, with changes between the
 * runs, for the `history` tests: new alerts, an acknowledged breach, a quarantined breach, a
 * collection membership change, an entry deleted by hand in Darktrace, hostile indicator
 * values, a run through an authenticating proxy, a failed run and a `-d` export. Every secret is
 * a recognisable canary so the tests can look for it everywhere.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from '../e2e/harness.ts';
import { runInProcess } from '../helpers/runInProcess.ts';
import type { Clock } from '../../src/clock.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const A = 'Export to Darktrace';
export const B = 'Watch List';
export const SOURCE = 'ThreatQ';

export const CANARY = {
  tqPassword: 'CANARY-tq-pass-7f3a9e51',
  dtPrivateToken: 'CANARY-dt-private-4b8c1d77',
  proxyPassword: 'CANARY-proxy-pass-55e2c0',
  wrongProxyPassword: 'CANARY-proxy-wrong-91aa3f',
};

/** Values the collections hold that must never reach Darktrace. */
export const HOSTILE = {
  comma: 'evil.example,good.example',
  newline: 'split.example\nother.example',
  script: '<script>alert(1)</script>.example',
};

export interface Scenario {
  h: Harness;
  /** Run ids in order: r1 `run`, r2 `run` through the proxy, r3 failed `ingest`, r4 `export`, r5 `export -d`. */
  runIds: { r1: number; r2: number; r3: number; r4: number; r5: number };
  /** Timestamps (ms) taken between runs: before r1, between r2 and r3, after r5. */
  marks: { beforeR1: number; afterR2: number; afterR5: number };
  acknowledgedPbid: number;
  newPbid: number;
  quarantinedPbid: number;
  reports: { r1: string; r2: string };
  /** The access and refresh tokens ThreatQ issued (cached in token_cache only). */
  tokens: string[];
  secrets: string[];
}

interface IndicatorSpec {
  type: 'FQDN' | 'IP Address';
  value: string;
}
const fqdn = (value: string): IndicatorSpec => ({ type: 'FQDN', value });
const ip = (value: string): IndicatorSpec => ({ type: 'IP Address', value });

function addToCollection(h: Harness, collection: string, indicators: IndicatorSpec[]): void {
  const store = h.sims.threatq.sim.store;
  if (!store.savedSearchByName(collection)) store.createCollection(collection);
  store.addToCollection(
    collection,
    indicators.map((i) => store.upsertIndicator({ type: i.type, value: i.value, status: 'Active' }).id),
  );
}

function removeFromCollection(h: Harness, collection: string, values: string[]): void {
  const store = h.sims.threatq.sim.store;
  store.removeFromCollection(collection, values.flatMap((v) => store.indicators.idsWithValue(v)));
}

/** Starts the CONNECT proxy of the transport tests (a real process) with user:password. */
async function startProxy(t: { after(fn: () => unknown): void }, dir: string, credentials: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'test/http/connectProxy.mjs'), path.join(dir, 'proxy.log'), credentials], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => void child.kill());
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /"port":(\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`proxy exited with ${code}`)));
  });
  return { port, child };
}

/** Runs the CLI in-process like the harness, but with the terminal width and clock a test chooses. */
export async function cli(h: Harness, args: string[], o: { columns?: number; clock?: Clock; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess(args.includes('-c') ? args : [...args, '-c', h.dir], { columns: o.columns, env: { ...h.env, ...o.env }, cwd: h.dir, clock: o.clock });
}

async function ok(h: Harness, args: string[]): Promise<string> {
  const r = await h.run(args);
  assert.equal(r.code, 0, `${args.join(' ')} exits 0; stderr: ${r.stderr}`);
  return r.stdout;
}

const tick = () => new Promise((r) => setTimeout(r, 15));

export async function buildScenario(t: { after(fn: () => unknown): void }): Promise<Scenario> {
  const h = await startHarness(t, {
    collections: [A, B],
    darktrace: { seedCounts: { breaches: 6, aiEvents: 2, devices: 4, days: 2 }, credentials: { privateToken: CANARY.dtPrivateToken } },
    threatq: { credentials: { password: CANARY.tqPassword } },
  });
  assert.equal(h.env['TQ_PASSWORD'], CANARY.tqPassword, 'the harness uses the canary password');
  assert.equal(h.env['DARKTRACE_PRIVATE_TOKEN'], CANARY.dtPrivateToken, 'the harness uses the canary private token');
  const dt = h.sims.darktrace.sim;
  addToCollection(h, A, [fqdn('Alpha.Example.COM.'), fqdn('beta.example.net'), ip('203.0.113.7'), fqdn(HOSTILE.comma), fqdn(HOSTILE.newline)]);
  addToCollection(h, B, [fqdn('beta.example.net'), fqdn('gamma.example.org'), fqdn(HOSTILE.script)]);
  const catalogue = dt.store.breachesByTime()[0]!.model.then;
  const broken = { ...catalogue, name: '' };
  const quarantinedPbid = dt.addBreach({ model: { then: broken, now: broken } }).pbid;
  // Recent enough to be re-read by the next run's window (the checkpoint minus its overlap).
  const device = dt.store.breachesByTime().find((b) => b.did > 0)?.did ?? -1;
  const acknowledgedPbid = dt.addBreach({ did: device, time: Date.now() - 120_000 }).pbid;
  const reportsDir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-hist-reports-'));
  t.after(() => rmSync(reportsDir, { recursive: true, force: true }));
  const reports = { r1: path.join(reportsDir, 'r1.json'), r2: path.join(reportsDir, 'r2.json') };

  const beforeR1 = Date.now();
  await tick();
  await ok(h, ['run', '--report', reports.r1]);

  // Between runs: Darktrace changes, ThreatQ collections change, an analyst deletes an entry.
  dt.acknowledgeBreach(acknowledgedPbid);
  const newPbid = dt.addBreach({ did: device }).pbid;
  removeFromCollection(h, A, ['Alpha.Example.COM.']);
  addToCollection(h, B, [fqdn('delta.example.com')]);
  dt.removeIntelFeedEntries(SOURCE, ['gamma.example.org']);

  const proxy = await startProxy(t, h.dir, `tqproxy:${CANARY.proxyPassword}`);
  await ok(h, ['run', '-ep', `http://tqproxy:${CANARY.proxyPassword}@127.0.0.1:${proxy.port}`, '--report', reports.r2]);
  assert.match(readFileSync(path.join(h.dir, 'proxy.log'), 'utf8'), / 200\n/, 'the second run went through the proxy');
  await tick();
  const afterR2 = Date.now();
  await tick();

  const failed = await h.run(['ingest', '-ep', `http://tqproxy:${CANARY.wrongProxyPassword}@127.0.0.1:${proxy.port}`]);
  assert.notEqual(failed.code, 0, 'the run with the wrong proxy password fails');
  await ok(h, ['export']);
  await ok(h, ['export', '-d']);
  await tick();
  const afterR5 = Date.now();

  const db = h.db();
  let ids: number[];
  let tokens: string[];
  try {
    ids = (db.sqlite.prepare('SELECT id FROM runs ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
    tokens = (db.sqlite.prepare('SELECT access_token, refresh_token FROM token_cache').all() as Array<{ access_token: string; refresh_token: string }>).flatMap((r) => [r.access_token, r.refresh_token]);
  } finally {
    db.close();
  }
  assert.equal(ids.length, 5, 'five runs recorded');
  assert.ok(tokens.length >= 2, 'ThreatQ tokens are cached');
  const [r1, r2, r3, r4, r5] = ids as [number, number, number, number, number];
  return {
    h,
    runIds: { r1, r2, r3, r4, r5 },
    marks: { beforeR1, afterR2, afterR5 },
    acknowledgedPbid,
    newPbid,
    quarantinedPbid,
    reports,
    tokens,
    secrets: [...Object.values(CANARY), ...tokens],
  };
}
