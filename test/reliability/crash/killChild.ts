/**
 * Runs the connector as a real child process (startCli: the built executable when present,
 * else the sources through tsx) and SIGKILLs it at a chosen instant: after a delay, or the
 * moment a simulator has applied the n-th request of the run and holds its answer back — the
 * kill then lands between the server's commit and the client's.
 */
import type { Harness } from '../../e2e/harness.ts';
import { startCli } from '../../helpers/cliProcess.ts';

export type Side = 'threatq' | 'darktrace';

/** request: the nth request of the run on that side (of that method only, when given). */
export type KillPlan = { mode: 'timer'; delayMs: number } | { mode: 'request'; side: Side; nth: number; method?: string };

export interface KillAttempt {
  plan: KillPlan;
  /** mid-run: the signal ended the process; after-exit: the run had ended on its own first. */
  landed: 'mid-run' | 'after-exit';
  /** request mode: the request the kill happened at, e.g. `POST /api/events/consume`. */
  at?: string;
  /** Milliseconds from spawn to the kill (or to the exit when it came first). */
  ms: number;
  code: number | null;
  stderr: string;
}

export interface CleanRun {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
  /** Requests each simulator saw during the run. */
  requests: Record<Side, number>;
  /** Writes (any method but GET) per side and method, e.g. `threatq PUT` → 9. */
  writes: Map<`${Side} ${string}`, number>;
}

/** No run of the campaign's small scenes takes this long; a child still alive then is stuck. */
const CHILD_LIMIT_MS = 90_000;

export function describePlan(plan: KillPlan): string {
  return plan.mode === 'timer' ? `after ${plan.delayMs} ms` : `at ${plan.side} ${plan.method ? `${plan.method} ` : ''}request #${plan.nth}`;
}

export async function runKilled(h: Harness, args: string[], plan: KillPlan): Promise<KillAttempt> {
  const server = plan.mode === 'request' ? h.sims[plan.side] : undefined;
  const base = server?.requests.length ?? 0;
  if (server && plan.mode === 'request') {
    server.faults.clear();
    server.faults.add({ match: { nth: plan.nth, ...(plan.method ? { method: plan.method } : {}) }, fault: { kind: 'heldResponse' } });
  }
  const started = Date.now();
  const { child, done } = startCli([...args, '-c', h.dir], h.env, h.dir);
  let exited = false;
  const result = done.finally(() => (exited = true));
  let at: string | undefined;
  let killedAt: number | undefined;
  try {
    if (plan.mode === 'timer') {
      await Promise.race([result, sleep(plan.delayMs)]);
    } else {
      for (;;) {
        const hit = server!.requests.slice(base).find((e) => e.fault === 'heldResponse');
        // Wait for the handler to finish: the server has committed, the answer is withheld.
        if (hit?.swallowed) {
          at = `${hit.method} ${hit.path}`;
          break;
        }
        if (exited || Date.now() - started > CHILD_LIMIT_MS) break;
        await sleep(2);
      }
    }
    if (!exited) {
      killedAt = Date.now();
      child.kill('SIGKILL');
    }
    const r = await result;
    // A kill sent while the process was already on its way out does not count as landing.
    const landed = r.signal === 'SIGKILL' ? 'mid-run' : 'after-exit';
    if (landed === 'after-exit' && Date.now() - started > CHILD_LIMIT_MS) throw new Error(`the connector neither reached ${describePlan(plan)} nor ended within ${CHILD_LIMIT_MS} ms`);
    return { plan, landed, ...(at ? { at } : {}), ms: (killedAt ?? Date.now()) - started, code: r.code, stderr: r.stderr };
  } finally {
    if (!exited) child.kill('SIGKILL');
    await result.catch(() => undefined);
    server?.faults.clear();
  }
}

export async function runClean(h: Harness, args: string[]): Promise<CleanRun> {
  const base = { threatq: h.sims.threatq.requests.length, darktrace: h.sims.darktrace.requests.length };
  const started = Date.now();
  const { child, done } = startCli([...args, '-c', h.dir], h.env, h.dir);
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
  try {
    const r = await done;
    const ms = Date.now() - started;
    const requests = { threatq: h.sims.threatq.requests.length - base.threatq, darktrace: h.sims.darktrace.requests.length - base.darktrace };
    const writes = new Map<`${Side} ${string}`, number>();
    for (const side of ['threatq', 'darktrace'] as const) {
      for (const e of h.sims[side].requests.slice(base[side])) if (e.method !== 'GET') writes.set(`${side} ${e.method}`, (writes.get(`${side} ${e.method}`) ?? 0) + 1);
    }
    return { code: r.signal ? null : r.code, ms, stdout: r.stdout, stderr: r.signal ? `${r.stderr}\n(killed after ${CHILD_LIMIT_MS} ms: the run hung)` : r.stderr, requests, writes };
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
