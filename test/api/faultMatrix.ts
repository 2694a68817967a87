/**
 * The fault matrix as data: every fault kind the simulators can inject (FAULT_KINDS) crossed
 * with one read and one write per side, each case's outcome derived from two facts — what the
 * fault does, and whether the operation is safe to repeat. `FAULT_MATRIX` is a
 * Record<FaultKind, …>, so a new kind does not compile until its expectation is declared here
 * (and the coverage test fails when it is declared with no variant).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError, EXIT, type ExitCode } from '../../src/errors.ts';
import { FAULT_KINDS, type Fault, type FaultKind, type FaultMatch } from '../../src/sim/common/faults.ts';
import type { SavedSearch } from '../../src/threatq/types.ts';
import { FAST_RETRY, RETRY_AFTER_CAP_MS, rejection, startWorld, TIMEOUT_SECONDS, type World, type WorldOptions } from './support.ts';
import { tally } from '../reliability/tally.ts';

export type Side = 'darktrace' | 'threatq';

export interface OpTraits {
  side: Side;
  /** Whether the client marks the request safe to repeat (the transport's retry decisions hang on it). */
  idempotent: boolean;
}

/** What a case must end in: the data (after `attempts` requests), or a ConnectorError. */
export type Outcome =
  | { ok: true; attempts: number; retryAfter?: boolean }
  | { ok: false; code: string; exitCode: ExitCode; attempts: number };

export interface Variant {
  name: string;
  fault: Fault;
  /** How many matching requests the fault hits: 1 = a passing glitch, Infinity = every attempt. */
  times: number;
  expect(op: OpTraits): Outcome;
}

const MAX = FAST_RETRY.maxAttempts;
const TIMEOUT_MS = TIMEOUT_SECONDS * 1000;

const ok = (attempts: number, retryAfter = false): Outcome => ({ ok: true, attempts, retryAfter });
const fail = (code: string, exitCode: ExitCode, attempts = 1): Outcome => ({ ok: false, code, exitCode, attempts });
const bySide = (op: OpTraits, darktrace: Outcome, threatq: Outcome): Outcome => (op.side === 'darktrace' ? darktrace : threatq);
/** One failed attempt, then: repeated and fine when safe to repeat, else the failure as it stands. */
const glitch = (op: OpTraits, failure: Outcome, retryAfter = false): Outcome => (op.idempotent ? ok(2, retryAfter) : failure);
/** Every attempt fails: all of them are spent when safe to repeat, else the first one is final. */
const persistent = (op: OpTraits, code: string, exitCode: ExitCode): Outcome => fail(code, exitCode, op.idempotent ? MAX : 1);
const unavailable = (op: OpTraits) => (op.side === 'darktrace' ? 'E_DT_UNAVAILABLE' : 'E_TQ_UNAVAILABLE');

export const FAULT_MATRIX: Record<FaultKind, readonly Variant[]> = {
  status: [
    // 429 proves the server did nothing, so even a non-idempotent write is repeated.
    { name: '429 with Retry-After', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 }, times: 1, expect: () => ok(2, true) },
    { name: '502', fault: { kind: 'status', status: 502 }, times: 1, expect: (op) => glitch(op, fail(unavailable(op), EXIT.unavailable)) },
    { name: '503 with Retry-After', fault: { kind: 'status', status: 503, retryAfterSeconds: 1 }, times: 1, expect: (op) => glitch(op, fail(unavailable(op), EXIT.unavailable), true) },
    { name: '503 on every attempt', fault: { kind: 'status', status: 503, retryAfterSeconds: 0 }, times: Infinity, expect: (op) => persistent(op, unavailable(op), EXIT.unavailable) },
  ],
  reset: [{ name: 'once', fault: { kind: 'reset' }, times: 1, expect: (op) => glitch(op, fail('E_HTTP_NETWORK', EXIT.unavailable)) }],
  hang: [
    { name: 'once, past the timeout', fault: { kind: 'hang' }, times: 1, expect: (op) => glitch(op, fail('E_HTTP_TIMEOUT', EXIT.unavailable)) },
    { name: 'on every attempt', fault: { kind: 'hang' }, times: Infinity, expect: (op) => persistent(op, 'E_HTTP_TIMEOUT', EXIT.unavailable) },
  ],
  slowBody: [
    // Slow is not broken: pauses shorter than the body timeout are waited out, nothing is repeated.
    { name: 'pauses within the timeout', fault: { kind: 'slowBody', chunkBytes: 2048, delayMs: 25 }, times: 1, expect: () => ok(1) },
    {
      name: 'stalls past the body timeout',
      fault: { kind: 'slowBody', chunkBytes: 8, delayMs: TIMEOUT_MS + 700 },
      times: 1,
      expect: (op) => glitch(op, fail('E_HTTP_TIMEOUT', EXIT.unavailable)),
    },
  ],
  malformedJson: [
    { name: 'once', fault: { kind: 'malformedJson' }, times: 1, expect: (op) => bySide(op, fail('E_DT_BAD_RESPONSE', EXIT.unavailable), fail('E_TQ_API', EXIT.unavailable)) },
  ],
  truncatedJson: [
    // The cut connection surfaces as a network failure mid-body, which is repeated where safe.
    { name: 'once', fault: { kind: 'truncatedJson' }, times: 1, expect: (op) => glitch(op, fail('E_HTTP_NETWORK', EXIT.unavailable)) },
    { name: 'on every attempt', fault: { kind: 'truncatedJson' }, times: Infinity, expect: (op) => persistent(op, 'E_HTTP_NETWORK', EXIT.unavailable) },
  ],
  htmlLogin: [
    { name: 'once', fault: { kind: 'htmlLogin' }, times: 1, expect: (op) => bySide(op, fail('E_DT_NO_API_ACCESS', EXIT.auth), fail('E_TQ_API', EXIT.unavailable)) },
  ],
  redirect: [
    // ThreatQ's API never redirects: a login page or gateway in front of it does, so both sides treat it as refused access.
    { name: 'to /login', fault: { kind: 'redirect' }, times: 1, expect: (op) => bySide(op, fail('E_DT_LOGIN_REDIRECT', EXIT.auth), fail('E_TQ_REQUEST', EXIT.auth)) },
    { name: 'to /403', fault: { kind: 'redirect', location: '/403' }, times: 1, expect: (op) => bySide(op, fail('E_DT_PERMISSION', EXIT.auth), fail('E_TQ_REQUEST', EXIT.auth)) },
  ],
  forbidden: [{ name: 'once', fault: { kind: 'forbidden' }, times: 1, expect: (op) => bySide(op, fail('E_DT_PERMISSION', EXIT.auth), fail('E_TQ_REQUEST', EXIT.auth)) }],
  lostResponse: [{ name: 'once', fault: { kind: 'lostResponse' }, times: 1, expect: (op) => glitch(op, fail('E_HTTP_NETWORK', EXIT.unavailable)) }],
  heldResponse: [
    { name: 'once, past the timeout', fault: { kind: 'heldResponse' }, times: 1, expect: (op) => glitch(op, fail('E_HTTP_TIMEOUT', EXIT.unavailable)) },
    { name: 'on every attempt', fault: { kind: 'heldResponse' }, times: Infinity, expect: (op) => persistent(op, 'E_HTTP_TIMEOUT', EXIT.unavailable) },
  ],
};

/** Faults that let the real handler run, so a write takes effect even when the client sees a failure. */
const REACHES_HANDLER: Record<FaultKind, boolean> = {
  status: false,
  reset: false,
  hang: false,
  slowBody: true,
  malformedJson: false,
  truncatedJson: false,
  htmlLogin: false,
  redirect: false,
  forbidden: false,
  lostResponse: true,
  heldResponse: true,
};

export interface Op extends OpTraits {
  /** The transport's operation name (request stats count its retries). */
  operation: string;
  /** Requests the fault rule may hit. */
  match: FaultMatch;
  /** Simulator options this operation needs (seeded collections…). */
  sims?: WorldOptions;
  /** Warms up (login, look-ups, first connection) so the fault lands on the operation itself. */
  prepare(w: World): Promise<Run>;
}

export interface Run {
  /** Performs the operation and checks the data it returned against the simulator. */
  run(): Promise<void>;
  /** For writes: how many copies of the written object the server holds (never more than one). */
  copies?(): number;
}

const SOURCE = 'ThreatQ';
const FEED_ENTRIES = ['bad.example', '198.51.100.7'];
const COLLECTION = 'Matrix Collection';
const COLLECTION_SIZE = 60;
const EVENT_TITLE = 'Matrix: model breach 1';
const INDICATOR = 'matrix-upsert.example';

export const OPS = {
  'Darktrace read (modelBreaches)': {
    side: 'darktrace',
    idempotent: true,
    operation: 'darktrace.modelbreaches',
    match: { method: 'GET', path: '/modelbreaches' },
    async prepare(w) {
      const sim = w.sims.darktrace.sim;
      const pbids = [sim.addBreach().pbid, sim.addBreach({ score: 0.9 }).pbid].sort((a, b) => a - b);
      await w.clients.darktrace.status();
      return {
        async run() {
          const now = Date.now();
          const got = await w.clients.darktrace.modelBreaches({ startMs: now - 3_600_000, endMs: now + 60_000 });
          assert.deepEqual(got.records.map((b) => b.pbid).sort((a, b) => a - b), pbids);
        },
      };
    },
  },
  'Darktrace write (addIntelFeedEntries)': {
    side: 'darktrace',
    idempotent: true,
    operation: 'darktrace.intelfeed.add',
    match: { method: 'POST', path: '/intelfeed' },
    async prepare(w) {
      await w.clients.darktrace.status();
      const names = () => w.sims.darktrace.sim.intelFeedEntries(SOURCE).map((e) => e.name);
      return {
        async run() {
          await w.clients.darktrace.addIntelFeedEntries({ source: SOURCE, entries: FEED_ENTRIES, description: 'Matrix export', expiresAt: Date.now() + 86_400_000 });
          assert.deepEqual(names().sort(), [...FEED_ENTRIES].sort());
        },
        // The feed is a set: a repeated add cannot duplicate, so count the entries themselves.
        copies: () => (names().length === 0 ? 0 : names().length / FEED_ENTRIES.length),
      };
    },
  },
  'ThreatQ read (collection paging, fault on page 2)': {
    side: 'threatq',
    idempotent: true,
    operation: 'threatq.collections.page',
    match: { method: 'GET', path: '/api/indicators/query/hash/', nth: 2 },
    sims: { sims: { threatq: { seedCollections: [{ name: COLLECTION, size: COLLECTION_SIZE }] } } },
    async prepare(w) {
      const search: SavedSearch = await w.clients.threatq.findCollection(COLLECTION);
      const members = [...(w.sims.threatq.seeded?.collections[0]?.memberIds ?? [])].sort((a, b) => a - b);
      assert.equal(members.length, COLLECTION_SIZE);
      return {
        async run() {
          const ids: number[] = [];
          for await (const ind of w.clients.threatq.collectionIndicators(search, { pageSize: 25, strategy: 'hash' })) ids.push(ind.id);
          assert.deepEqual(ids.sort((a, b) => a - b), members, 'every member exactly once');
        },
      };
    },
  },
  'ThreatQ write (upsertIndicators)': {
    side: 'threatq',
    idempotent: true,
    operation: 'threatq.indicators.consume',
    match: { method: 'POST', path: '/api/indicators/consume' },
    async prepare(w) {
      const tq = w.clients.threatq;
      await tq.indicatorTypeId('FQDN');
      await tq.indicatorStatusId('Review');
      const stored = () => w.sims.threatq.sim.store.findIndicator('FQDN', INDICATOR);
      return {
        async run() {
          const [result] = await tq.upsertIndicators([{ value: INDICATOR, typeName: 'FQDN', statusName: 'Review', sources: [{ name: 'Darktrace' }] }]);
          assert.ok(result?.ok, 'the indicator was accepted');
          assert.equal(result.id, stored());
        },
        copies: () => (stored() === undefined ? 0 : 1),
      };
    },
  },
  'ThreatQ write (createEvents)': {
    side: 'threatq',
    idempotent: false,
    operation: 'threatq.events.consume',
    match: { method: 'POST', path: '/api/events/consume' },
    async prepare(w) {
      const tq = w.clients.threatq;
      await tq.ensureEventType('Model Breach');
      const stored = () => w.sims.threatq.sim.store.eventsWithTitle(EVENT_TITLE);
      return {
        async run() {
          const [result] = await tq.createEvents([{ title: EVENT_TITLE, typeName: 'Model Breach', happenedAt: '2024-05-01 10:00:00' }]);
          assert.ok(result?.ok, 'the event was accepted');
          assert.deepEqual(stored().map((e) => e.id), [result.id]);
        },
        copies: () => stored().length,
      };
    },
  },
} as const satisfies Record<string, Op>;

export type OpName = keyof typeof OPS;

/**
 * One `it` per variant of every fault kind, for the named operations. Each case has its own
 * simulators (fault rules are per server), so cases run side by side: most of their time is
 * spent waiting for timeouts.
 */
export function describeFaultMatrix(opNames: readonly OpName[]): void {
  describe('fault matrix', { concurrency: true }, () => {
    for (const opName of opNames) {
      const op: Op = OPS[opName];
      describe(opName, { concurrency: 8 }, () => {
        for (const kind of FAULT_KINDS) {
          for (const variant of FAULT_MATRIX[kind]) {
            const expected = variant.expect(op);
            const title = `${kind} (${variant.name}) → ${expected.ok ? `data after ${expected.attempts} attempt(s)` : `${expected.code}, exit ${expected.exitCode}, ${expected.attempts} attempt(s)`}`;
            it(title, async (t) => runCase(t, op, kind, variant, expected));
          }
        }
      });
    }
  });
}

async function runCase(t: { after(fn: () => unknown): void }, op: Op, kind: FaultKind, variant: Variant, expected: Outcome): Promise<void> {
  // -ds: still HTTPS, but no CA bundle to parse per world (50-300 ms of CPU each, which under
  // the matrix's parallelism delays answers past the short timeout). Trust is tested in tls.test.ts.
  const w = await startWorld(t, { ...op.sims, verifyTls: false, caFiles: false });
  const server = w.sims[op.side];
  const { run, copies } = await op.prepare(w);
  server.faults.add({ match: { ...op.match, times: variant.times }, fault: variant.fault });

  if (expected.ok) {
    await run();
  } else {
    const err = await rejection(run);
    assert.ok(ConnectorError.is(err), `a ConnectorError, got ${err.stack}`);
    assert.equal(err.code, expected.code, err.message);
    assert.equal(err.exitCode, expected.exitCode, `${err.code}: ${err.message}`);
    assertNoSecrets(w, `${err.message}\n${err.hint ?? ''}`);
  }

  const fired = server.faults.fired().length;
  assert.equal(fired, Math.min(variant.times, expected.attempts), 'requests the fault hit');
  tally('API client fault matrix', { faultsInjected: fired });
  const stats = w.stats.snapshot()[op.operation];
  assert.equal(stats?.retries ?? 0, expected.attempts - 1, 'repeats of the faulted request');

  const retries = w.logger
    .events('http.retry')
    .filter((e) => e.fields.operation === op.operation)
    .map((e) => e.fields.delayMs);
  assert.equal(retries.length, expected.attempts - 1);
  if (expected.ok && expected.retryAfter) assert.deepEqual(retries, [RETRY_AFTER_CAP_MS], 'waited what Retry-After asked (capped)');
  else for (const ms of retries) assert.ok(typeof ms === 'number' && ms <= FAST_RETRY.maxDelayMs, `backoff ${ms} ms, not Retry-After`);

  if (copies) {
    const n = copies();
    assert.ok(n <= 1, `the write was duplicated (${n} copies)`);
    if (expected.ok) assert.equal(n, 1);
    else assert.equal(n, REACHES_HANDLER[kind] ? 1 : 0, 'the write took effect exactly when the fault let the server process it');
  }
  assertNoSecrets(w, w.logger.dump());
}

/** No credential the clients hold may show in a message or a log line. */
function assertNoSecrets(w: World, text: string): void {
  const secrets = [w.config.darktrace.privateToken, w.config.threatq.password, w.tokenStore.load()?.accessToken, w.tokenStore.load()?.refreshToken];
  for (const s of secrets) if (s) assert.ok(!text.includes(s), 'a secret leaked into a message or log');
}

/** Guards the generator itself: every kind has at least one variant with a fault of that kind. */
export function checkMatrixCoverage(): void {
  for (const kind of FAULT_KINDS) {
    const variants = FAULT_MATRIX[kind];
    assert.ok(variants.length > 0, `the fault kind '${kind}' has no expectation in FAULT_MATRIX`);
    for (const v of variants) assert.equal(v.fault.kind, kind, `variant '${v.name}' under '${kind}' injects '${v.fault.kind}'`);
  }
  assert.deepEqual(Object.keys(FAULT_MATRIX).sort(), [...FAULT_KINDS].sort());
}
