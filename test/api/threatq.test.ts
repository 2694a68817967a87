/**
 * The ThreatQ client against the ThreatQ simulator over HTTPS, built by createApiClients:
 * token expiry and refresh, bad credentials, the Bearer header as sent on the wire, and
 * collection paging at scale.
 */
import assert from 'node:assert/strict';
import dc from 'node:diagnostics_channel';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import type { SavedSearch } from '../../src/threatq/types.ts';
import { rejection, startWorld, type World } from './support.ts';

/** POST /api/token requests of one grant seen by the simulator. */
function tokenRequests(w: World, grant: 'password' | 'refresh_token'): number {
  return w.sims.threatq.requests.filter((r) => r.path === '/api/token' && r.query.includes(`grant_type=${grant}`)).length;
}

async function ids(w: World, search: SavedSearch, options: Parameters<World['clients']['threatq']['collectionIndicators']>[1]): Promise<number[]> {
  const out: number[] = [];
  for await (const ind of w.clients.threatq.collectionIndicators(search, options)) out.push(ind.id);
  return out.sort((a, b) => a - b);
}

test('tokens expiring in the middle of paging: the next request logs in again, exactly once, and paging goes on', async (t) => {
  const w = await startWorld(t, { sims: { threatq: { seedCollections: [{ name: 'Watch List', size: 120 }] } } });
  const tq = w.clients.threatq;
  const search = await tq.findCollection('Watch List');
  const seen: number[] = [];
  let page = 0;
  for await (const ind of tq.collectionIndicators(search, { pageSize: 25 })) {
    seen.push(ind.id);
    if (seen.length === 30 && page++ === 0) w.sims.threatq.sim.expireAllTokens({ refresh: true });
  }
  assert.deepEqual(seen.sort((a, b) => a - b), [...(w.sims.threatq.seeded?.collections[0]?.memberIds ?? [])].sort((a, b) => a - b));
  assert.equal(tokenRequests(w, 'password'), 2, 'the first login and one re-login');
  assert.equal(w.sims.threatq.sim.tokensIssued(), 2);
  assert.equal(w.sims.threatq.requests.filter((r) => r.status === 401).length, 1, 'one request refused, then repeated with the new token');
  assert.equal(w.logger.events('threatq.token.rejected').length, 1);
});

test('tokens expiring under concurrent requests: all succeed after a single re-login', async (t) => {
  const w = await startWorld(t);
  const tq = w.clients.threatq;
  await tq.listCollections();
  w.sims.threatq.sim.expireAllTokens();
  const results = await Promise.all([tq.listCollections(), tq.indicatorStatuses(), tq.findEventsByTitle('nothing'), tq.findIndicators('none.example')]);
  assert.equal(results.length, 4);
  assert.equal(tokenRequests(w, 'password'), 2);
  assert.equal(w.sims.threatq.sim.tokensIssued(), 2);
});

test('a token past its expiry is renewed with the refresh grant, not the password, and never logged', async (t) => {
  // The connector's clock runs an hour ahead after each call, so its cached token looks expired
  // (to the simulator, whose clock does not move, the refresh token is still good).
  let shift = 0;
  const w = await startWorld(t, { clock: { now: () => Date.now() + shift } });
  const tq = w.clients.threatq;
  const tokens = new Set<string>();
  const remember = () => {
    const stored = w.tokenStore.load();
    if (stored) [stored.accessToken, stored.refreshToken].forEach((x) => x && tokens.add(x));
  };
  await tq.authenticate();
  remember();
  for (let i = 0; i < 3; i++) {
    shift += 3_600_000;
    await tq.listCollections();
    remember();
  }
  assert.equal(tokenRequests(w, 'password'), 1);
  assert.equal(tokenRequests(w, 'refresh_token'), 3, 'one refresh per expiry');
  assert.equal(w.sims.threatq.requests.filter((r) => r.status !== 200).length, 0);
  assert.equal(tokens.size, 8, 'four token pairs');
  const log = w.logger.dump();
  for (const token of tokens) assert.ok(!log.includes(token), 'a token appears in the log');
});

test('a wrong password → E_TQ_LOGIN (exit 3) naming the user, without the password', async (t) => {
  const wrong = 'Wrong-Password-5309!';
  const w = await startWorld(t, { edit: (c) => void (c.threatq.password = wrong) });
  const err = await rejection(() => w.clients.threatq.listCollections());
  assert.equal(err.code, 'E_TQ_LOGIN');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.message, new RegExp(`user '${w.config.threatq.username}'`));
  assert.match(err.message, /client id 'sim-client-id'/);
  for (const text of [err.message, err.hint ?? '', err.stack ?? '', w.logger.dump()]) {
    assert.ok(!text.includes(wrong), 'the password appears in the error or the log');
  }
  assert.equal(tokenRequests(w, 'password'), 1, 'a refused login is not retried');
  assert.equal(w.sims.threatq.requests.length, 1, 'nothing else is tried without a token');
});

test('every request carries "Bearer" with a capital B on the wire', async (t) => {
  const w = await startWorld(t, { sims: { threatq: { seedCollections: [{ name: 'Export', size: 40 }] } } });
  const origin = new URL(w.sims.threatq.url).origin;
  const schemes: string[] = [];
  const onHeaders = (message: unknown) => {
    const { request, headers } = message as { request: { origin?: unknown }; headers: string };
    if (String(request.origin) !== origin) return;
    const m = /\r\nauthorization: *(\S+) /i.exec(`\r\n${headers}`);
    if (m) schemes.push(m[1] as string);
  };
  dc.subscribe('undici:client:sendHeaders', onHeaders);
  t.after(() => dc.unsubscribe('undici:client:sendHeaders', onHeaders));

  const tq = w.clients.threatq;
  const search = await tq.findCollection('Export');
  assert.equal((await ids(w, search, { pageSize: 15, strategy: 'hash' })).length, 40);
  assert.equal((await ids(w, search, { pageSize: 15, strategy: 'query' })).length, 40);
  const [event] = await tq.createEvents([{ title: 'Bearer check', typeName: 'Model Breach', happenedAt: '2024-05-01 10:00:00' }]);
  assert.ok(event?.ok);
  await tq.upsertIndicators([{ value: 'bearer.example', typeName: 'FQDN', statusName: 'Review', sources: [{ name: 'Darktrace' }], eventIds: [event.id] }]);
  await tq.setAttribute('events', event.id, { name: 'Darktrace Score', value: '80' });
  w.sims.threatq.sim.expireAllTokens();
  await tq.listCollections();

  assert.ok(schemes.length >= 10, `saw ${schemes.length} authorised requests`);
  assert.deepEqual([...new Set(schemes)], ['Bearer']);
  // The simulator refuses a lowercase scheme; its only 401 is the deliberate expiry above.
  assert.equal(w.sims.threatq.requests.filter((r) => r.status === 401).length, 1);
});

for (const strategy of ['hash', 'query', 'auto'] as const) {
  test(`a collection of 2,600 indicators pages out every member exactly once (${strategy})`, async (t) => {
    const w = await startWorld(t, { sims: { threatq: { seedCollections: [{ name: 'Big', size: 300 }, { name: 'Big Export', size: 2_600 }] } } });
    const search = await w.clients.threatq.findCollection('Big Export');
    const got = await ids(w, search, { strategy });
    const members = [...(w.sims.threatq.seeded?.collections[1]?.memberIds ?? [])].sort((a, b) => a - b);
    assert.equal(members.length, 2_600);
    assert.equal(new Set(got).size, got.length, 'no member twice');
    assert.deepEqual(got, members);
    // Pages of the default 1000; a cursor cannot tell the end, so hash paging reads one empty page more.
    const pages = w.stats.snapshot()['threatq.collections.page'];
    assert.equal(pages?.calls, strategy === 'query' ? 3 : 4);
  });
}
