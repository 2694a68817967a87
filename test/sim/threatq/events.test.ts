import assert from 'node:assert/strict';
import test from 'node:test';
import { fixedClock } from '../../../src/clock.ts';
import { items, startThreatQ } from './helpers.ts';

test('POST /api/events creates one event per call, with no de-duplication', async (t) => {
  const tq = await startThreatQ(t);
  const body = { title: 'Darktrace Model Breach: Device / Suspicious', type: 'Spearphish', happened_at: '2024-05-01 12:00:00', description: 'd' };
  const a = await tq.call('POST', '/api/events', { body });
  const b = await tq.call('POST', '/api/events', { body });
  assert.equal(a.status, 201);
  assert.equal(typeof a.json.data.id, 'number');
  assert.notEqual(a.json.data.id, b.json.data.id);
  assert.equal(a.json.data.happened_at, '2024-05-01 12:00:00');
  assert.equal(a.json.data.type_id, 1);
  assert.equal(tq.sim.store.countEventsByTitle(body.title), 2);

  const found = await tq.call('GET', `/api/events?title=${encodeURIComponent(body.title)}`);
  assert.deepEqual(items(found).map((e) => e.id), [a.json.data.id, b.json.data.id]);
  // Exact match only: a prefix finds nothing.
  assert.equal(items(await tq.call('GET', '/api/events?title=Darktrace')).length, 0);
});

test('events: type by name, {name}, {id} or type_id; unknown type, missing title and bad happened_at are 400', async (t) => {
  const tq = await startThreatQ(t);
  await tq.call('POST', '/api/event/types', { body: { name: 'AI Analyst' } });
  for (const type of [{ type: 'AI Analyst' }, { type: { name: 'AI Analyst' } }, { type: { id: 15 } }, { type_id: 15 }, { type: 'AI Analyst', type_id: 15 }]) {
    const r = await tq.call('POST', '/api/events', { body: { title: 'x', happened_at: '2024-01-02 03:04:05', ...type } });
    assert.equal(r.status, 201, JSON.stringify(type));
    assert.equal(r.json.data.type.name, 'AI Analyst');
  }
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ title: 'x', type: 'Model Breach', happened_at: '2024-01-02 03:04:05' }, 'type'],
    [{ type: 'Spearphish', happened_at: '2024-01-02 03:04:05' }, 'title'],
    [{ title: 'x', type: 'Spearphish' }, 'happened_at'],
    [{ title: 'x', type: 'Spearphish', happened_at: '2024-01-02T03:04:05Z' }, 'happened_at'],
    [{ title: 'x', type: 'Spearphish', happened_at: '2024-02-30 00:00:00' }, 'happened_at'],
    [{ title: 'x', type: 'Spearphish', happened_at: '2024-01-02 24:00:00' }, 'happened_at'],
    [{ title: 'x', type: 'Spearphish', happened_at: 1714564800 }, 'happened_at'],
  ];
  for (const [body, field] of refused) {
    const r = await tq.call('POST', '/api/events', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(Array.isArray(r.json.data.errors[field]), `${field} in ${JSON.stringify(r.json)}`);
  }
  assert.equal(tq.sim.store.events.length, 5);
});

test('GET and PUT /api/events/{id}; unknown ids are 404', async (t) => {
  const clock = fixedClock(Date.UTC(2025, 2, 1, 10, 0, 0));
  const tq = await startThreatQ(t, { clock });
  const created = (await tq.call('POST', '/api/events', { body: { title: 'old', type: 'Incident', happened_at: '2025-03-01 09:00:00' } })).json.data;
  assert.equal(created.created_at, '2025-03-01 10:00:00');
  clock.advance(60_000);
  const put = await tq.call('PUT', `/api/events/${created.id}`, { body: { title: 'new', description: 'more', happened_at: '2025-03-01 09:30:00' } });
  assert.equal(put.status, 200);
  assert.equal(put.json.data.title, 'new');
  assert.equal(put.json.data.updated_at, '2025-03-01 10:01:00');
  const got = await tq.call('GET', `/api/events/${created.id}`);
  assert.equal(got.json.data.description, 'more');
  assert.equal(got.json.data.happened_at, '2025-03-01 09:30:00');
  assert.equal(tq.sim.store.countEventsByTitle('old'), 0);
  assert.equal(tq.sim.store.countEventsByTitle('new'), 1);
  assert.equal((await tq.call('PUT', `/api/events/${created.id}`, { body: { happened_at: 'yesterday' } })).status, 400);
  assert.equal((await tq.call('GET', '/api/events/999')).status, 404);
  assert.equal((await tq.call('PUT', '/api/events/999', { body: { title: 'x' } })).status, 404);
});

test('POST /api/events/consume takes a list, returns the created events with ids, attributes and sources', async (t) => {
  const tq = await startThreatQ(t);
  await tq.call('POST', '/api/event/types', { body: { name: 'Model Breach' } });
  const batch = [
    {
      title: 'Breach 1',
      type: { name: 'Model Breach' },
      happened_at: '2023-05-01 12:34:56',
      sources: [{ name: 'Darktrace', tlp_id: 2 }],
      attributes: [{ name: 'Darktrace Alert ID', value: 'pbid-1', sources: [{ name: 'Darktrace' }] }, { name: 'Severity', value: 'High' }],
    },
    { title: 'Breach 2', type_id: 15, happened_at: '2023-05-01 12:35:00', attributes: [{ name: 'Darktrace Alert ID', value: 'pbid-2' }] },
  ];
  const r = await tq.call('POST', '/api/events/consume', { body: batch });
  assert.equal(r.status, 200);
  const data = items(r);
  assert.deepEqual(data.map((e) => e.title), ['Breach 1', 'Breach 2']);
  assert.ok(data.every((e) => typeof e.id === 'number'));
  assert.deepEqual(data[0].sources.map((s: any) => [s.name, s.tlp_id]), [['Darktrace', 2]]);
  assert.equal(data[0].attributes.length, 2);

  // Consuming the same batch again makes new events: no server-side de-duplication.
  await tq.call('POST', '/api/events/consume', { body: batch });
  const store = tq.sim.store;
  assert.equal(store.countEventsByTitle('Breach 1'), 2);
  assert.equal(store.countEventsByAttribute('Darktrace Alert ID', 'pbid-2'), 2);
  const view = store.listEvents({ title: 'Breach 1' })[0];
  assert.equal(view?.typeName, 'Model Breach');
  assert.deepEqual(view?.sources, ['Darktrace']);
});

test('a consume batch with one bad item is refused whole (400) and creates nothing', async (t) => {
  const tq = await startThreatQ(t);
  const r = await tq.call('POST', '/api/events/consume', {
    body: [
      { title: 'ok', type: { name: 'Incident' }, happened_at: '2023-05-01 12:00:00' },
      { title: 'bad', type: { name: 'Incident' }, happened_at: '01/05/2023' },
    ],
  });
  assert.equal(r.status, 400);
  assert.ok(r.json.data.errors['1.happened_at']);
  assert.equal(tq.sim.store.events.length, 0);
  assert.equal((await tq.call('POST', '/api/events/consume', { raw: '{not json', headers: { 'content-type': 'application/json' } })).status, 400);
});
