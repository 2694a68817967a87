/**
 * The intel-feed read-back is streamed: entries reach the export's sink while Darktrace is still
 * sending, a listing cut off mid-body is read again from the start (the sink told to forget), and
 * every answer that is not a JSON array still fails with the codes a whole-body read gives.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { IntelFeedEntry } from '../../src/darktrace/types.ts';
import { makeClient } from './clientHarness.ts';

type Handler = (res: http.ServerResponse, attempt: number) => void | Promise<void>;

async function startServer(t: TestContext, handler: Handler): Promise<{ origin: string; attempts: () => number }> {
  let attempts = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => void handler(res, ++attempts));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, attempts: () => attempts };
}

const entry = (i: number) => ({ name: `host-${i}.example`, description: 'Exported — "bücher"', expiry: '2030-01-01T00:00:00', strength: 100, iagn: false });
const entries = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => JSON.stringify(entry(from + k))).join(',');

function collector() {
  const got: IntelFeedEntry[] = [];
  let restarts = 0;
  return {
    got,
    restarts: () => restarts,
    sink: {
      entries: (batch: IntelFeedEntry[]) => got.push(...batch),
      restart: () => {
        restarts++;
        got.length = 0;
      },
    },
  };
}

test('entries reach the sink while Darktrace is still sending the listing', async (t) => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const dt = await startServer(t, async (res) => {
    res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
    res.write(`[${entries(0, 2000)},`);
    await released;
    res.end(`${entries(2000, 3000)}]`);
  });
  const { client } = makeClient(t, dt.origin);
  const c = collector();
  const reading = client.readIntelFeedDetails({ source: 'ThreatQ' }, c.sink);
  for (let i = 0; i < 200 && c.got.length < 2000; i++) await delay(10);
  assert.equal(c.got.length, 2000, 'the first 2,000 entries arrived before the body ended');
  release();
  assert.deepEqual(await reading, { entries: 3000, rejects: 0 });
  assert.equal(c.got.length, 3000);
  assert.equal(c.got[2999]?.name, 'host-2999.example');
  assert.equal(c.got[0]?.expiresAt, Date.UTC(2030, 0, 1));
  assert.equal(c.got[0]?.description, 'Exported — "bücher"');
});

test('a listing cut off mid-body is read again from the start, the sink told to forget the first part', async (t) => {
  const dt = await startServer(t, (res, attempt) => {
    res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
    if (attempt === 1) {
      res.write(`[${entries(0, 1500)},`);
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.end(`[${entries(0, 2500)}]`);
  });
  const { client, logs } = makeClient(t, dt.origin);
  const c = collector();
  assert.deepEqual(await client.readIntelFeedDetails({ source: 'ThreatQ' }, c.sink), { entries: 2500, rejects: 0 });
  assert.equal(c.restarts(), 1);
  assert.equal(c.got.length, 2500, 'every entry exactly once');
  assert.equal(new Set(c.got.map((e) => e.name)).size, 2500);
  assert.ok(logs.some((l) => l.event === 'darktrace.stream_retry'));
});

test('a listing cut off on every attempt fails with E_HTTP_NETWORK after three reads', async (t) => {
  const dt = await startServer(t, (res) => {
    res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
    res.write(`[${entries(0, 100)},`);
    setTimeout(() => res.destroy(), 20);
  });
  const { client } = makeClient(t, dt.origin);
  await assert.rejects(client.readIntelFeedDetails({ source: 'ThreatQ' }, collector().sink), { code: 'E_HTTP_NETWORK' });
  assert.equal(dt.attempts(), 3);
});

for (const [name, body, code] of [
  ['the HTML login page', '<!DOCTYPE html><html><head><title>Log In | Darktrace</title></head><body><form action="/login"></form></body></html>', 'E_DT_NO_API_ACCESS'],
  ['an object instead of a list', '{"error":"something"}', 'E_DT_BAD_RESPONSE'],
  ['an empty body', '', 'E_DT_BAD_RESPONSE'],
  ['a list that is not valid JSON', `[${entries(0, 50)},{"name":oops}]`, 'E_DT_BAD_RESPONSE'],
  ['a list that just stops (no closing bracket)', `[${entries(0, 50)},`, 'E_DT_BAD_RESPONSE'],
] as const) {
  test(`a 200 answer with ${name} → ${code}`, async (t) => {
    const dt = await startServer(t, (res) => {
      res.writeHead(200, { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json', date: new Date().toUTCString() });
      res.end(body);
    });
    const { client } = makeClient(t, dt.origin);
    const err = await client.readIntelFeedDetails({ source: 'ThreatQ' }, collector().sink).catch((e: unknown) => e);
    assert.equal((err as { code?: string }).code, code, String(err));
    assert.match((err as Error).message, /\/intelfeed/);
    assert.equal(dt.attempts(), 1, 'not repeated: the answer was complete');
  });
}

test('unreadable entries are set aside and counted; intelFeedDetails still returns records and rejects', async (t) => {
  const dt = await startServer(t, (res) => {
    res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
    res.end(`[${entries(0, 3)},{"description":"no name"},42,{"name":"x.example","expiry":"not a date"}]`);
  });
  const { client, logs } = makeClient(t, dt.origin);
  const result = await client.intelFeedDetails({ source: 'ThreatQ' });
  assert.equal(result.records.length, 3);
  assert.equal(result.rejects.length, 3);
  assert.ok(logs.some((l) => l.event === 'darktrace.rejects'));
});
