import assert from 'node:assert/strict';
import test from 'node:test';
import { fixedClock } from '../../../src/clock.ts';
import { request, startThreatQ } from './helpers.ts';

const CREDS = { clientId: 'cid-123', email: 'analyst@example.com', password: 'Secr3t!pw' };

function assertTokenAnswer(json: any, ttl = 3600) {
  assert.equal(typeof json.access_token, 'string');
  assert.ok(json.access_token.length >= 20);
  assert.equal(json.token_type, 'Bearer');
  assert.equal(json.expires_in, ttl);
  assert.equal(typeof json.refresh_token, 'string');
  assert.notEqual(json.refresh_token, json.access_token);
}

test('password grant works in the three ways clients send it: SDK query+JSON, all-JSON, form', async (t) => {
  const tq = await startThreatQ(t, { credentials: CREDS });
  const sdk = await request(`${tq.url}/api/token?grant_type=password&client_id=cid-123`, 'POST', { body: { email: CREDS.email, password: CREDS.password } });
  assert.equal(sdk.status, 200);
  assertTokenAnswer(sdk.json);
  const kibana = await request(`${tq.url}/api/token`, 'POST', { body: { email: CREDS.email, password: CREDS.password, grant_type: 'password', client_id: CREDS.clientId } });
  assert.equal(kibana.status, 200);
  assertTokenAnswer(kibana.json);
  const form = new URLSearchParams({ grant_type: 'password', email: CREDS.email, password: CREDS.password, client_id: CREDS.clientId }).toString();
  const xsoar = await request(`${tq.url}/api/token`, 'POST', { raw: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(xsoar.status, 200);
  assertTokenAnswer(xsoar.json);
  assert.equal(tq.sim.tokensIssued(), 3);
  const types = await request(`${tq.url}/api/indicator/types`, 'GET', { token: xsoar.json.access_token });
  assert.equal(types.status, 200);
});

test('bad credentials, a wrong client id, missing fields and username instead of email are 400', async (t) => {
  const tq = await startThreatQ(t, { credentials: CREDS });
  const tries: Array<Record<string, string>> = [
    { email: CREDS.email, password: 'wrong', grant_type: 'password', client_id: CREDS.clientId },
    { email: 'other@example.com', password: CREDS.password, grant_type: 'password', client_id: CREDS.clientId },
    { email: CREDS.email, password: CREDS.password, grant_type: 'password', client_id: 'not-the-id' },
    { email: CREDS.email, grant_type: 'password', client_id: CREDS.clientId },
    { username: CREDS.email, password: CREDS.password, grant_type: 'password', client_id: CREDS.clientId },
    { email: CREDS.email, password: CREDS.password, grant_type: 'implicit', client_id: CREDS.clientId },
  ];
  for (const body of tries) {
    const r = await request(`${tq.url}/api/token`, 'POST', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.access_token, undefined);
    assert.ok(!r.text.includes(CREDS.password), 'the answer never echoes the password');
  }
  assert.equal(tq.sim.tokensIssued(), 0);
});

test('refresh grant: refresh_token in the query gives a new pair; a refresh token works once', async (t) => {
  const tq = await startThreatQ(t, { credentials: CREDS, tokenTtlSeconds: 120 });
  const first = await request(`${tq.url}/api/token`, 'POST', { body: { email: CREDS.email, password: CREDS.password, grant_type: 'password', client_id: CREDS.clientId } });
  const rt = first.json.refresh_token as string;
  const refreshed = await request(`${tq.url}/api/token?grant_type=refresh_token&refresh_token=${rt}`, 'POST', { token: first.json.access_token });
  assert.equal(refreshed.status, 200);
  assertTokenAnswer(refreshed.json, 120);
  assert.notEqual(refreshed.json.access_token, first.json.access_token);
  assert.equal((await request(`${tq.url}/api/event/types`, 'GET', { token: refreshed.json.access_token })).status, 200);
  const again = await request(`${tq.url}/api/token?grant_type=refresh_token&refresh_token=${rt}`, 'POST');
  assert.equal(again.status, 400);
  const bogus = await request(`${tq.url}/api/token?grant_type=refresh_token&refresh_token=nope`, 'POST');
  assert.equal(bogus.status, 400);
});

test('client-credentials grant with HTTP Basic for a private OAuth client', async (t) => {
  const tq = await startThreatQ(t, { privateClient: { clientId: 'priv', clientSecret: 's3cret' } });
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const ok = await request(`${tq.url}/api/token?grant_type=client_credentials`, 'POST', {
    raw: '',
    headers: { authorization: basic('priv', 's3cret'), 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(ok.status, 200);
  assertTokenAnswer(ok.json);
  const bad = await request(`${tq.url}/api/token?grant_type=client_credentials`, 'POST', { headers: { authorization: basic('priv', 'wrong') } });
  assert.equal(bad.status, 400);
});

test('every other route needs a live Bearer token: missing, unknown and lowercase "bearer" are 401', async (t) => {
  const tq = await startThreatQ(t);
  const token = await tq.login();
  assert.equal((await tq.call('GET', '/api/indicator/statuses', { token: null })).status, 401);
  assert.equal((await tq.call('GET', '/api/indicator/statuses', { token: 'made-up-token' })).status, 401);
  const lower = await tq.call('GET', '/api/indicator/statuses', { token: null, headers: { authorization: `bearer ${token}` } });
  assert.equal(lower.status, 401);
  assert.equal((await tq.call('GET', '/api/indicator/statuses', { token: null, headers: { authorization: `Bearer ${token}` } })).status, 200);
  // Unknown routes are 404 whatever the token, like a router in front of the auth middleware.
  assert.equal((await tq.call('GET', '/api/no/such/thing')).status, 404);
});

test('lowercase bearer is accepted when the option says so', async (t) => {
  const tq = await startThreatQ(t, { rejectLowercaseBearer: false });
  const token = await tq.login();
  const r = await tq.call('GET', '/api/indicator/statuses', { token: null, headers: { authorization: `bearer ${token}` } });
  assert.equal(r.status, 200);
});

test('tokens expire with the injected clock, and expireAllTokens ends them at once', async (t) => {
  const clock = fixedClock(Date.UTC(2025, 0, 1));
  const tq = await startThreatQ(t, { clock, tokenTtlSeconds: 60 });
  const token = await tq.login();
  clock.advance(59_000);
  assert.equal((await tq.call('GET', '/api/event/types')).status, 200);
  clock.advance(1_000);
  assert.equal((await tq.call('GET', '/api/event/types')).status, 401);

  const fresh = await tq.login();
  assert.notEqual(fresh, token);
  assert.equal((await tq.call('GET', '/api/event/types')).status, 200);
  tq.sim.expireAllTokens();
  assert.equal((await tq.call('GET', '/api/event/types')).status, 401);
});

test('expireAllTokens({ refresh: true }) also kills refresh tokens, forcing a password login', async (t) => {
  const tq = await startThreatQ(t, { credentials: CREDS });
  const first = await request(`${tq.url}/api/token`, 'POST', { body: { ...CREDS, client_id: CREDS.clientId, grant_type: 'password' } });
  tq.sim.expireAllTokens();
  const stillRefreshable = await request(`${tq.url}/api/token?grant_type=refresh_token&refresh_token=${first.json.refresh_token}`, 'POST');
  assert.equal(stillRefreshable.status, 200);
  tq.sim.expireAllTokens({ refresh: true });
  const dead = await request(`${tq.url}/api/token?grant_type=refresh_token&refresh_token=${stillRefreshable.json.refresh_token}`, 'POST');
  assert.equal(dead.status, 400);
});

test('request counts are kept per route, including refused ones', async (t) => {
  const tq = await startThreatQ(t);
  await tq.login();
  await tq.call('GET', '/api/indicators/7');
  await tq.call('GET', '/api/indicators/8', { token: 'bad' });
  assert.equal(tq.sim.requestCount('POST /api/token'), 1);
  assert.equal(tq.sim.requestCount('GET /api/indicators/:id#'), 2);
  tq.sim.resetRequestCounts();
  assert.deepEqual(tq.sim.requestCounts(), {});
});
