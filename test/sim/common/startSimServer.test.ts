import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { startSimServer } from '../../../src/sim/common/startSimServer.ts';
import { rawRequest, RawRequestError } from './rawRequest.ts';

function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  if (req.url?.startsWith('/boom')) throw new Error('handler exploded');
  const body = JSON.stringify({ method: req.method, url: req.url });
  res.writeHead(req.url?.startsWith('/created') ? 201 : 200, { 'content-type': 'application/json' });
  res.end(body);
}

async function asyncBoom(_req: IncomingMessage, _res: ServerResponse): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  throw new Error('async handler exploded');
}

test('listens on 127.0.0.1 over HTTPS by default; undici trusts it only with the CA', async (t) => {
  const sim = await startSimServer(echoHandler, { name: 'darktrace' });
  t.after(() => sim.close());
  assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(sim.url, `https://127.0.0.1:${sim.port}`);
  assert.ok(sim.caPem);
  assert.equal(new X509Certificate(sim.caPem).checkIP('127.0.0.1'), '127.0.0.1');

  const trusted = new Agent({ connect: { ca: sim.caPem, rejectUnauthorized: true } });
  const untrusted = new Agent({ connect: { rejectUnauthorized: true } });
  t.after(() => Promise.all([trusted.close(), untrusted.close()]));

  const res = await request(`${sim.url}/status`, { dispatcher: trusted });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(await res.body.json(), { method: 'GET', url: '/status' });
  await assert.rejects(request(`${sim.url}/status`, { dispatcher: untrusted }), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
});

test('tls: false serves plain HTTP without a CA', async (t) => {
  const sim = await startSimServer(echoHandler, { name: 'threatq', tls: false });
  t.after(() => sim.close());
  assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(sim.caPem, undefined);
  assert.equal((await rawRequest(`${sim.url}/api/things`)).status, 200);
});

test('each server gets its own certificate', async (t) => {
  const a = await startSimServer(echoHandler, { name: 'a' });
  const b = await startSimServer(echoHandler, { name: 'b' });
  t.after(() => Promise.all([a.close(), b.close()]));
  assert.notEqual(a.caPem, b.caPem);
  await assert.rejects(rawRequest(`${a.url}/x`, { ca: b.caPem }), RawRequestError);
});

test('the request log records method, path, redacted query, status, duration and fault', async (t) => {
  const sim = await startSimServer(echoHandler, { name: 'log', tls: false });
  t.after(() => sim.close());
  sim.faults.add({ match: { path: '/limited' }, fault: { kind: 'status', status: 429 } });

  await rawRequest(`${sim.url}/modelbreaches?minscore=0.5&includeacknowledged=false`);
  await rawRequest(`${sim.url}/created?access_token=sekrit-1234&password=hunter22&limit=3`, { method: 'POST', body: 'a=1' });
  await rawRequest(`${sim.url}/limited`);

  assert.deepEqual(
    sim.requests.map(({ method, path, query, status, fault }) => ({ method, path, query, status, fault })),
    [
      { method: 'GET', path: '/modelbreaches', query: 'minscore=0.5&includeacknowledged=false', status: 200, fault: undefined },
      { method: 'POST', path: '/created', query: 'access_token=[REDACTED]&password=[REDACTED]&limit=3', status: 201, fault: undefined },
      { method: 'GET', path: '/limited', query: '', status: 429, fault: 'status' },
    ],
  );
  assert.ok(sim.requests.every((r) => r.ms > 0));
  assert.doesNotMatch(JSON.stringify(sim.requests), /sekrit|hunter22/);
});

test('a hung request is logged with status 0 and close() ends it promptly', async () => {
  const sim = await startSimServer(echoHandler, { name: 'hang' });
  sim.faults.add({ match: { times: Infinity }, fault: { kind: 'hang' } });

  const pending = rawRequest(`${sim.url}/never`, { ca: sim.caPem, timeoutMs: 30_000 });
  const outcome = pending.then(
    () => 'answered',
    (e: RawRequestError) => e.failure.code,
  );
  while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(sim.requests[0]?.status, 0);
  assert.equal(sim.requests[0]?.ms, 0, 'still pending');

  const started = Date.now();
  await sim.close();
  assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
  assert.equal(await outcome, 'ECONNRESET');
  assert.equal(sim.requests[0]?.status, 0);
  assert.ok((sim.requests[0]?.ms ?? 0) > 0, 'duration recorded when the connection closed');
  await sim.close(); // idempotent
});

test('close() also ends a slow body in mid-flight and idle keep-alive connections', async () => {
  const sim = await startSimServer(echoHandler, { name: 'slow', tls: false });
  const keepAlive = new Agent({ keepAliveTimeout: 60_000 });
  try {
    const first = await request(`${sim.url}/warm`, { dispatcher: keepAlive });
    await first.body.text();
    sim.faults.add({ fault: { kind: 'slowBody', chunkBytes: 1, delayMs: 1000 } });
    const slow = await request(`${sim.url}/slow`, { dispatcher: keepAlive });
    assert.equal(slow.statusCode, 200);
    const bodyOutcome = slow.body.text().then(
      () => 'complete',
      () => 'cut',
    );
    const started = Date.now();
    await sim.close();
    assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
    assert.equal(await bodyOutcome, 'cut');
  } finally {
    await keepAlive.close();
  }
});

test('a handler that throws (sync or async) answers 500 instead of hanging', async (t) => {
  const sim = await startSimServer(echoHandler, { name: 'buggy', tls: false });
  const asyncSim = await startSimServer(asyncBoom, { name: 'buggy', tls: false });
  t.after(() => Promise.all([sim.close(), asyncSim.close()]));
  const sync = await rawRequest(`${sim.url}/boom`);
  assert.equal(sync.status, 500);
  assert.match(sync.body, /buggy simulator failed: handler exploded/);
  const later = await rawRequest(`${asyncSim.url}/anything`);
  assert.equal(later.status, 500);
  assert.match(later.body, /async handler exploded/);
});
