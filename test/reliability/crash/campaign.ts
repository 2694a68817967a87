/**
 * The crash campaign: run after run, the world changes a little, the connector (a real child
 * process) is SIGKILLed at a random instant of a random pipeline — once, sometimes twice — and
 * a clean run must then leave everything converged (see invariants.ts). Kill instants are half
 * timed (a random delay within the last clean run of that pipeline) and half at a random request
 * of the run, after the simulator applied it and before the connector heard back.
 */
import { describePlan, runClean, runKilled, type KillAttempt, type KillPlan, type Side } from './killChild.ts';
import { CrashScene } from './scene.ts';
import { rngFor, type Rng } from './rng.ts';
import {
  assertCollectionsUntouched,
  assertExportConverged,
  assertIngestConverged,
  assertStateSound,
  countExportDamage,
  countIngestDamage,
} from './invariants.ts';

export type Pipeline = 'ingest' | 'export' | 'run';
export const PIPELINES: readonly Pipeline[] = ['ingest', 'export', 'run'];

export interface CampaignOptions {
  seed: number;
  /** The last run number (runs are numbered from 1). */
  runs: number;
  /** First run to execute; the scene is brought forward to it without kills (replay). @default 1 */
  from?: number;
  /** Only this pipeline; mixed when absent. */
  pipeline?: Pipeline;
  /** A fresh pair of simulators and state every this many runs (first runs get killed too). @default 100 */
  resetEvery?: number;
  /** @default 0.2 */
  doubleKillChance?: number;
  log?: (line: string) => void;
}

export interface CampaignFailure {
  run: number;
  pipeline: Pipeline;
  message: string;
  /** The command that replays the failing run. */
  replay: string;
}

export interface CampaignSummary {
  seed: number;
  /** Campaign runs finished (each: one or two kills, then a clean run). */
  runs: number;
  /** Connector processes started, killed or not. */
  processes: number;
  killsDelivered: number;
  killsMidRun: number;
  killsAfterExit: number;
  /** Mid-run kills whose clean rerun converged. */
  killsSurvived: number;
  cleanConverged: number;
  lost: number;
  duplicated: number;
  elapsedMs: number;
  failure?: CampaignFailure;
}

const ARGS: Record<Pipeline, string[]> = {
  ingest: ['ingest', '-hist', '1'],
  export: ['export'],
  run: ['run', '-hist', '1'],
};

interface Estimate {
  ms: number;
  requests: Record<Side, number>;
  writes: Map<`${Side} ${string}`, number>;
}

/** Until a pipeline has had a clean run in this scene, kill instants are drawn from these. */
const FIRST_GUESS: Estimate = { ms: 2_500, requests: { threatq: 40, darktrace: 12 }, writes: new Map([['threatq POST', 10], ['darktrace POST', 6]]) };

export async function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const log = o.log ?? (() => undefined);
  const from = o.from ?? 1;
  const resetEvery = o.resetEvery ?? 100;
  const doubleKill = o.doubleKillChance ?? 0.2;
  const started = Date.now();
  const s: CampaignSummary = { seed: o.seed, runs: 0, processes: 0, killsDelivered: 0, killsMidRun: 0, killsAfterExit: 0, killsSurvived: 0, cleanConverged: 0, lost: 0, duplicated: 0, elapsedMs: 0 };
  let scene: CrashScene | undefined;
  let sceneNo = -1;
  let estimates = new Map<Pipeline, Estimate>();
  try {
    for (let n = from; n <= o.runs; n++) {
      const choices = choicesFor(o.seed, n, o.pipeline, doubleKill);
      const pipeline = choices.pipeline;
      const note = `run ${n} (seed ${o.seed}, ${pipeline}): `;
      try {
        if (Math.floor((n - 1) / resetEvery) !== sceneNo) {
          await scene?.close();
          sceneNo = Math.floor((n - 1) / resetEvery);
          scene = await CrashScene.start(sceneSeed(o.seed, sceneNo));
          estimates = new Map();
          await fastForward(scene, o, sceneNo * resetEvery + 1, n, s);
        }
        const changes = scene!.evolve(rngFor(o.seed, n, 'scene'));
        const attempts: KillAttempt[] = [];
        for (const kill of choices.kills) {
          const attempt = await runKilled(scene!.h, ARGS[pipeline], planFor(kill, estimateFor(estimates, pipeline)));
          s.processes++;
          s.killsDelivered++;
          attempts.push(attempt);
          if (attempt.landed === 'mid-run') s.killsMidRun++;
          else s.killsAfterExit++;
          const what = `${note}after the kill ${describePlan(attempt.plan)}${attempt.at ? ` (${attempt.at})` : ''}:`;
          if (attempt.landed === 'after-exit' && attempt.code !== 0) throw new Error(`${what} the run ended on its own with exit ${attempt.code}, not 0:\n${attempt.stderr.slice(-2000)}`);
          assertStateSound(scene!, what, false);
        }
        // Sometimes the world moves on while the connector is down, before the next run.
        const meanwhile = choices.meanwhile ? scene!.evolve(rngFor(o.seed, n, 'scene-meanwhile')) : undefined;
        const clean = await runClean(scene!.h, ARGS[pipeline]);
        s.processes++;
        if (clean.code !== 0) throw new Error(`${note}the clean run after the kill exited ${clean.code}, not 0:\n${clean.stderr.slice(-3000)}`);
        estimates.set(pipeline, { ms: clean.ms, requests: clean.requests, writes: clean.writes });
        const damage = [...(pipeline !== 'export' ? [countIngestDamage(scene!)] : []), ...(pipeline !== 'ingest' ? [countExportDamage(scene!)] : [])];
        for (const d of damage) {
          s.lost += d.lost;
          s.duplicated += d.duplicated;
        }
        if (pipeline !== 'export') assertIngestConverged(scene!, note);
        if (pipeline !== 'ingest') assertExportConverged(scene!, note);
        assertCollectionsUntouched(scene!, note);
        assertStateSound(scene!, note, true);
        s.cleanConverged++;
        s.killsSurvived += attempts.filter((a) => a.landed === 'mid-run').length;
        s.runs++;
        log(
          `run ${n}/${o.runs} ${pipeline.padEnd(6)} ${changes} | ${attempts.map((a) => `kill ${describePlan(a.plan)}${a.at ? ` ${a.at}` : ''} → ${a.landed}`).join('; ')}${meanwhile ? ` | then ${meanwhile}` : ''} | clean rerun ${(clean.ms / 1000).toFixed(1)} s, converged`,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        s.failure = { run: n, pipeline, message, replay: `npm run test:crash -- --seed ${o.seed} --from ${n} --runs ${n}${o.pipeline ? ` --pipeline ${o.pipeline}` : ''}${o.resetEvery ? ` --reset-every ${resetEvery}` : ''}` };
        log(`run ${n}/${o.runs} ${pipeline} FAILED (seed ${o.seed}, run ${n}): ${message}`);
        break;
      }
    }
  } finally {
    await scene?.close();
    s.elapsedMs = Date.now() - started;
  }
  return s;
}

/** The last clean run of this pipeline; else of `run` (which does both, so its figures bound the others); else a guess. */
function estimateFor(estimates: Map<Pipeline, Estimate>, pipeline: Pipeline): Estimate {
  return estimates.get(pipeline) ?? estimates.get('run') ?? FIRST_GUESS;
}

export interface RunChoices {
  pipeline: Pipeline;
  /**
   * One or two kills; `at` is the kill instant as a fraction of the run (its time, its requests,
   * or — `write` — its writes only, where a commit the connector never heard of matters most).
   */
  kills: Array<{ timed: boolean; write: boolean; at: number }>;
  /** The world changes again between the kill and the clean run. */
  meanwhile: boolean;
}

/** Everything run `n` chooses, drawn up front from its own stream: the same for every replay. */
export function choicesFor(seed: number, n: number, pipeline: Pipeline | undefined, doubleKillChance: number): RunChoices {
  const rng: Rng = rngFor(seed, n, 'kill');
  const picked = rng.pick(PIPELINES);
  const count = rng.chance(doubleKillChance) ? 2 : 1;
  const kills = Array.from({ length: count }, () => ({ timed: rng.chance(0.5), write: rng.chance(0.5), at: rng.next() }));
  return { pipeline: pipeline ?? picked, kills, meanwhile: rng.chance(0.3) };
}

/**
 * Half timed kills within the last clean run's duration, half kills at a request of it: any
 * request, or (half of those) a write — POST or PUT — chosen among the run's writes.
 */
export function planFor(kill: RunChoices['kills'][number], estimate: Estimate): KillPlan {
  if (kill.timed) return { mode: 'timer', delayMs: 50 + Math.floor(kill.at * estimate.ms) };
  const writes = [...estimate.writes].sort(([a], [b]) => (a < b ? -1 : 1));
  const totalWrites = writes.reduce((n, [, c]) => n + c, 0);
  if (kill.write && totalWrites > 0) {
    let r = Math.floor(kill.at * totalWrites);
    for (const [key, count] of writes) {
      if (r < count) {
        const [side, method] = key.split(' ') as [Side, string];
        return { mode: 'request', side, method, nth: r + 1 };
      }
      r -= count;
    }
  }
  const total = Math.max(1, estimate.requests.threatq + estimate.requests.darktrace);
  const r = Math.floor(kill.at * total);
  return r < estimate.requests.threatq ? { mode: 'request', side: 'threatq', nth: r + 1 } : { mode: 'request', side: 'darktrace', nth: r - estimate.requests.threatq + 1 };
}

function sceneSeed(seed: number, sceneNo: number): number {
  return (rngFor(seed, sceneNo, 'scene-seed').int(2 ** 31) % 1_000_000) + 1;
}

/**
 * Replay: the changes of the runs before `until` in this scene, then one clean `run`, so the
 * world run `until` starts from is the one the campaign had (its connector history aside).
 */
async function fastForward(scene: CrashScene, o: CampaignOptions, first: number, until: number, s: CampaignSummary): Promise<void> {
  if (first >= until) return;
  for (let m = first; m < until; m++) {
    scene.evolve(rngFor(o.seed, m, 'scene'));
    if (choicesFor(o.seed, m, o.pipeline, o.doubleKillChance ?? 0.2).meanwhile) scene.evolve(rngFor(o.seed, m, 'scene-meanwhile'));
  }
  const r = await runClean(scene.h, ARGS.run);
  s.processes++;
  if (r.code !== 0) throw new Error(`bringing the scene forward to run ${until}: the clean run exited ${r.code}:\n${r.stderr.slice(-2000)}`);
}
