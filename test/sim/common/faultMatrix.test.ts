/**
 * Every fault kind, over HTTPS and plain HTTP, against a trivial handler with a real client.
 * The matrix is typed as a Record over FaultKind, so a new kind fails to compile until it is
 * tested here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAULT_KINDS } from '../../../src/sim/common/faults.ts';
import type { Fault, FaultKind } from '../../../src/sim/common/faults.ts';
import { startSimServer } from '../../../src/sim/common/startSimServer.ts';
import type { SimServer } from '../../../src/sim/common/startSimServer.ts';
import { rawRequest, RawRequestError } from './rawRequest.ts';
import type { RawResponse } from './rawRequest.ts';

const ITEMS = { items: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `n${i}` })) };
const REAL_BODY = JSON.stringify(ITEMS);

/** Requests the real handler ran for, so faults that let it run can prove it. */
const handled: string[] = [];

function trivialHandler(req: IncomingMessage, res: ServerResponse): void {
  handled.push(req.url ?? '');
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(REAL_BODY)) });
  res.end(REAL_BODY);
}

type Outcome = { ok: RawResponse } | { failed: RawRequestError };

interface Case {
  fault: Fault;
  timeoutMs?: number;
  check(outcome: Outcome, sim: SimServer): void;
}

const ok = (o: Outcome): RawResponse => {
  if ('failed' in o) assert.fail(`expected an answer, got ${o.failed.message}`);
  return o.ok;
};
const failed = (o: Outcome): RawRequestError => {
  if ('ok' in o) assert.fail(`expected a failure, got HTTP ${o.ok.status}`);
  return o.failed;
};

const MATRIX: Record<FaultKind, Case[]> = {
  status: [
    {
      fault: { kind: 'status', status: 429 },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.status, 429);
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(r.body, '429 Too Many Requests');
      },
    },
    {
      fault: { kind: 'status', status: 429, retryAfterSeconds: 7 },
      check: (o) => assert.equal(ok(o).headers['retry-after'], '7'),
    },
    {
      fault: { kind: 'status', status: 502, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.status, 502);
        assert.equal(r.headers['content-type'], 'text/html');
        assert.equal(r.headers['retry-after'], undefined);
        assert.match(r.body, /502 Bad Gateway/);
      },
    },
    {
      fault: { kind: 'status', status: 400, body: '{"status":"API DATE ERROR"}', contentType: 'application/json' },
      check: (o) => assert.deepEqual(JSON.parse(ok(o).body), { status: 'API DATE ERROR' }),
    },
  ],
  reset: [
    {
      fault: { kind: 'reset' },
      check: (o) => {
        const e = failed(o);
        assert.equal(e.failure.stage, 'request');
        assert.equal(e.failure.code, 'ECONNRESET');
      },
    },
  ],
  hang: [
    {
      fault: { kind: 'hang' },
      timeoutMs: 300,
      check: (o, sim) => {
        assert.equal(failed(o).failure.code, 'CLIENT_TIMEOUT');
        assert.equal(sim.requests.at(-1)?.fault, 'hang');
      },
    },
  ],
  slowBody: [
    {
      fault: { kind: 'slowBody', chunkBytes: 64, delayMs: 20 },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.body, REAL_BODY);
        assert.ok(r.chunks >= 4, `body arrived in ${r.chunks} pieces`);
        assert.ok(r.ms >= Math.floor(REAL_BODY.length / 64) * 20 - 20, `took ${r.ms} ms`);
      },
    },
  ],
  malformedJson: [
    {
      fault: { kind: 'malformedJson' },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.status, 200);
        assert.equal(r.headers['content-type'], 'application/json');
        assert.throws(() => JSON.parse(r.body), SyntaxError);
      },
    },
  ],
  truncatedJson: [
    {
      fault: { kind: 'truncatedJson' },
      check: (o) => {
        const e = failed(o);
        assert.equal(e.failure.stage, 'body');
        assert.equal(e.failure.status, 200);
        const announced = Number(e.failure.headers?.['content-length']);
        assert.ok((e.failure.received?.length ?? 0) < announced, 'fewer bytes than announced');
        assert.throws(() => JSON.parse(e.failure.received ?? ''), SyntaxError);
      },
    },
  ],
  htmlLogin: [
    {
      fault: { kind: 'htmlLogin' },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.status, 200);
        assert.match(String(r.headers['content-type']), /^text\/html/);
        assert.match(r.body, /<title>Log In \| Darktrace<\/title>/);
      },
    },
  ],
  redirect: [
    {
      fault: { kind: 'redirect' },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.status, 302);
        assert.equal(r.headers.location, '/login');
        assert.equal(r.body, 'Found. Redirecting to /login');
      },
    },
    {
      fault: { kind: 'redirect', location: '/403' },
      check: (o) => assert.equal(ok(o).headers.location, '/403'),
    },
  ],
  forbidden: [
    {
      fault: { kind: 'forbidden' },
      check: (o) => {
        const r = ok(o);
        assert.equal(r.status, 403);
        assert.deepEqual(JSON.parse(r.body), { error: '403 Forbidden' });
      },
    },
  ],
  lostResponse: [
    {
      fault: { kind: 'lostResponse' },
      check: (o) => {
        failed(o);
        assert.equal(handled.at(-1), '/items?limit=5', 'the handler ran although the answer was lost');
      },
    },
  ],
  heldResponse: [
    {
      fault: { kind: 'heldResponse' },
      timeoutMs: 300,
      check: (o) => {
        failed(o);
        assert.equal(handled.at(-1), '/items?limit=5', 'the handler ran although no answer came');
      },
    },
  ],
};

for (const tls of [true, false]) {
  const scheme = tls ? 'https' : 'http';
  for (const kind of FAULT_KINDS) {
    for (const [i, c] of MATRIX[kind].entries()) {
      test(`${scheme}: fault ${kind} #${i + 1} fires once, then the real handler answers again`, async (t) => {
        const sim = await startSimServer(trivialHandler, { name: 'matrix', tls });
        t.after(() => sim.close());
        sim.faults.add({ match: { path: '/items' }, fault: c.fault });

        const outcome: Outcome = await rawRequest(`${sim.url}/items?limit=5`, { ca: sim.caPem, timeoutMs: c.timeoutMs })
          .then((r) => ({ ok: r }))
          .catch((e: unknown) => {
            if (e instanceof RawRequestError) return { failed: e };
            throw e;
          });
        c.check(outcome, sim);
        assert.deepEqual(sim.faults.fired(), [{ method: 'GET', path: '/items', kind, rule: 0 }]);

        const after = await rawRequest(`${sim.url}/items`, { ca: sim.caPem });
        assert.equal(after.status, 200);
        assert.equal(after.body, REAL_BODY);
      });
    }
  }
}
