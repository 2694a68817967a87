import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { items, startThreatQ } from './helpers.ts';

const FIXTURES = '/work/shared/fixtures/threatq';
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8'));

test('indicator types: the 34 seeded names numbered alphabetically, ?name= filters, single by id', async (t) => {
  const tq = await startThreatQ(t);
  const all = await tq.call('GET', '/api/indicator/types');
  assert.equal(all.status, 200);
  const names: string[] = fixture('splunk-indicator-type-names.json');
  assert.equal(all.json.total, 34);
  assert.deepEqual(items(all).map((x) => x.name), names);
  const byName = Object.fromEntries(items(all).map((x) => [x.name, x.id]));
  assert.equal(byName.ASN, 1);
  assert.equal(byName.FQDN, 11);
  assert.equal(byName['IP Address'], 15);
  assert.equal(byName['IPv6 Address'], 16);
  assert.equal(byName['MAC Address'], 17);
  assert.equal(byName['X-Mailer'], 34);

  const fqdn = await tq.call('GET', '/api/indicator/types?name=FQDN');
  assert.deepEqual(items(fqdn).map((x) => [x.id, x.name, x.class]), [[11, 'FQDN', 'network']]);
  assert.equal(items(await tq.call('GET', '/api/indicator/types?name=fqdn')).length, 0);

  const one = await tq.call('GET', '/api/indicator/types/15');
  assert.deepEqual(Object.keys(one.json.data).sort(), Object.keys(fixture('xsoar-indicator-type-14-response.json').data).sort());
  assert.equal(one.json.data.name, 'IP Address');
  assert.equal((await tq.call('GET', '/api/indicator/types/99')).status, 404);
});

test('indicator statuses: Active 1 … Whitelisted 5 with the fixture fields', async (t) => {
  const tq = await startThreatQ(t);
  const list = items(await tq.call('GET', '/api/indicator/statuses'));
  assert.deepEqual(
    list.map((s) => [s.id, s.name]),
    [[1, 'Active'], [2, 'Expired'], [3, 'Indirect'], [4, 'Review'], [5, 'Whitelisted']],
  );
  const one = await tq.call('GET', '/api/indicator/statuses/2');
  assert.deepEqual(Object.keys(one.json.data).sort(), Object.keys(fixture('xsoar-indicator-status-2-response.json').data).sort());
  assert.equal(items(await tq.call('GET', '/api/indicator/statuses?name=Review'))[0].id, 4);
});

test('event types: the 14 seeded ones without AI Analyst / Model Breach; POST creates, a duplicate is 400', async (t) => {
  const tq = await startThreatQ(t);
  const seeded = items(await tq.call('GET', '/api/event/types'));
  const expected = (fixture('splunk-event-types.json') as Array<{ id: number; name: string }>).map((x) => [x.id, x.name]).sort((a, b) => (a[0] as number) - (b[0] as number));
  assert.deepEqual(seeded.map((x) => [x.id, x.name]), expected);
  assert.ok(!seeded.some((x) => x.name === 'AI Analyst' || x.name === 'Model Breach'));

  const created = await tq.call('POST', '/api/event/types', { body: { name: 'Model Breach' } });
  assert.equal(created.status, 201);
  assert.equal(created.json.data.name, 'Model Breach');
  assert.equal(created.json.data.id, 15);
  assert.equal(items(await tq.call('GET', '/api/event/types?name=Model%20Breach'))[0].id, 15);

  const dup = await tq.call('POST', '/api/event/types', { body: { name: 'Model Breach' } });
  assert.equal(dup.status, 400);
  assert.deepEqual(dup.json, { data: { errors: { name: ['The name has already been taken.'] } } });
  assert.equal((await tq.call('POST', '/api/event/types', { body: {} })).status, 400);
});

test('/api/objects lists the object collections including the Asset object', async (t) => {
  const tq = await startThreatQ(t);
  const objects = items(await tq.call('GET', '/api/objects'));
  const collections = objects.map((o) => o.collection);
  for (const c of ['indicators', 'events', 'adversaries', 'malware', 'asset']) assert.ok(collections.includes(c), c);
  const indicator = objects.find((o) => o.collection === 'indicators');
  assert.equal(indicator.types.length, 34);
  assert.equal(indicator.statuses.length, 5);
});

test('asset collection name follows the option; null means no Asset object at all', async (t) => {
  const plural = await startThreatQ(t, { assetCollection: 'assets', assetAlias: false });
  const objects = items(await plural.call('GET', '/api/objects'));
  assert.equal(objects.find((o) => o.name === 'asset')?.collection, 'assets');
  assert.equal((await plural.call('POST', '/api/assets/consume', { body: [{ value: 'host-1' }] })).status, 200);
  assert.equal((await plural.call('POST', '/api/asset/consume', { body: [{ value: 'host-1' }] })).status, 404);

  const none = await startThreatQ(t, { assetCollection: null });
  assert.ok(!items(await none.call('GET', '/api/objects')).some((o) => o.name === 'asset'));
  assert.equal((await none.call('POST', '/api/asset/consume', { body: [{ value: 'h' }] })).status, 404);
});
