import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedClock } from '../../src/clock.ts';
import { EXIT } from '../../src/errors.ts';
import { fixtureText } from './fixtures.ts';
import { makeClient } from './clientHarness.ts';
import { startDtServer, type Reply } from './dtTestServer.ts';

const json = (name: string): Reply => ({ body: fixtureText(name) });
const T = Date.UTC(2023, 10, 14, 23, 0, 0);

test('status: signed GET with a fixed query, version read from the answer', async (t) => {
  const dt = await startDtServer(t, { route: () => json('status.constructed.json') });
  const { client, stats } = makeClient(t, dt.origin);
  const status = await client.status();
  assert.equal(status.version, '6.1.23 (f35936c6)');
  assert.equal(dt.requests.length, 1);
  assert.equal(dt.requests[0]!.url, '/status?fast=true&includechildren=false');
  assert.equal(dt.requests[0]!.auth, 'ok');
  assert.match(String(dt.requests[0]!.headers['dtapi-date']), /^\d{8}T\d{6}$/);
  assert.equal(stats.snapshot()['darktrace.status']?.calls, 1);
});

test('model breaches: window in ms, creationtime/deviceattop/includeacknowledged, minscore; records parsed', async (t) => {
  const dt = await startDtServer(t, { route: () => json('modelbreaches.xsoar-fetch-list.json') });
  const { client, stats } = makeClient(t, dt.origin);
  const result = await client.modelBreaches({ startMs: 1700000000000, endMs: 1700003600000 }, { minScore: 0.5 });
  assert.equal(dt.requests[0]!.url, '/modelbreaches?creationtime=true&deviceattop=true&endtime=1700003600000&includeacknowledged=true&minscore=0.5&starttime=1700000000000');
  assert.equal(dt.requests[0]!.auth, 'ok');
  assert.deepEqual(result.records.map((b) => b.pbid), [30960, 30953]);
  assert.equal(result.rejects.length, 0);
  assert.equal(stats.snapshot()['darktrace.modelbreaches']?.calls, 1);

  await client.modelBreaches({ startMs: 1, endMs: 2 }, { creationTime: false });
  assert.equal(dt.requests[1]!.url, '/modelbreaches?deviceattop=true&endtime=2&includeacknowledged=true&starttime=1');
  await assert.rejects(client.modelBreaches({ startMs: 1, endMs: 2 }, { minScore: 50 }), { code: 'E_DT_ARGUMENT' });
  await assert.rejects(client.modelBreaches({ startMs: 5, endMs: 2 }), { code: 'E_DT_ARGUMENT' });
  assert.equal(dt.requests.length, 2, 'bad arguments send nothing');
});

test('one breach by pbid: object answer, array answer, and none', async (t) => {
  let reply: Reply = json('modelbreaches.xsoar-single-pbid.json');
  const dt = await startDtServer(t, { route: () => reply });
  const { client } = makeClient(t, dt.origin);
  const breach = await client.modelBreach(95);
  assert.equal(breach?.pbid, 95);
  assert.equal(dt.requests[0]!.url, '/modelbreaches?deviceattop=true&includeacknowledged=true&pbid=95');
  reply = { body: `[${fixtureText('modelbreaches.xsoar-single-pbid.json')}]` };
  assert.equal((await client.modelBreach(95))?.pbid, 95);
  reply = { body: [] };
  assert.equal(await client.modelBreach(95), undefined);
});

test('AI Analyst events: includeallpinned=false, mingroupscore; groups', async (t) => {
  const dt = await startDtServer(t, {
    route: (_r, path) => (path === '/aianalyst/groups' ? json('aianalyst-groups.xsoar.json') : json('aianalyst-incidentevents.elastic-legacy-details.json')),
  });
  const { client } = makeClient(t, dt.origin);
  const events = await client.aiAnalystEvents({ startMs: 1, endMs: 2 }, { minGroupScore: 40 });
  assert.equal(dt.requests[0]!.url, '/aianalyst/incidentevents?endtime=2&includeacknowledged=true&includeallpinned=false&mingroupscore=40&starttime=1');
  assert.equal(events.records.length, 2);
  assert.equal(events.records[0]!.groupScore, 72.9174234);
  const groups = await client.aiAnalystGroups({ startMs: 1, endMs: 2 });
  assert.equal(dt.requests[1]!.url, '/aianalyst/groups?endtime=2&includeacknowledged=true&includeallpinned=false&starttime=1');
  assert.equal(groups.records[0]!.id, 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc');
});

test('AI Analyst events fall back to the legacy /aianalyst/incidents when incidentevents redirects to /login', async (t) => {
  const dt = await startDtServer(t, {
    route: (_r, path) => (path === '/aianalyst/incidentevents' ? { status: 302, headers: { location: '/login' }, body: 'Found. Redirecting to /login' } : json('aianalyst-incidentevents.xsoar-saas-hijack.json')),
  });
  const { client, logs } = makeClient(t, dt.origin);
  const first = await client.aiAnalystEvents({ startMs: 1, endMs: 2 }, { minGroupScore: 10 });
  assert.equal(first.records[0]!.id, 'bc64f242-ce29-4f35-bc94-230991116564');
  assert.deepEqual(dt.requests.map((r) => r.url.split('?')[0]), ['/aianalyst/incidentevents', '/aianalyst/incidents']);
  assert.ok(logs.some((l) => l.event === 'darktrace.legacy_aianalyst'));
  await client.aiAnalystEvents({ startMs: 1, endMs: 2 });
  assert.equal(dt.requests[2]!.url.split('?')[0], '/aianalyst/incidents', 'remembered');
});

test('device by did', async (t) => {
  const dt = await startDtServer(t, { route: () => ({ body: JSON.parse(fixtureText('devices.constructed.json'))[0] }) });
  const { client } = makeClient(t, dt.origin);
  const device = await client.device(227);
  assert.equal(dt.requests[0]!.url, '/devices?did=227');
  assert.equal(device?.hostname, 'sarah-desktop-12');
  assert.equal(device?.mac, '56:2d:4b:9c:18:42');
});

test('intel feed reads: all names, per source (encoded), full details, sources', async (t) => {
  const dt = await startDtServer(t, {
    route: (_r, _p, q) =>
      q.get('sources') === 'true' ? json('intelfeed-get-sources.constructed.json') : q.get('fulldetails') === 'true' ? json('intelfeed-get-fulldetails.constructed.json') : json('intelfeed-get.constructed.json'),
  });
  const { client } = makeClient(t, dt.origin);
  assert.equal((await client.intelFeedNames()).length, 4);
  assert.deepEqual(await client.intelFeedNames({ source: 'Threat Q' }), ['evil.example', '198.51.100.7', 'c2.bad.example', '203.0.113.0/24']);
  const details = await client.intelFeedDetails({ source: 'Threat Q' });
  assert.equal(details.records[0]!.expiresAt, Date.UTC(2023, 11, 14, 23, 0, 0));
  assert.deepEqual(await client.intelFeedSources(), ['Default', 'ThreatQ', 'STIX/TAXII']);
  assert.deepEqual(
    dt.requests.map((r) => [r.url, r.auth]),
    [
      ['/intelfeed', 'ok'],
      ['/intelfeed?source=Threat%20Q', 'ok'],
      ['/intelfeed?fulldetails=true&source=Threat%20Q', 'ok'],
      ['/intelfeed?sources=true', 'ok'],
    ],
  );
});

test('intel feed add: the exact JSON bytes of the known-answer vector are sent and signed', async (t) => {
  const clock = fixedClock(T);
  const dt = await startDtServer(t, { now: () => clock.now(), route: () => json('intelfeed-post.xsoar.json') });
  const { client, stats } = makeClient(t, dt.origin, { clock });
  const result = await client.addIntelFeedEntries({
    source: 'ThreatQ',
    entries: ['evil.example', '198.51.100.7'],
    description: 'ThreatQ export',
    expiresAt: Date.UTC(2023, 11, 14, 23, 0, 0),
  });
  assert.deepEqual(result, { added: 0, updated: 0 });
  const req = dt.requests[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/intelfeed', 'no URL query on a POST');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.body, '{"addlist":"evil.example,198.51.100.7","source":"ThreatQ","description":"ThreatQ export","expiry":"2023-12-14T23:00:00"}');
  assert.equal(req.headers['dtapi-date'], '20231114T230000');
  assert.equal(req.headers['dtapi-signature'], '1bbfc696b0321791daa960951e1ed04c6fb36687');
  assert.equal(stats.snapshot()['darktrace.intelfeed.add']?.calls, 1);

  await client.addIntelFeedEntries({ source: 'ThreatQ', entries: ['a.example'], description: 'ThreatQ export' });
  assert.equal(dt.requests[1]!.body, '{"addlist":"a.example","source":"ThreatQ","description":"ThreatQ export"}', 'no expiry = never expires');
});

test('intel feed remove: removeentry with its source, never removeall', async (t) => {
  const dt = await startDtServer(t, { route: () => ({ body: { response: 'SUCCESS' } }) });
  const { client } = makeClient(t, dt.origin);
  assert.deepEqual(await client.removeIntelFeedEntry({ source: 'ThreatQ', entry: 'evil.example' }), { added: null, updated: null });
  assert.equal(dt.requests[0]!.body, '{"removeentry":"evil.example","source":"ThreatQ"}');
  assert.equal(dt.requests[0]!.auth, 'ok');
  assert.equal(typeof (client as unknown as Record<string, unknown>).removeAll, 'undefined');
});

test('intel feed writes with a bad entry, source or description are refused and nothing is sent', async (t) => {
  const dt = await startDtServer(t, { route: () => ({ body: { response: 'SUCCESS' } }) });
  const { client } = makeClient(t, dt.origin);
  const ok = { source: 'ThreatQ', entries: ['good.example'], description: 'ThreatQ export' };
  for (const bad of ['a.example,b.example', 'a.example\nb.example', 'a .example', ' ', '']) {
    await assert.rejects(client.addIntelFeedEntries({ ...ok, entries: ['good.example', bad] }), (err: any) => {
      assert.equal(err.code, 'E_DT_INTELFEED_INPUT');
      assert.equal(err.exitCode, EXIT.usage);
      return true;
    });
    await assert.rejects(client.removeIntelFeedEntry({ source: 'ThreatQ', entry: bad }), { code: 'E_DT_INTELFEED_INPUT' });
  }
  await assert.rejects(client.addIntelFeedEntries({ ...ok, source: 's'.repeat(64) }), { code: 'E_DT_INTELFEED_INPUT', message: /64/ });
  await assert.rejects(client.addIntelFeedEntries({ ...ok, description: 'd'.repeat(256) }), { code: 'E_DT_INTELFEED_INPUT', message: /256/ });
  await assert.rejects(client.removeIntelFeedEntry({ source: 's'.repeat(64), entry: 'a.example' }), { code: 'E_DT_INTELFEED_INPUT' });
  assert.deepEqual(await client.addIntelFeedEntries({ ...ok, entries: [] }), { added: 0, updated: 0 });
  assert.equal(dt.requests.length, 0);
  await client.addIntelFeedEntries({ ...ok, source: 's'.repeat(63), description: 'd'.repeat(255) });
  assert.equal(dt.requests.length, 1, 'the limits themselves are accepted');
});

test('every retry attempt is re-signed with a fresh date, and intel-feed writes are retried as idempotent', async (t) => {
  const clock = fixedClock(T);
  let n = 0;
  const dt = await startDtServer(t, { now: () => clock.now(), route: () => (++n === 1 ? { status: 503, body: 'busy' } : json('intelfeed-post.xsoar.json')) });
  const { client, stats } = makeClient(t, dt.origin, { clock, sleep: async () => clock.advance(7_000) });
  await client.addIntelFeedEntries({ source: 'ThreatQ', entries: ['a.example'], description: 'x' });
  assert.equal(dt.requests.length, 2);
  assert.deepEqual(dt.requests.map((r) => r.headers['dtapi-date']), ['20231114T230000', '20231114T230007']);
  assert.deepEqual(dt.requests.map((r) => r.auth), ['ok', 'ok']);
  assert.equal(stats.snapshot()['darktrace.intelfeed.add']?.retries, 1);
});

test('one AI Analyst event by id (uuid=), and none when the answer lacks it', async (t) => {
  let body = fixtureText('aianalyst-incidentevents.xsoar-saas-hijack.json');
  const dt = await startDtServer(t, { route: () => ({ body }) });
  const { client } = makeClient(t, dt.origin);
  const event = await client.aiAnalystEvent('bc64f242-ce29-4f35-bc94-230991116564');
  assert.equal(event?.title, 'Possible Hijack of AzureActiveDirectory Account');
  assert.equal(dt.requests[0]!.url, '/aianalyst/incidentevents?includeacknowledged=true&uuid=bc64f242-ce29-4f35-bc94-230991116564');
  body = '[]';
  assert.equal(await client.aiAnalystEvent('bc64f242-ce29-4f35-bc94-230991116564'), undefined);
});

test('invalid UTF-8 in an answer becomes U+FFFD in that field; the records around it are intact', async (t) => {
  // The fixture's model name, wherever it appears, with a stray 0xFF and a cut-off two-byte sequence in it.
  const text = fixtureText('modelbreaches.xsoar-fetch-list.json');
  const name = 'Compromise::Watched Domain';
  const parts = text.split(JSON.stringify(name));
  assert.ok(parts.length > 1, 'test setup: the fixture names the model');
  const broken = Buffer.concat([Buffer.from('"Compromise'), Buffer.from([0xff]), Buffer.from('Watched '), Buffer.from([0xc3]), Buffer.from('Domain"')]);
  const body = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [Buffer.from(p)] : [broken, Buffer.from(p)])));
  const dt = await startDtServer(t, { route: () => ({ body }) });
  const { client } = makeClient(t, dt.origin);
  const result = await client.modelBreaches({ startMs: 1700000000000, endMs: 1700003600000 });
  assert.deepEqual(result.records.map((b) => b.pbid), [30960, 30953]);
  assert.equal(result.rejects.length, 0);
  const names = result.records.map((b) => b.model.name);
  assert.ok(names.includes('Compromise\uFFFDWatched \uFFFDDomain'), JSON.stringify(names));
});
