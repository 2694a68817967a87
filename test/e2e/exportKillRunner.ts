/**
 * The kill test's machinery: the connector runs as a real child process
 * (`node --import tsx src/cli/main.ts export -c DIR` with the harness environment) and is
 * SIGKILLed at a chosen request — either once the simulator has applied the request and held
 * its answer back (`heldResponse`: the server committed, the client never hears of it), or
 * while the request hangs unanswered (`hang`: killed before the server did anything).
 */
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import { tally } from '../reliability/tally.ts';
import {
  SOURCE,
  addToCollection,
  assertConverged,
  assertOtherSourceIntact,
  fqdn,
  ledger,
  ip,
  removeFromCollection,
  runs,
  seedOtherSource,
  spyOnFeed,
} from './exportSupport.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BATCH = '2';
const A = 'Export to Darktrace';
const B = 'Watch List';
const OTHER_SOURCE = 'Analyst';
const OTHER = ['a1.example', 'a2.example', 'x.example'];

export type Side = 'darktrace' | 'threatq';

export interface KillPoint {
  side: Side;
  /** 1-based: the k-th request of the killed run on that side. */
  nth: number;
  mode: 'held' | 'hang';
}

export interface KillOutcome {
  /** false: the run ended before reaching the point. */
  killed: boolean;
  request?: string;
  exitCode: number | null;
  stderr: string;
}

/**
 * Runs `export` as a child process and SIGKILLs it at `point`. Hard-limited to 60 s (a loaded
 * host starts a child slowly), so a run that neither reaches the point nor ends cannot hang.
 */
export async function exportKilledAt(h: Harness, point: KillPoint, extraEnv: Record<string, string> = {}, extraArgs: string[] = []): Promise<KillOutcome> {
  const server = h.sims[point.side];
  const base = server.requests.length;
  server.faults.add({ match: { nth: point.nth }, fault: { kind: point.mode === 'held' ? 'heldResponse' : 'hang' } });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'export', '-c', h.dir, ...extraArgs], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: h.dir, ...h.env, TQDT_EXPORT_BATCH_SIZE: BATCH, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      const hit = server.requests.slice(base).find((e) => e.fault !== undefined);
      if (hit && (point.mode === 'hang' || hit.swallowed)) {
        child.kill('SIGKILL');
        await exited;
        tally('fixed-point kill tests', { runs: 1, killsSurvived: 1, faultsInjected: 1 });
        return { killed: true, request: `${hit.method} ${hit.path}${hit.query ? `?${hit.query}` : ''}`, exitCode: null, stderr };
      }
      if (done) {
        // Unexpected: say what both sides saw, so a failure can be told from a wrong point.
        const log = (side: Side) => h.sims[side].requests.map((e) => `${side} ${e.method} ${e.path} ${e.status}${e.fault ? ` ${e.fault}` : ''}`).join('\n');
        return { killed: false, exitCode: await exited, stderr: `${stderr}\n${log('threatq')}\n${log('darktrace')}` };
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await exited;
        assert.fail(`the child neither reached ${JSON.stringify(point)} nor ended within 60 s; stderr: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 3));
    }
  } finally {
    server.faults.clear();
  }
}

/** The desired set of the first scenario (after the initial export). */
export const FIRST_DESIRED = ['192.0.2.1', 'a1.example', 'a2.example', 'a3.example', 'a4.example', 'a5.example', 'a6.example', 'b1.example', 'b2.example', 'b3.example'];
/** The desired set after `changeMembership`. */
export const CHANGED_DESIRED = ['192.0.2.1', 'a1.example', 'a4.example', 'a5.example', 'a6.example', 'b1.example', 'b2.example', 'c1.example', 'c2.example', 'c3.example', 'c4.example'];

/** Two small collections sharing a1, a hostile value, and another source holding some of the same values. */
export async function killScene(t: Parameters<typeof startHarness>[0]): Promise<{ h: Harness; spy: ReturnType<typeof spyOnFeed> }> {
  const h = await startHarness(t, { collections: [A, B], env: { TQDT_EXPORT_BATCH_SIZE: BATCH } });
  addToCollection(h.sims, A, [...['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((x) => fqdn(`${x}.example`)), ip('192.0.2.1'), fqdn('bad,one.example')]);
  addToCollection(h.sims, B, [fqdn('a1.example'), fqdn('b1.example'), fqdn('b2.example'), fqdn('B3.Example.')]);
  seedOtherSource(h.sims, OTHER_SOURCE, OTHER);
  return { h, spy: spyOnFeed(h.sims) };
}

/**
 * A run that adds (4 new + 1 restored: 3 addlist batches), refreshes (1 batch) and removes
 * (3 removeentry): a2/a3 leave every collection, b3 leaves B, a1 leaves A but stays in B,
 * c1–c4 join, a4 was deleted by hand in Darktrace, a5 is about to lapse.
 */
export function changeMembership(h: Harness): void {
  removeFromCollection(h.sims, A, ['a1.example', 'a2.example', 'a3.example']);
  removeFromCollection(h.sims, B, ['B3.Example.']);
  addToCollection(h.sims, B, [fqdn('c1.example'), fqdn('c2.example'), fqdn('c3.example')]);
  addToCollection(h.sims, A, [fqdn('c4.example')]);
  h.sims.darktrace.sim.removeIntelFeedEntries(SOURCE, ['a4.example']);
  h.sims.darktrace.sim.addIntelFeedEntries(SOURCE, ['a5.example'], { expiry: Date.now() + 3_600_000 });
}

/** A clean in-process run must converge after whatever the kill left behind. */
export async function assertRerunConverges(h: Harness, desired: string[], spy: ReturnType<typeof spyOnFeed>, label: string): Promise<void> {
  const r = await h.run(['export']);
  assert.equal(r.code, 0, `${label}: the rerun succeeds; stderr: ${r.stderr}`);
  assertConverged(h, desired, `${label}:`);
  assertOtherSourceIntact(h.sims, OTHER_SOURCE, OTHER);
  assert.ok(!spy.writes.some((w) => w.kind === 'removeAll'), `${label}: removeall never sent`);
  assert.ok(
    spy.writes.every((w) => w.kind === 'add' ? w.source === SOURCE || w.source === OTHER_SOURCE : w.source === SOURCE),
    `${label}: every write is under our own source`,
  );
  const all = runs(h);
  assert.ok(all.every((x) => x.status !== 'running'), `${label}: the killed run is closed in history (${all.map((x) => x.status).join(',')})`);
  assert.equal(all.at(-1)!.status, 'success');
}

/** Requests per side of one uninterrupted run of a scene (the kill points to cover). */
export async function calibrate(prepare: (h: Harness) => Promise<void> | void): Promise<Record<Side, number>> {
  const cleanups: Array<() => unknown> = [];
  try {
    const { h } = await killScene({ after: (fn) => cleanups.push(fn) });
    await prepare(h);
    const base = { darktrace: h.sims.darktrace.requests.length, threatq: h.sims.threatq.requests.length };
    const r = await h.run(['export']);
    assert.equal(r.code, 0, r.stderr);
    return { darktrace: h.sims.darktrace.requests.length - base.darktrace, threatq: h.sims.threatq.requests.length - base.threatq };
  } finally {
    for (const fn of cleanups) await fn();
  }
}

/** Every request of both sides in both modes; `modes` narrows a side (a read held or hanging fails the same way). */
export function killPoints(counts: Record<Side, number>, modes: Partial<Record<Side, Array<KillPoint['mode']>>> = {}): KillPoint[] {
  const points: KillPoint[] = [];
  for (const side of ['threatq', 'darktrace'] as const) {
    for (let nth = 1; nth <= counts[side]; nth++) for (const mode of modes[side] ?? (['held', 'hang'] as const)) points.push({ side, nth, mode });
  }
  return points;
}

export const label = (p: KillPoint) => `${p.side} request #${p.nth} ${p.mode === 'held' ? 'applied, answer held' : 'hanging'}`;

export interface KillScenario {
  name: string;
  /** Brings a fresh scene to the state just before the run that is killed. */
  prepare(h: Harness): Promise<void> | void;
  /** The desired set the rerun must converge to. */
  desired: string[];
  /** Extra checks after convergence. */
  check?(h: Harness): void;
}

/** The very first export: fresh database, ThreatQ token not cached yet. */
export const FIRST_RUN: KillScenario = { name: 'first export', prepare: () => undefined, desired: FIRST_DESIRED };

/** A run that adds, restores, refreshes and removes (see changeMembership). */
export const CHANGED_RUN: KillScenario = {
  name: 'changed run',
  async prepare(h) {
    const r = await h.run(['export']);
    assert.equal(r.code, 0, r.stderr);
    assertConverged(h, FIRST_DESIRED);
    changeMembership(h);
  },
  desired: CHANGED_DESIRED,
  check(h) {
    const rows = new Map(ledger(h).map((r) => [r.value, r]));
    for (const gone of ['a2.example', 'a3.example', 'b3.example']) assert.equal(rows.get(gone)?.state, 'removed', `${gone} is recorded as removed`);
    assert.deepEqual(JSON.parse(rows.get('a1.example')!.collections_json), [B], 'a1 stays, wanted by Watch List only');
    assert.ok(rows.get('a5.example')!.expires_at! > Date.now() + 86_400_000, 'the entry about to lapse was refreshed');
  },
};

/**
 * One node:test test per kill point: a fresh scene, the scenario's run killed at the point,
 * then a clean rerun that must converge. `pick` chooses the points from the calibrated ones.
 */
export async function defineKillTests(scenario: KillScenario, pick: (counts: Record<Side, number>) => KillPoint[]): Promise<void> {
  const counts = await calibrate(scenario.prepare);
  const points = pick(counts);
  test(`${scenario.name}: calibration found the requests to kill at`, () => {
    assert.ok(counts.threatq >= 4 && counts.darktrace >= 6, JSON.stringify(counts));
    for (const p of points) assert.ok(p.nth <= counts[p.side], `${label(p)} exists in a ${scenario.name} (${JSON.stringify(counts)})`);
  });
  for (const point of points) {
    test(`${scenario.name} killed at ${label(point)}: the rerun converges`, async (t) => {
      const { h, spy } = await killScene(t);
      await scenario.prepare(h);
      const outcome = await exportKilledAt(h, point);
      assert.ok(outcome.killed, `the point was reached (exit ${outcome.exitCode}): ${outcome.stderr}`);
      await assertRerunConverges(h, scenario.desired, spy, `${label(point)} (${outcome.request})`);
      scenario.check?.(h);
    });
  }
}
