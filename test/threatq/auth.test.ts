import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import { MemoryTokenStore } from '../../src/threatq/auth/memoryTokenStore.ts';
import { CREDS } from './helpers/fakeThreatQ.ts';
import { assertNoSecrets, errorText, rejectsWith, setup, T0 } from './helpers/setup.ts';

const STATUSES = { data: [{ id: 1, name: 'Active' }, { id: 4, name: 'Review' }], total: 2 };

test('password grant is sent as threatqsdk sends it and the token is used with a capital Bearer', async (t) => {
  const { server, client, tokenStore } = await setup(t);
  server.tokenType = 'bearer'; // lowercase in the answer, as Kibana's test server sends it
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));

  assert.equal(await client.indicatorStatusId('Review'), 4);

  const login = server.requests[0]!;
  assert.equal(login.method, 'POST');
  assert.equal(login.path, '/api/token');
  assert.equal(login.query.get('grant_type'), 'password');
  assert.equal(login.query.get('client_id'), CREDS.clientId);
  assert.deepEqual(login.json, { email: CREDS.email, password: CREDS.password });
  assert.match(String(login.headers['content-type']), /application\/json/);
  assert.equal(server.requests[1]!.headers.authorization, `Bearer ${server.issued[0]}`);
  const saved = tokenStore.load()!;
  assert.equal(saved.accessToken, server.issued[0]);
  assert.equal(saved.expiresAt, T0 + 3600_000);
});

test('a stored token is reused without logging in, and refreshed proactively shortly before it expires', async (t) => {
  const { server, client, clock, tokenStore } = await setup(t);
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));
  server.on('GET /api/events/5', () => ({ json: { data: { id: 5, title: 'x' } } }));
  await client.authenticate();
  assert.equal(server.count('POST /api/token'), 1);

  // A new client (next cron run) over the same store does not log in again.
  const second = await setup(t, { tokenStore, baseUrl: server.url });
  await second.client.getEvent(5).catch(() => undefined);
  assert.equal(server.count('POST /api/token'), 1);

  // 30 s before expiry (inside the 60 s margin) the next call refreshes first.
  clock.set(T0 + 3600_000 - 30_000);
  const firstRefresh = server.issuedRefresh[0]!;
  assert.equal((await client.getEvent(5))?.id, 5);
  const tokenCalls = server.requests.filter((r) => r.path === '/api/token');
  assert.equal(tokenCalls.length, 2);
  const refresh = tokenCalls[1]!;
  assert.equal(refresh.query.get('grant_type'), 'refresh_token');
  assert.equal(refresh.query.get('refresh_token'), firstRefresh);
  assert.equal(refresh.headers.authorization, `Bearer ${server.issued[0]}`);
  assert.equal(tokenStore.load()!.accessToken, server.issued[1]);
  assert.equal(tokenStore.load()!.expiresAt, T0 + 3600_000 - 30_000 + 3600_000);
  const last = server.requests.at(-1)!;
  assert.equal(last.headers.authorization, `Bearer ${server.issued[1]}`);
});

test('a refused refresh token falls back to one password login', async (t) => {
  const store = new MemoryTokenStore({ accessToken: 'stale-access-token', refreshToken: 'unknown-refresh-token', expiresAt: T0 - 1 });
  const { server, client, tokenStore } = await setup(t, { tokenStore: store });
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));
  assert.equal(await client.indicatorStatusId('Active'), 1);
  const grants = server.requests.filter((r) => r.path === '/api/token').map((r) => r.query.get('grant_type'));
  assert.deepEqual(grants, ['refresh_token', 'password']);
  assert.equal(tokenStore.load()!.accessToken, server.issued[0]);
});

test('without expires_in the token is assumed to live 30 minutes', async (t) => {
  const { server, client, tokenStore } = await setup(t);
  server.expiresIn = undefined;
  await client.authenticate();
  assert.equal(tokenStore.load()!.expiresAt, T0 + 30 * 60_000);
});

test('a 401 triggers exactly one re-login and the request is repeated', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/events/9', () => ({ json: { data: { id: 9, title: 'Nine' } } }));
  await client.authenticate();
  server.revokeAll(); // e.g. the appliance restarted and forgot its sessions
  const event = await client.getEvent(9);
  assert.equal(event?.title, 'Nine');
  const grants = server.requests.filter((r) => r.path === '/api/token').map((r) => r.query.get('grant_type'));
  assert.deepEqual(grants, ['password', 'password']);
  assert.equal(server.count('GET /api/events/9'), 2);
});

test('a second 401 after the re-login fails clearly instead of looping', async (t) => {
  const { server, client, lines } = await setup(t);
  server.on('GET /api/events/9', () => ({ json: { data: { id: 9 } } }));
  await client.authenticate();
  server.force401 = 10;
  const err = await rejectsWith(() => client.getEvent(9), 'E_TQ_UNAUTHORIZED');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.message, /GET \/api\/events\/9/);
  assert.match(err.message, /401 twice/);
  assert.equal(server.count('GET /api/events/9'), 2);
  assert.equal(server.count('POST /api/token'), 2);
  assertNoSecrets(server, [errorText(err), ...lines]);
});

test('bad credentials fail with E_TQ_LOGIN naming host, client id and user but never the password', async (t) => {
  const { server, client, lines } = await setup(t, { password: 'Canary-Pa55word!-wrong' });
  const err = await rejectsWith(() => client.indicatorStatusId('Review'), 'E_TQ_LOGIN');
  assert.equal(err.exitCode, EXIT.auth);
  const host = new URL(server.url).host;
  assert.ok(err.message.includes(host), err.message);
  assert.ok(err.message.includes(CREDS.clientId));
  assert.ok(err.message.includes(CREDS.email));
  assert.match(err.message, /HTTP 400/);
  assert.match(err.hint ?? '', /Client ID/);
  assert.equal(server.count('POST /api/token'), 1, 'a refused login is not retried');
  for (const text of [errorText(err), ...lines]) assert.ok(!text.includes('Canary-Pa55word!-wrong'));
});

test('a 401 at the token endpoint is a login failure too', async (t) => {
  const { server, client } = await setup(t, { clientId: 'not-my-client' });
  server.badLoginStatus = 401;
  const err = await rejectsWith(() => client.authenticate(), 'E_TQ_LOGIN');
  assert.match(err.message, /'not-my-client'/);
  assert.match(err.message, /HTTP 401/);
});

test('tokens and the password never appear in log lines or errors, even though the transport logs full URLs', async (t) => {
  const { server, client, clock, lines } = await setup(t);
  server.on('GET /api/events/1', () => ({ status: 500, json: { errors: [`internal: token ${server.issued.at(-1)} broke`] } }));
  await client.authenticate();
  clock.advance(3600_000); // forces a refresh grant, whose URL carries the refresh token
  const err = await rejectsWith(() => client.getEvent(1), 'E_TQ_UNAVAILABLE');
  assert.ok(server.requests.some((r) => r.query.get('grant_type') === 'refresh_token'));
  assert.ok(lines.some((l) => l.includes('grant_type=refresh_token')), 'the transport did log the refresh URL');
  assert.ok(lines.some((l) => l.includes('[REDACTED]')));
  assertNoSecrets(server, [errorText(err), ...lines]);
});

test('concurrent requests share one login, and login() forces a fresh one for doctor', async (t) => {
  const { server, client } = await setup(t);
  server.onPattern('GET', /^\/api\/events\/\d+$/, (req) => ({ json: { data: { id: Number(req.path.split('/').pop()) } } }));
  const events = await Promise.all([1, 2, 3, 4, 5].map((id) => client.getEvent(id)));
  assert.deepEqual(events.map((e) => e?.id), [1, 2, 3, 4, 5]);
  assert.equal(server.count('POST /api/token'), 1);
  await client.login();
  assert.equal(server.count('POST /api/token'), 2);
  assert.equal(server.requests.at(-1)!.query.get('grant_type'), 'password');
});
