import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import type { IndicatorInput } from '../../src/threatq/client.ts';
import { fixture, type SeenRequest } from './helpers/fakeThreatQ.ts';
import { assertNoSecrets, rejectsWith, setup } from './helpers/setup.ts';

const STATUSES = { data: fixture('splunk-indicator-statuses.json') };
const TYPE_NAMES = fixture('splunk-indicator-type-names.json') as string[];
// Instance-specific ids on purpose: alphabetical from 100, not the ids seen elsewhere.
const TYPES = { data: TYPE_NAMES.map((name, i) => ({ id: 100 + i, name })), total: TYPE_NAMES.length };
const typeId = (name: string) => 100 + TYPE_NAMES.indexOf(name);

test('a 2xx answer with a top-level errors key is a failure (E_TQ_API) quoting the messages', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/indicator/statuses', () => ({ json: fixture('xsoar-error-response-errors-list.json') }));
  const err = await rejectsWith(() => client.indicatorStatusId('Review'), 'E_TQ_API');
  assert.match(err.message, /GET \/api\/indicator\/statuses/);
  assert.match(err.message, /First Error; Second error - part 1 Second error - part 2/);
});

test('a 400 validation answer is E_TQ_REQUEST with status, path and the field errors', async (t) => {
  const { server, client } = await setup(t);
  server.on('PUT /api/events/12', () => ({ status: 400, json: fixture('xsoar-error-response-field-errors.json') }));
  const err = await rejectsWith(() => client.updateEvent(12, { title: 'New' }), 'E_TQ_REQUEST');
  assert.match(err.message, /PUT \/api\/events\/12 \(HTTP 400\)/);
  assert.match(err.message, /name: The name has already been taken\./);
});

test('a 5xx answer is E_TQ_UNAVAILABLE with a short body excerpt; a 403 exits as an auth failure', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/events/3', () => ({ status: 503, text: `<html>${'Service Unavailable '.repeat(100)}</html>` }));
  server.on('GET /api/events/4', () => ({ status: 403, json: { message: 'Forbidden' } }));
  const err = await rejectsWith(() => client.getEvent(3), 'E_TQ_UNAVAILABLE');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.match(err.message, /GET \/api\/events\/3 \(HTTP 503\): <html>Service Unavailable/);
  assert.ok(err.message.length < 450, `excerpt stays short: ${err.message.length}`);
  const denied = await rejectsWith(() => client.getEvent(4), 'E_TQ_REQUEST');
  assert.equal(denied.exitCode, EXIT.auth);
  assert.equal(await client.getEvent(999), undefined, 'an event ThreatQ does not have (404) is undefined');
});

test('look-ups are by exact name, cached per client, and an unknown status lists the ones that exist', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));
  server.on('GET /api/indicator/types', () => ({ json: TYPES }));
  assert.equal(await client.indicatorStatusId('Review'), 4);
  assert.equal(await client.indicatorStatusId('Whitelisted'), 5);
  assert.equal(await client.indicatorTypeId('FQDN'), typeId('FQDN'));
  assert.equal(await client.indicatorTypeId('IP Address'), typeId('IP Address'));
  assert.equal(server.count('GET /api/indicator/statuses'), 1);
  assert.equal(server.count('GET /api/indicator/types'), 1);
  const err = await rejectsWith(() => client.indicatorStatusId('review'), 'E_TQ_STATUS_UNKNOWN');
  assert.equal(err.exitCode, EXIT.usage);
  assert.match(err.message, /'review'.*'Active', 'Expired', 'Indirect', 'Review', 'Whitelisted'/);
  await rejectsWith(() => client.indicatorTypeId('Hostname'), 'E_TQ_TYPE_UNKNOWN');
});

test('missing event types are created once; existing ones are never recreated', async (t) => {
  const { server, client } = await setup(t);
  const types = [...(fixture('splunk-event-types.json') as Array<{ id: number; name: string }>)];
  server.on('GET /api/event/types', () => ({ json: { data: types, total: types.length } }));
  server.on('POST /api/event/types', (req) => {
    const created = { id: 40 + types.length, name: (req.json as { name: string }).name };
    types.push(created);
    return { status: 201, json: { data: created } };
  });
  const [a, b, c] = await Promise.all([client.ensureEventType('Model Breach'), client.ensureEventType('Model Breach'), client.ensureEventType('AI Analyst')]);
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.equal(server.count('POST /api/event/types'), 2);
  assert.deepEqual(
    server.requests.filter((r) => r.method === 'POST' && r.path === '/api/event/types').map((r) => r.json),
    [{ name: 'Model Breach' }, { name: 'AI Analyst' }],
  );
  assert.equal(await client.ensureEventType('Sighting'), 14);
  assert.equal(await client.eventTypeId('Model Breach'), a);
  assert.equal(server.count('POST /api/event/types'), 2);
});

test('the Asset collection name is read from /api/objects, not assumed', async (t) => {
  for (const collection of ['asset', 'assets']) {
    const { server, client } = await setup(t);
    server.on('GET /api/objects', () => ({
      json: { data: [{ name: 'indicator', collection: 'indicators' }, { name: 'event', collection: 'events' }, { name: 'asset', display_name: 'Asset', collection }] },
    }));
    server.on(`POST /api/${collection}/consume`, (req) => ({ json: { data: (req.json as Array<{ value: string }>).map((a, i) => ({ id: 700 + i, value: a.value })) } }));
    const results = await client.upsertAssets([{ value: 'ws-12.corp.local', eventIds: [5] }]);
    assert.deepEqual(results.map((r) => r.ok && r.id), [700]);
    const sent = server.requests.find((r) => r.path === `/api/${collection}/consume`)!;
    assert.deepEqual(sent.json, [{ value: 'ws-12.corp.local', events: [{ id: 5 }] }]);
  }
  const { server, client } = await setup(t);
  server.on('GET /api/objects', () => ({ json: { data: [{ name: 'indicator', collection: 'indicators' }] } }));
  assert.equal(await client.findAssetCollection(), undefined);
  await rejectsWith(() => client.upsertAssets([{ value: 'x' }]), 'E_TQ_ASSETS_UNSUPPORTED');
});

test('events: create (single object answer, not repeated on 5xx), get, update and find by exact title', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/event/types', () => ({ json: { data: [{ id: 31, name: 'Model Breach' }] } }));
  let createAttempts = 0;
  server.on('POST /api/events', (req) => {
    createAttempts++;
    if (createAttempts === 1) return { status: 502, json: {} };
    return { status: 201, json: { data: { id: 101, ...(req.json as object) } } };
  });
  server.on('GET /api/events', (req) => ({
    json: { data: [{ id: 102, title: `${req.query.get('title')} (copy)` }, { id: 101, title: req.query.get('title') }, { id: 99, title: req.query.get('title') }], total: 3 },
  }));
  server.on('PUT /api/events/101', (req) => ({ json: { data: { id: 101, title: (req.json as { title: string }).title, type_id: 31 } } }));
  server.on('GET /api/events/101', () => ({ json: fixture('xsoar-event-get-response.json') }));

  const input = { title: 'Darktrace Model Breach: Device / Suspicious Activity on ws-12', typeName: 'Model Breach', happenedAt: '2026-11-28 12:00:00', sources: [{ name: 'Darktrace' }] };
  await rejectsWith(() => client.createEvent(input), 'E_TQ_UNAVAILABLE');
  assert.equal(createAttempts, 1, 'event creation is not idempotent: the transport must not repeat it');
  const created = await client.createEvent(input);
  assert.equal(created.id, 101);
  const body = server.requests.filter((r) => r.method === 'POST' && r.path === '/api/events').at(-1)!.json as Record<string, unknown>;
  assert.equal(body.type_id, 31);
  assert.equal(body.happened_at, '2026-11-28 12:00:00');
  assert.deepEqual(body.sources, [{ name: 'Darktrace' }]);

  const found = await client.findEventByTitle(input.title);
  assert.equal(found?.id, 99, 'exact title only, oldest first');
  assert.equal(server.requests.at(-1)!.query.get('title'), input.title);
  assert.equal((await client.updateEvent(101, { title: 'Renamed' })).title, 'Renamed');
  const got = await client.getEvent(101);
  assert.equal(got?.id, 2019);
  assert.equal(got?.happenedAt, '2019-03-01 00:00:00');
});

function indicators(n: number): IndicatorInput[] {
  return Array.from({ length: n }, (_, i) => ({
    value: `10.${Math.floor(i / 250)}.${i % 250}.1`,
    typeName: 'IP Address',
    statusName: 'Review',
    sources: [{ name: 'Darktrace' }],
    eventIds: [101],
  }));
}

/** Answers a consume in a shuffled order with only type_id, as a server that normalises would. */
function consumeAnswer(req: SeenRequest) {
  const items = req.json as Array<{ value: string; type: { name: string } }>;
  return { json: { data: items.map((it) => ({ id: 5000 + Number(it.value.split('.')[1]) * 250 + Number(it.value.split('.')[2]), value: it.value, type_id: typeId(it.type.name) })).reverse() } };
}

test('1,200 indicators go in 3 consume calls of at most 500, and ids map back by value and type', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));
  server.on('GET /api/indicator/types', () => ({ json: TYPES }));
  server.on('POST /api/indicators/consume', consumeAnswer);
  const items = indicators(1200);
  const batches: number[] = [];
  const results = await client.upsertIndicators(items, { onBatch: (r) => void batches.push(r.length) });
  assert.deepEqual(batches, [500, 500, 200]);
  const calls = server.requests.filter((r) => r.path === '/api/indicators/consume');
  assert.deepEqual(calls.map((c) => (c.json as unknown[]).length), [500, 500, 200]);
  assert.deepEqual((calls[0]!.json as unknown[])[0], { value: '10.0.0.1', type: { name: 'IP Address' }, status: { name: 'Review' }, sources: [{ name: 'Darktrace' }], events: [{ id: 101 }] });
  assert.equal(results.length, 1200);
  for (const [i, r] of results.entries()) {
    assert.equal(r.item, items[i]);
    assert.ok(r.ok);
    assert.equal(r.id, 5000 + i);
  }
  const small = await client.upsertIndicators(indicators(7), { batchSize: 3 });
  assert.equal(small.length, 7);
  assert.equal(server.requests.filter((r) => r.path === '/api/indicators/consume').length, 6);
});

test('a consume item carrying error fails that item only; an unknown status fails before sending', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));
  server.on('GET /api/indicator/types', () => ({ json: TYPES }));
  server.on('POST /api/indicators/consume', () => ({
    json: {
      data: [
        { id: 1, value: 'ws-1.corp.local', type: { name: 'FQDN' } },
        { value: 'bad..name', type: { name: 'FQDN' }, error: 'The value format is invalid.' },
      ],
    },
  }));
  const base = { typeName: 'FQDN', statusName: 'Review', sources: [{ name: 'Darktrace' }] };
  const results = await client.upsertIndicators([{ value: 'WS-1.corp.local', ...base }, { value: 'bad..name', ...base }, { value: 'ghost.corp.local', ...base }]);
  assert.deepEqual(results.map((r) => r.ok), [true, false, false]);
  assert.equal(results[0]!.ok && results[0]!.id, 1);
  const [, bad, ghost] = results;
  assert.ok(bad && !bad.ok && bad.error.code === 'E_TQ_API' && /bad\.\.name.*The value format is invalid/.test(bad.error.message));
  assert.ok(ghost && !ghost.ok && /does not include the FQDN indicator 'ghost\.corp\.local'/.test(ghost.error.message));

  const before = server.count('POST /api/indicators/consume');
  await rejectsWith(() => client.upsertIndicators([{ ...base, value: 'x.example', statusName: 'Reviewed' }]), 'E_TQ_STATUS_UNKNOWN');
  assert.equal(server.count('POST /api/indicators/consume'), before);
});

test('events are bulk-created through /api/events/consume with ids mapped back by title', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/event/types', () => ({ json: { data: [{ id: 31, name: 'Model Breach' }, { id: 32, name: 'AI Analyst' }] } }));
  let calls = 0;
  server.on('POST /api/events/consume', (req) => {
    calls++;
    if (calls === 2) return { status: 500, json: {} };
    return { json: { data: (req.json as Array<{ title: string }>).map((e, i) => ({ id: 200 + calls * 10 + i, title: e.title })).reverse() } };
  });
  const items = ['A', 'B', 'C'].map((x) => ({ title: `Breach ${x}`, typeName: x === 'C' ? 'AI Analyst' : 'Model Breach', happenedAt: '2026-11-28 10:00:00' }));
  const done: number[] = [];
  const err = await rejectsWith(() => client.createEvents(items, { batchSize: 2, onBatch: (r) => void done.push(...r.map((x) => (x.ok ? x.id : -1))) }), 'E_TQ_UNAVAILABLE');
  assert.match(err.message, /POST \/api\/events\/consume/);
  assert.deepEqual(done, [210, 211], 'the first batch was reported before the second failed');
  assert.equal(calls, 2, 'a failed event batch is not repeated by the transport');
  const body = server.requests.find((r) => r.path === '/api/events/consume')!.json as unknown[];
  assert.deepEqual(body[0], { title: 'Breach A', type: { name: 'Model Breach' }, happened_at: '2026-11-28 10:00:00' });
});

test('attributes, sources and relations on any collection', async (t) => {
  const { server, client, lines } = await setup(t);
  const attrs = [{ id: 7, attribute_id: 3, name: 'Score', value: '80', attribute: { id: 3, name: 'Score' } }];
  server.on('GET /api/events/101/attributes', (req) => {
    assert.equal(req.query.get('with'), 'attribute');
    return { json: { data: attrs, total: attrs.length } };
  });
  server.on('POST /api/events/101/attributes', (req) => {
    const b = req.json as { name: string; value: string };
    const rec = { id: 8 + attrs.length, attribute_id: 4, name: b.name, value: b.value };
    attrs.push({ ...rec, attribute: { id: 4, name: b.name } });
    return { status: 201, json: { total: 1, data: [rec] } };
  });
  server.on('PUT /api/events/101/attributes/7', (req) => {
    attrs[0]!.value = (req.json as { value: string }).value;
    return { json: { data: attrs[0] } };
  });
  server.on('POST /api/events/101/sources', () => ({ status: 201, json: { data: [{ id: 1, name: 'Darktrace' }] } }));
  server.on('POST /api/events/101/indicators', (req) => ({ status: 201, json: { data: (req.json as Array<{ id: number }>).map((x) => ({ id: x.id, value: `v${x.id}`, pivot: { id: 900 + x.id } })) } }));
  server.on('GET /api/events/101/indicators', () => ({ json: fixture('xsoar-related-indicators-list-response.json') }));

  assert.equal(await client.setAttribute('events', 101, { name: 'Score', value: '80' }), 'unchanged');
  assert.equal(await client.setAttribute('events', 101, { name: 'Score', value: '95' }), 'updated');
  assert.equal(await client.setAttribute('events', 101, { name: 'Acknowledged', value: 'No', sources: [{ name: 'Darktrace' }] }), 'added');
  assert.deepEqual(server.requests.find((r) => r.method === 'POST' && r.path === '/api/events/101/attributes')!.json, { name: 'Acknowledged', value: 'No', sources: [{ name: 'Darktrace' }] });
  assert.deepEqual((await client.listAttributes('events', 101)).map((a) => [a.name, a.value]), [['Score', '95'], ['Acknowledged', 'No']]);
  await client.addSource('events', 101, { name: 'Darktrace', tlpId: 2 });
  assert.deepEqual(server.requests.at(-1)!.json, { name: 'Darktrace', tlp_id: 2 });
  const linked = await client.relate('events', 101, 'indicators', [11, 12]);
  assert.deepEqual(server.requests.at(-1)!.json, [{ id: 11 }, { id: 12 }]);
  assert.deepEqual(linked.map((l) => [l.id, l.pivotId]), [[11, 911], [12, 912]]);
  assert.deepEqual((await client.listRelated('events', 101, 'indicators')).map((r) => r.value), ['foo@demisto.com', '8.8.8.8', '1.2.3.4']);
  assertNoSecrets(server, lines);
});

test('indicators are found by exact value with type names resolved from ids', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/indicator/statuses', () => ({ json: STATUSES }));
  server.on('GET /api/indicator/types', () => ({ json: TYPES }));
  server.on('GET /api/indicators', () => ({
    json: { data: [{ id: 1, value: '8.8.8.8', type_id: typeId('IP Address'), status_id: 4 }, { id: 2, value: '8.8.8.80', type_id: typeId('IP Address'), status_id: 1 }] },
  }));
  const found = await client.findIndicators('8.8.8.8', 'IP Address');
  assert.deepEqual(found.map((i) => [i.id, i.typeName, i.statusName]), [[1, 'IP Address', 'Review']]);
  assert.equal(server.requests.find((r) => r.path === '/api/indicators')!.query.get('value'), '8.8.8.8');
  assert.deepEqual(await client.findIndicators('8.8.8.8', 'FQDN'), []);
});
