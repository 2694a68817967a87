import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import { fixtureText } from './fixtures.ts';
import { makeClient } from './clientHarness.ts';
import { startDtServer } from './dtTestServer.ts';

const MIN = 60_000;

test('a server 45 min ahead: the first date error is retried once in server time, later requests are signed right away', async (t) => {
  const dt = await startDtServer(t, { now: () => Date.now() + 45 * MIN, route: () => ({ body: fixtureText('status.constructed.json') }) });
  const { client, logs } = makeClient(t, dt.origin);
  await client.status();
  assert.deepEqual(dt.requests.map((r) => r.auth), ['date', 'ok']);
  const skew = client.clockSkewMs()!;
  assert.ok(Math.abs(skew - 45 * MIN) < 5_000, `measured ${skew}`);
  assert.ok(logs.some((l) => l.event === 'darktrace.clock_skew' && /45 minutes behind/.test(l.message) && /NTP/.test(l.message)));

  await client.status();
  await client.intelFeedSources().catch(() => undefined);
  assert.deepEqual(dt.requests.slice(2).map((r) => r.auth), ['ok', 'ok'], 'no more date errors');
});

test('a server 20 min behind is within the window but still measured and compensated', async (t) => {
  const dt = await startDtServer(t, { now: () => Date.now() - 20 * MIN, route: () => ({ body: fixtureText('status.constructed.json') }) });
  const { client } = makeClient(t, dt.origin);
  await client.status();
  await client.status();
  assert.deepEqual(dt.requests.map((r) => r.auth), ['ok', 'ok']);
  const sent = (i: number) => {
    const d = String(dt.requests[i]!.headers['dtapi-date']);
    return Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15));
  };
  assert.ok(Math.abs(sent(0) - Date.now()) < 5_000, 'first request in local time');
  assert.ok(Math.abs(sent(1) - (Date.now() - 20 * MIN)) < 5_000, 'second request in server time');
});

test('a date error that persists after correcting → E_DT_DATE with the skew in minutes and the NTP fix', async (t) => {
  // The server's Date header says +50 min but it rejects every date (a proxy in front with its own clock, say).
  const dt = await startDtServer(t, {
    noAuth: true,
    route: () => ({ status: 400, headers: { date: new Date(Date.now() + 50 * MIN).toUTCString() }, body: fixtureText('error-400-api-date.constructed.json') }),
  });
  const { client } = makeClient(t, dt.origin);
  await assert.rejects(client.modelBreaches({ startMs: 1, endMs: 2 }), (err: any) => {
    assert.equal(err.code, 'E_DT_DATE');
    assert.equal(err.exitCode, EXIT.auth);
    assert.match(err.message, /50 minutes behind Darktrace's/);
    assert.match(err.message, /30 minutes/);
    assert.match(err.hint, /NTP.*chrony/);
    assert.ok(Math.abs(err.skewMs - 50 * MIN) < 5_000);
    return true;
  });
  assert.equal(dt.requests.length, 2, 'retried exactly once');
  assert.ok(dt.requests[1]!.headers['dtapi-date'] !== dt.requests[0]!.headers['dtapi-date'], 'the retry was dated in server time');
});

test('a date error with no skew to correct retries once with the spaced date form (fresh 7.1.0 appliances)', async (t) => {
  const dt = await startDtServer(t, {
    noAuth: true,
    route: (req) =>
      /^\d{8}T\d{6}$/.test(String(req.headers['dtapi-date'])) ? { status: 400, body: { status: 'API DATE ERROR' } } : { body: fixtureText('status.constructed.json') },
  });
  const { client } = makeClient(t, dt.origin);
  assert.equal((await client.status()).hostname, 'dt-sim-01');
  assert.match(String(dt.requests[1]!.headers['dtapi-date']), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  await client.status();
  assert.equal(dt.requests.length, 3, 'the spaced form is kept');
});
