/**
 * Every fault the simulators can inject, as the pipeline fault matrix applies it to one phase
 * of a run: the request faults come from the API-level FAULT_MATRIX (a Record<FaultKind, …>:
 * a new kind does not compile until its expectation is declared there, and then joins this
 * matrix by itself), plus a few status variants, plus the two state faults that are simulator
 * options — ThreatQ tokens expiring and the Darktrace clock jumping. Each expectation is
 * derived, not listed: from the API-level outcome for the phase's side and idempotency (as the
 * connector's own log says), refined for ThreatQ's login endpoint and for the one Darktrace
 * endpoint with a legacy fallback, and from whether the pipeline confines a failure of that
 * operation to its records.
 */
import { EXIT, type ExitCode } from '../../../src/errors.ts';
import { FAULT_KINDS, type FaultKind } from '../../../src/sim/common/faults.ts';
import type { RequestLogEntry } from '../../../src/sim/common/startSimServer.ts';
import type { Harness } from '../../e2e/harness.ts';
import { FAULT_MATRIX, type Outcome, type Variant } from '../../api/faultMatrix.ts';
import type { Phase } from './pipelinePhases.ts';

/** What the run under test must end in. */
export interface Expectation {
  exit: ExitCode;
  /** The ConnectorError code the run records, for a run that failed as a whole. */
  code?: string;
}

export type StateFaultKind = 'tokenExpiry' | 'clockOffset';

export interface PipelineFault {
  kind: FaultKind | StateFaultKind;
  name: string;
  /** Hits every attempt of every matching request, not just one. */
  persistent: boolean;
  appliesTo(phase: Phase): boolean;
  expect(phase: Phase): Expectation;
  /** Arms the fault for `phase` of the next run; `fired()` counts the times it took effect. */
  arm(h: Harness, phase: Phase): { fired(): number; clear(): void };
}

/**
 * Operations whose failure the pipeline confines to the records involved — counted as failed,
 * retried by the next run — so the run finishes as partial (exit 4) whatever the failure was.
 * Every other operation's failure ends its pipeline with the failure's own exit code.
 */
export const CONFINED_TO_RECORDS: ReadonlySet<string> = new Set([
  'threatq.events.update', // ingest: updating a changed alert's event
  'threatq.attributes.list',
  'threatq.attributes.add',
  'threatq.attributes.update',
  'darktrace.intelfeed.remove', // export: one removeentry per entry
]);

/** The status variants the API matrix lacks: a plain 500, and a 403 with a text body. */
const EXTRA_STATUS: readonly Variant[] = [
  { ...like('status', '502'), name: '500', fault: { kind: 'status', status: 500 } },
  { ...like('forbidden', 'once'), name: '403 with a text body', fault: { kind: 'status', status: 403 } },
];

/** The request faults: every kind of FAULT_KINDS with every variant the API matrix declares. */
export const REQUEST_VARIANTS: Record<FaultKind, readonly Variant[]> = { ...FAULT_MATRIX, status: [...FAULT_MATRIX.status, ...EXTRA_STATUS] };

function like(kind: FaultKind, name: string): Variant {
  const v = FAULT_MATRIX[kind].find((x) => x.name === name);
  if (!v) throw new Error(`FAULT_MATRIX.${kind} has no variant '${name}'`);
  return v;
}

export function expectationFrom(outcome: Outcome, phase: Phase): Expectation {
  if (outcome.ok) return { exit: EXIT.ok };
  if (CONFINED_TO_RECORDS.has(phase.operation)) return { exit: EXIT.partial };
  return { exit: outcome.exitCode, code: outcome.code };
}

/** ThreatQ's token endpoint: the login reads answers its own way (src/threatq/auth/tokenManager.ts). */
export const LOGIN_ROUTE = '/api/token';

/**
 * A failed login, by what the answer looked like: refused (400/401/403) or a 2xx without a
 * token is a credentials or access problem (exit 3); a redirect means the host setting points
 * at something other than the appliance's API (exit 2); 5xx and network failures are as for
 * any request.
 */
export function loginOutcome(v: Variant, api: Outcome): Outcome {
  if (api.ok) return api;
  const f = v.fault;
  const refused = f.kind === 'forbidden' || (f.kind === 'status' && [400, 401, 403].includes(f.status));
  if (refused || f.kind === 'malformedJson' || f.kind === 'htmlLogin') return { ok: false, code: 'E_TQ_LOGIN', exitCode: EXIT.auth, attempts: 1 };
  if (f.kind === 'redirect') return { ok: false, code: 'E_TQ_REQUEST', exitCode: EXIT.usage, attempts: 1 };
  return api;
}

/**
 * Operations with a fallback for Darktrace versions that lack their endpoint: such a version
 * answers an unknown path with 302 to /login (or 404), and the client then uses the legacy
 * endpoint instead (src/darktrace/client.ts, aiAnalystEvents).
 */
export const FALLS_BACK_WHEN_ABSENT: ReadonlySet<string> = new Set(['darktrace.aianalyst.incidentevents']);

const looksAbsent = (v: Variant) => (v.fault.kind === 'redirect' && (v.fault.location ?? '/login') === '/login') || (v.fault.kind === 'status' && v.fault.status === 404);

function requestFault(kind: FaultKind, v: Variant): PipelineFault {
  return {
    kind,
    name: v.name,
    persistent: v.times === Infinity,
    appliesTo: () => true,
    expect(phase) {
      const api = v.expect({ side: phase.side, idempotent: phase.idempotent });
      if (FALLS_BACK_WHEN_ABSENT.has(phase.operation) && looksAbsent(v)) return { exit: EXIT.ok };
      return expectationFrom(phase.side === 'threatq' && phase.route === LOGIN_ROUTE ? loginOutcome(v, api) : api, phase);
    },
    arm(h, phase) {
      const server = h.sims[phase.side];
      const before = server.faults.fired().length;
      server.faults.add({ match: { ...phase.match, times: v.times }, fault: v.fault });
      return { fired: () => server.faults.fired().length - before, clear: () => server.faults.clear() };
    },
  };
}

/**
 * Calls `fn` as the `nth` request matching `phase` arrives, before the simulator handles it
 * (the request log is appended first thing on arrival, synchronously). Returns the log index
 * of that request once it came.
 */
function onPhaseRequest(log: RequestLogEntry[], phase: Phase, fn: () => void): () => number | undefined {
  let seen = 0;
  let at: number | undefined;
  const push = log.push.bind(log);
  log.push = (...entries: RequestLogEntry[]) => {
    for (const e of entries) {
      const target = e.query ? `${e.path}?${e.query}` : e.path;
      if (at === undefined && e.method === phase.match.method && phase.match.path.test(target) && ++seen === phase.match.nth) {
        at = log.length;
        fn();
      }
    }
    return push(...entries);
  };
  return () => at;
}

/** A state fault that took effect: the simulator refused at least one request because of it. */
function refusalsAfter(log: RequestLogEntry[], at: number | undefined, status: number): number {
  return at === undefined ? 0 : log.slice(at).some((r) => r.status === status) ? 1 : 0;
}

const TOKEN_EXPIRY: PipelineFault[] = [
  { name: 'the access token', refresh: false },
  { name: 'access and refresh tokens', refresh: true },
].map(({ name, refresh }) => ({
  kind: 'tokenExpiry',
  name,
  persistent: false,
  // Before the first login there is no token to expire.
  appliesTo: (phase) => phase.side === 'threatq' && phase.route !== '/api/token',
  // Logging in again is routine: the run goes on.
  expect: () => ({ exit: EXIT.ok }),
  arm(h, phase) {
    const log = h.sims.threatq.requests;
    const at = onPhaseRequest(log, phase, () => h.sims.threatq.sim.expireAllTokens({ refresh }));
    return { fired: () => refusalsAfter(log, at(), 401), clear: () => undefined };
  },
}));

const CLOCK_OFFSET: PipelineFault[] = [45, -45].map((minutes) => ({
  kind: 'clockOffset',
  name: `Darktrace's clock jumps ${Math.abs(minutes)} minutes ${minutes > 0 ? 'ahead' : 'back'}`,
  persistent: false,
  appliesTo: (phase) => phase.side === 'darktrace',
  // Past Darktrace's ±30 min window: refused once, measured from its Date header, re-dated.
  expect: () => ({ exit: EXIT.ok }),
  arm(h, phase) {
    const log = h.sims.darktrace.requests;
    const at = onPhaseRequest(log, phase, () => h.sims.darktrace.sim.configure({ clockOffsetMs: minutes * 60_000 }));
    return { fired: () => refusalsAfter(log, at(), 400), clear: () => h.sims.darktrace.sim.configure({ clockOffsetMs: 0 }) };
  },
}));

/** Every fault of the matrix, request faults first in FAULT_KINDS order. */
export const PIPELINE_FAULTS: readonly PipelineFault[] = [
  ...FAULT_KINDS.flatMap((kind) => REQUEST_VARIANTS[kind].map((v) => requestFault(kind, v))),
  ...TOKEN_EXPIRY,
  ...CLOCK_OFFSET,
];
