/**
 * The pipeline fault matrix: phases recorded from a fault-free run of each scene, crossed with
 * every fault (PIPELINE_FAULTS). Each case runs the scene with the fault armed on one phase,
 * checks the outcome (completed, or a clear one-line error with the derived exit code), then
 * clears the fault and checks that a clean rerun converges to exactly the reference state.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { EXIT } from '../../../src/errors.ts';
import type { Harness } from '../../e2e/harness.ts';
import { tally } from '../tally.ts';
import { CONFINED_TO_RECORDS, PIPELINE_FAULTS, type Expectation, type PipelineFault } from './pipelineFaults.ts';
import { phasesOf, type Phase } from './pipelinePhases.ts';
import { referenceOf, type Cleanup, type Reference, type Scene } from './pipelineScenes.ts';

export interface RecordedScene {
  scene: Scene;
  phases: Phase[];
  ref: Reference;
}

export interface Case {
  scene: Scene;
  phase: Phase;
  fault: PipelineFault;
  expected: Expectation;
  ref: Reference;
}

const LOG_FILE = 'tq-conn-darktrace.log';

/** Runs each scene once without faults, at debug verbosity, and reads its phases off the logs. */
export async function recordScenes(scenes: readonly Scene[]): Promise<RecordedScene[]> {
  const out: RecordedScene[] = [];
  for (const scene of scenes) {
    const cleanups: Array<() => unknown> = [];
    try {
      const h = await scene.prepare({ after: (fn) => cleanups.push(fn) });
      const from = { darktrace: h.sims.darktrace.requests.length, threatq: h.sims.threatq.requests.length };
      const logPath = path.join(h.dir, LOG_FILE);
      const logFrom = existsSync(logPath) ? readFileSync(logPath, 'utf8').length : 0;
      const r = await h.run([...scene.args, '-v', '3', '-ll', h.dir, '--log-format', 'json']);
      assert.equal(r.code, 0, `${scene.name}: the fault-free reference run succeeds: ${r.stderr}`);
      const ref = referenceOf(h);
      scene.check(h, ref, `${scene.name}, reference run: `);
      const runLog = path.join(h.dir, 'reference-run.log');
      writeFileSync(runLog, readFileSync(logPath, 'utf8').slice(logFrom));
      const phases = phasesOf({ darktrace: h.sims.darktrace.requests.slice(from.darktrace), threatq: h.sims.threatq.requests.slice(from.threatq) }, runLog);
      out.push({ scene, phases, ref });
    } finally {
      for (const fn of cleanups.reverse()) await fn();
    }
  }
  return out;
}

function makeCase(rec: RecordedScene, phase: Phase, fault: PipelineFault): Case {
  return { scene: rec.scene, phase, fault, expected: fault.expect(phase), ref: rec.ref };
}

/** Every applicable fault on every phase of every scene. */
export function fullProduct(recorded: readonly RecordedScene[]): Case[] {
  return recorded.flatMap((rec) => rec.phases.flatMap((phase) => PIPELINE_FAULTS.filter((f) => f.appliesTo(phase)).map((f) => makeCase(rec, phase, f))));
}

const phaseKey = (p: Phase) => `${p.side} ${p.method} ${p.route} ${p.operation} ${p.position}`;

/**
 * A deterministic covering subset: every fault at least once (twice when it can both be ridden
 * out and end the run, depending on the phase) and every phase at least once.
 * Phases of later scenes that an earlier scene already has (same route, operation and
 * position) are left to the full product. Faults and phases are paired along a rotating
 * diagonal, so different faults meet different kinds of requests.
 */
export function coveringSubset(recorded: readonly RecordedScene[]): Case[] {
  const seen = new Set<string>();
  const phases: Array<{ rec: RecordedScene; phase: Phase }> = [];
  for (const rec of recorded) {
    for (const phase of rec.phases) {
      if (seen.has(phaseKey(phase))) continue;
      seen.add(phaseKey(phase));
      phases.push({ rec, phase });
    }
  }
  const used = new Set<number>();
  const cases: Case[] = [];
  let cursor = 0;
  const pick = (fits: (i: number) => boolean): number | undefined => {
    for (let k = 0; k < phases.length; k++) {
      const i = (cursor + k) % phases.length;
      if (fits(i)) {
        cursor = i + 1;
        return i;
      }
    }
    return undefined;
  };
  // A persistent fault on an operation the pipeline confines to records fails every record's
  // request in turn (each after all its attempts): right, but slow — left to the full product.
  const fitsCheaply = (fault: PipelineFault, phase: Phase) => fault.appliesTo(phase) && !(fault.persistent && CONFINED_TO_RECORDS.has(phase.operation));
  // Each fault once where the run rides it out and once where it ends the run, when its phases
  // allow both (a glitch on a request that is safe to repeat, and on one that is not).
  for (const fault of PIPELINE_FAULTS) {
    for (const completes of [true, false]) {
      const fits = (j: number) => fitsCheaply(fault, phases[j]!.phase) && (fault.expect(phases[j]!.phase).exit === EXIT.ok) === completes;
      const i = pick((j) => !used.has(j) && fits(j)) ?? pick(fits);
      if (i === undefined) continue; // no phase of these scenes gives this outcome
      used.add(i);
      cases.push(makeCase(phases[i]!.rec, phases[i]!.phase, fault));
    }
  }
  let f = 0;
  phases.forEach(({ rec, phase }, i) => {
    if (used.has(i)) return;
    for (let k = 0; k < PIPELINE_FAULTS.length; k++) {
      const fault = PIPELINE_FAULTS[(f + k) % PIPELINE_FAULTS.length]!;
      if (!fitsCheaply(fault, phase)) continue;
      f = (f + k + 1) % PIPELINE_FAULTS.length;
      cases.push(makeCase(rec, phase, fault));
      return;
    }
  });
  return cases;
}

export function caseTitle(c: Case): string {
  const outcome = c.expected.exit === EXIT.ok ? 'completes' : `exit ${c.expected.exit}${c.expected.code ? ` (${c.expected.code})` : ' (partial)'}`;
  return `${c.fault.kind} (${c.fault.name}) on ${c.phase.label} → ${outcome}, rerun converges`;
}

/**
 * Guards the generator: the recorded run has phases on both sides, every fault kind is in the
 * cases, and every phase is (a recorded run or a subset that lost them would prove nothing).
 */
export function describeCoverage(title: string, recorded: readonly RecordedScene[], cases: readonly Case[]): void {
  it(`${title}: the cases cover every fault kind and every recorded phase`, () => {
    for (const rec of recorded) {
      assert.ok(rec.phases.some((p) => p.side === 'darktrace') && rec.phases.some((p) => p.side === 'threatq'), `${rec.scene.name}: phases on both sides`);
    }
    const kinds = new Set(cases.map((c) => c.fault.kind));
    for (const f of PIPELINE_FAULTS) assert.ok(kinds.has(f.kind), `no case injects '${f.kind}'`);
    const names = new Set(cases.map((c) => `${c.fault.kind}/${c.fault.name}`));
    for (const f of PIPELINE_FAULTS) assert.ok(names.has(`${f.kind}/${f.name}`), `no case injects ${f.kind} (${f.name})`);
    const covered = new Set(cases.map((c) => phaseKey(c.phase)));
    for (const rec of recorded) for (const p of rec.phases) assert.ok(covered.has(phaseKey(p)), `no case disturbs ${p.label}`);
  });
}

/** One `it` per case; cases run side by side (much of their time is waiting for timeouts and back-off). */
export function describeCases(title: string, cases: readonly Case[], concurrency = 4): void {
  describe(title, { concurrency }, () => {
    for (const c of cases) it(`${c.scene.name}: ${caseTitle(c)}`, (t) => runCase(t, c));
  });
}

export async function runCase(t: Cleanup, c: Case): Promise<void> {
  const h = await c.scene.prepare(t);
  const args = [...c.scene.args, '-ll', h.dir];
  const armed = c.fault.arm(h, c.phase);
  const faulted = await h.run(args);
  const fired = armed.fired();
  armed.clear();
  h.sims.darktrace.faults.clear();
  h.sims.threatq.faults.clear();
  const afterFault = c.scene.measure(h, c.ref);
  const faultedRun = lastRun(h);
  const tokens = cachedTokens(h);
  const rerun = await h.run(args);
  const damage = c.scene.measure(h, c.ref);
  tally('pipeline fault matrix', { runs: 2, faultsInjected: fired, ...damage });

  assert.ok(fired > 0, `the fault never took effect on ${c.phase.label}: the case proves nothing`);
  assertOutcome(faultedRun, faulted, c.expected);
  if (c.expected.exit === EXIT.ok) assert.deepEqual(afterFault, { lost: 0, duplicated: 0 }, 'a run that rode the fault out left nothing lost or duplicated');
  assert.equal(rerun.code, EXIT.ok, `the clean rerun succeeds: ${rerun.stderr}`);
  assert.equal(rerun.stderr, '', 'the clean rerun prints nothing on stderr');
  assert.deepEqual(damage, { lost: 0, duplicated: 0 }, 'after the rerun nothing is lost or duplicated');
  c.scene.check(h, c.ref, 'after the clean rerun: ');
  const secrets = [h.env['TQ_PASSWORD'], h.env['DARKTRACE_PRIVATE_TOKEN'], ...tokens, ...cachedTokens(h)];
  const output = [faulted.stdout, faulted.stderr, rerun.stdout, rerun.stderr, faultedRun?.error_message ?? '', readLog(h)].join('\n');
  for (const s of secrets) if (s) assert.ok(!output.includes(s), 'a secret leaked into the output, the run history or the log');
}

interface RunRow {
  status: string;
  exit_code: number | null;
  error_code: string | null;
  error_message: string | null;
}

function lastRun(h: Harness): RunRow | undefined {
  const db = h.db();
  try {
    return db.sqlite.prepare('SELECT status, exit_code, error_code, error_message FROM runs ORDER BY id DESC LIMIT 1').get() as RunRow | undefined;
  } finally {
    db.close();
  }
}

function assertOutcome(last: RunRow | undefined, r: { code: number; stdout: string; stderr: string }, expected: Expectation): void {
  assert.ok(last, 'the faulted run was recorded');
  if (expected.exit === EXIT.ok) {
    assert.equal(r.code, EXIT.ok, `the run rides the fault out: ${r.stderr}`);
    assert.equal(r.stderr, '', 'nothing on stderr');
    assert.equal(last.status, 'success');
    return;
  }
  assert.equal(r.code, expected.exit, `exit code (stderr: ${r.stderr.trim()})`);
  assert.equal(last.exit_code, expected.exit, 'the run history records the exit code');
  if (expected.exit === EXIT.partial) {
    assert.equal(last.status, 'partial');
    assert.match(r.stdout, /failed [1-9]/, 'the summary says how many records failed');
    assert.equal(r.stderr, '', 'nothing on stderr: the failed records are in the log');
    return;
  }
  assert.equal(last.status, 'failed');
  if (expected.code) assert.equal(last.error_code, expected.code, `the recorded error: ${last.error_message}`);
  assertClearError(r.stderr);
}

/** `Error: <what failed>` on one line, then `  <what to do>`; nothing else, no stack trace. */
function assertClearError(stderr: string): void {
  const lines = stderr.replace(/\n$/, '').split('\n');
  assert.ok(lines.length >= 1 && lines.length <= 2, `one error line and one hint line, got:\n${stderr}`);
  assert.match(lines[0]!, /^Error: .*\b(Darktrace|ThreatQ)\b/, `the error names the side that failed: ${lines[0]}`);
  assert.match(lines[1] ?? '', /^ {2}\S/, `a hint says what to do: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at |\.ts:\d+/, 'no stack trace');
}

function readLog(h: Harness): string {
  const file = path.join(h.dir, LOG_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The ThreatQ tokens the connector holds now (a run under token expiry goes through several). */
function cachedTokens(h: Harness): string[] {
  const db = h.db();
  try {
    const rows = db.sqlite.prepare('SELECT access_token, refresh_token FROM token_cache').all() as Array<{ access_token: string | null; refresh_token: string | null }>;
    return rows.flatMap((r) => [r.access_token ?? '', r.refresh_token ?? '']);
  } finally {
    db.close();
  }
}
