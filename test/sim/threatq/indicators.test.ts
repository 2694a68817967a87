import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { items, startThreatQ } from './helpers.ts';

const fixture = (name: string) => JSON.parse(readFileSync(`/work/shared/fixtures/threatq/${name}`, 'utf8'));

test('POST /api/indicators: array in, array out, existing flag, de-duplicated by type and value', async (t) => {
  const tq = await startThreatQ(t);
  const body = fixture('kibana-indicator-create-request.json');
  body[0].type_id = 11;
  const first = await tq.call('POST', '/api/indicators', { body });
  assert.equal(first.status, 201);
  assert.ok(Array.isArray(first.json.data));
  const created = first.json.data[0];
  assert.equal(created.existing, false);
  assert.equal(created.value, 'example.com');
  assert.equal(created.status_id, 4);
  assert.equal(created.sources[0].name, 'Elastic Security');
  assert.equal(created.sources[0].tlp_id, 2);
  assert.equal(typeof created.sources[0].pivot.id, 'number');

  const again = await tq.call('POST', '/api/indicators', { body: { value: 'example.com', type: 'FQDN', status: 'Active' } });
  assert.equal(again.json.data[0].id, created.id);
  assert.equal(again.json.data[0].existing, true);
  // An existing indicator keeps its status.
  assert.equal(again.json.data[0].status.name, 'Review');

  const otherType = await tq.call('POST', '/api/indicators', { body: [{ value: 'example.com', type: { name: 'URL' }, status: { name: 'Active' } }] });
  assert.notEqual(otherType.json.data[0].id, created.id);
  assert.equal(otherType.json.data[0].existing, false);
  const byValue = items(await tq.call('GET', '/api/indicators?value=example.com&with=type,status'));
  assert.deepEqual(byValue.map((i) => i.type.name), ['FQDN', 'URL']);
  assert.equal(items(await tq.call('GET', '/api/indicators?value=EXAMPLE.com')).length, 0);
});

test('unknown indicator types or statuses and empty values are 400 and create nothing', async (t) => {
  const tq = await startThreatQ(t);
  const bad = [
    [{ value: 'a.example', type: 'Hostname', status: 'Active' }, '0.type'],
    [{ value: 'a.example', type_id: 99, status_id: 1 }, '0.type'],
    [{ value: 'a.example', type: 'FQDN', status: 'Blocked' }, '0.status'],
    [{ value: 'a.example', type: 'FQDN', status_id: 6 }, '0.status'],
    [{ value: '  ', type: 'FQDN' }, '0.value'],
    [{ type: 'FQDN' }, '0.value'],
  ] as const;
  for (const [item, field] of bad) {
    for (const path of ['/api/indicators', '/api/indicators/consume']) {
      const r = await tq.call('POST', path, { body: [item] });
      assert.equal(r.status, 400, `${path} ${JSON.stringify(item)}`);
      assert.ok(r.json.data.errors[field], `${field} in ${JSON.stringify(r.json)}`);
    }
  }
  assert.equal(tq.sim.store.indicators.count, 0);
});

test('consume upserts by type+value and relates inline: events by id, indicators by value', async (t) => {
  const tq = await startThreatQ(t);
  const event = (await tq.call('POST', '/api/events', { body: { title: 'E', type: 'Incident', happened_at: '2024-01-01 00:00:00' } })).json.data;
  const body = fixture('constructed-indicators-consume-request.json');
  for (const item of body) item.events = [{ id: event.id }];
  body[1].indicators = [{ value: 'aa:bb:cc:dd:ee:ff', type: 'MAC Address' }];
  const r = await tq.call('POST', '/api/indicators/consume', { body });
  assert.equal(r.status, 200);
  const [host, ip] = items(r);
  assert.equal(host.type.name, 'FQDN');
  assert.equal(ip.type.name, 'IP Address');
  assert.equal(host.status.name, 'Review');
  assert.equal(host.attributes[0].name, 'Device Type');

  const again = await tq.call('POST', '/api/indicators/consume', { body });
  assert.deepEqual(items(again).map((i) => [i.id, i.existing]), [[host.id, true], [ip.id, true]]);
  assert.equal(tq.sim.store.indicators.count, 3, 'two device indicators plus the MAC related by value');
  assert.equal(tq.sim.store.indicatorView(host.id)?.attributes.length, 1, 'the same attribute is not added twice');

  // Relations are symmetric and not duplicated by a second consume.
  const view = tq.sim.store.listEvents()[0];
  assert.deepEqual(view?.indicators.map((i) => i.value), ['workstation-12.example.local', '10.0.0.12']);
  const fromIndicator = items(await tq.call('GET', `/api/indicators/${ip.id}/events`));
  assert.deepEqual(fromIndicator.map((e) => e.id), [event.id]);
  assert.equal(typeof fromIndicator[0].pivot.id, 'number');
  const mac = tq.sim.store.findIndicator('MAC Address', 'aa:bb:cc:dd:ee:ff') as number;
  assert.deepEqual(tq.sim.store.relationsOf('indicator', mac).map((r) => r.id), [ip.id]);

  const missing = await tq.call('POST', '/api/indicators/consume', { body: [{ value: 'x.example', type: { name: 'FQDN' }, events: [{ id: 999 }] }] });
  assert.equal(missing.status, 400);
});

test('GET and PUT /api/indicators/{id}: status and type changes, conflicts are 400, unknown ids 404', async (t) => {
  const tq = await startThreatQ(t);
  const [a, b] = items(await tq.call('POST', '/api/indicators', { body: [{ value: 'a.example', type: 'FQDN', status: 'Active' }, { value: 'a.example', type: 'URL', status: 'Active' }] }));
  const put = await tq.call('PUT', `/api/indicators/${a.id}`, { body: fixture('kibana-indicator-status-update-request.json') });
  assert.equal(put.status, 400, 'status 6 does not exist on a fresh instance');
  const ok = await tq.call('PUT', `/api/indicators/${a.id}`, { body: { status: 'Whitelisted', sources: [{ name: 'Analyst' }] } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.data.status.name, 'Whitelisted');
  assert.deepEqual(tq.sim.store.indicatorView(a.id)?.sources, ['Analyst']);
  assert.equal((await tq.call('PUT', `/api/indicators/${b.id}`, { body: { type_id: 11 } })).status, 400);
  const got = await tq.call('GET', `/api/indicators/${a.id}?with=attributes,sources`);
  assert.equal(got.json.data.status_id, 5);
  assert.equal(got.json.data.sources.length, 1);
  assert.equal((await tq.call('GET', '/api/indicators/404')).status, 404);
});

test('attributes: add (object or list), list with=attribute, update, delete', async (t) => {
  const tq = await startThreatQ(t);
  const ev = (await tq.call('POST', '/api/events', { body: { title: 'E', type: 'Incident', happened_at: '2024-01-01 00:00:00' } })).json.data;
  const added = await tq.call('POST', `/api/events/${ev.id}/attributes`, { body: fixture('kibana-attribute-create-request.json') });
  assert.equal(added.status, 201);
  assert.equal(added.json.total, 1);
  const attr = added.json.data[0];
  assert.equal(attr.name, 'Disposition');
  assert.equal(typeof attr.attribute_id, 'number');
  await tq.call('POST', `/api/events/${ev.id}/attributes`, { body: [{ name: 'Score', value: 87 }, { name: 'Flag', value: 'Yes' }] });
  const listed = items(await tq.call('GET', `/api/events/${ev.id}/attributes?with=attribute`));
  assert.deepEqual(listed.map((a) => [a.attribute.name, a.value]), [['Disposition', 'Reviewed'], ['Score', '87'], ['Flag', 'Yes']]);
  const put = await tq.call('PUT', `/api/events/${ev.id}/attributes/${attr.id}`, { body: { value: 'Closed' } });
  assert.equal(put.json.data.value, 'Closed');
  assert.equal((await tq.call('DELETE', `/api/events/${ev.id}/attributes/${attr.id}`)).status, 204);
  assert.deepEqual(tq.sim.store.eventView(ev.id)?.attributes.map((a) => a.name), ['Score', 'Flag']);
  assert.equal((await tq.call('POST', `/api/events/${ev.id}/attributes`, { body: { name: 'No value' } })).status, 400);
  assert.equal((await tq.call('POST', '/api/events/77/attributes', { body: { name: 'a', value: 'b' } })).status, 404);
});

test('relations: POST {id} or [{id}] answers with pivot, stored both ways, listed and deleted', async (t) => {
  const tq = await startThreatQ(t);
  const ev = (await tq.call('POST', '/api/events', { body: { title: 'E', type: 'Incident', happened_at: '2024-01-01 00:00:00' } })).json.data;
  const [i1, i2] = items(await tq.call('POST', '/api/indicators', { body: [{ value: '10.0.0.1', type: 'IP Address' }, { value: '10.0.0.2', type: 'IP Address' }] }));
  const sdk = await tq.call('POST', `/api/events/${ev.id}/indicators`, { body: { id: i1.id } });
  assert.equal(sdk.status, 201);
  assert.equal(sdk.json.data[0].id, i1.id);
  assert.equal(typeof sdk.json.data[0].pivot.id, 'number');
  const kibana = await tq.call('POST', `/api/indicators/${i2.id}/events`, { body: [{ id: ev.id }] });
  assert.equal(kibana.json.data[0].id, ev.id);
  const repeat = await tq.call('POST', `/api/indicators/${i1.id}/events`, { body: [{ id: ev.id }] });
  assert.equal(repeat.json.data[0].pivot.id, sdk.json.data[0].pivot.id, 'the same link, not a second one');

  const listed = items(await tq.call('GET', `/api/events/${ev.id}/indicators`));
  assert.deepEqual(listed.map((i) => i.value), ['10.0.0.1', '10.0.0.2']);
  assert.ok(listed.every((i) => typeof i.pivot.id === 'number'));

  assert.equal((await tq.call('DELETE', `/api/events/${ev.id}/indicators`, { body: [sdk.json.data[0].pivot.id] })).status, 204);
  assert.equal((await tq.call('DELETE', `/api/indicators/${i2.id}/events/${ev.id}`)).status, 204);
  assert.deepEqual(tq.sim.store.relationsOf('event', ev.id), []);
  assert.equal((await tq.call('POST', `/api/events/${ev.id}/indicators`, { body: [{ id: 12345 }] })).status, 400);
  assert.equal((await tq.call('POST', `/api/events/${ev.id}/adversaries`, { body: [{ id: 1 }] })).status, 404);
});

test('sources: attach once, list with pivot, detach', async (t) => {
  const tq = await startThreatQ(t);
  const [ind] = items(await tq.call('POST', '/api/indicators', { body: [{ value: 'h.example', type: 'FQDN' }] }));
  const a = await tq.call('POST', `/api/indicators/${ind.id}/sources`, { body: { name: 'Darktrace', tlp: { name: 'AMBER' } } });
  assert.equal(a.status, 201);
  await tq.call('POST', `/api/indicators/${ind.id}/sources`, { body: { name: 'Darktrace' } });
  const listed = items(await tq.call('GET', `/api/indicators/${ind.id}/sources`));
  assert.deepEqual(listed.map((s) => [s.name, s.tlp_id]), [['Darktrace', 2]]);
  assert.equal((await tq.call('DELETE', `/api/indicators/${ind.id}/sources/${listed[0].id}`)).status, 204);
  assert.deepEqual(tq.sim.store.indicatorView(ind.id)?.sources, []);
  assert.equal((await tq.call('POST', `/api/indicators/${ind.id}/sources`, { body: { tlp_id: 2 } })).status, 400);
});

test('assets: consume de-duplicates by value, relates to events, works under /api/asset and /api/assets', async (t) => {
  const tq = await startThreatQ(t);
  const ev = (await tq.call('POST', '/api/events', { body: { title: 'E', type: 'Incident', happened_at: '2024-01-01 00:00:00' } })).json.data;
  const first = await tq.call('POST', '/api/asset/consume', { body: [{ value: 'laptop-7', description: 'Desktop', events: [{ id: ev.id }], sources: [{ name: 'Darktrace' }] }] });
  assert.equal(first.status, 200);
  const again = await tq.call('POST', '/api/assets/consume', { body: [{ value: 'laptop-7', asset: [], events: [{ id: ev.id }] }] });
  assert.equal(items(again)[0].id, items(first)[0].id);
  assert.equal(items(again)[0].existing, true);
  assert.equal(tq.sim.store.listAssets().length, 1);
  assert.deepEqual(tq.sim.store.eventView(ev.id)?.assets.map((a) => a.value), ['laptop-7']);
  const viaRelation = items(await tq.call('GET', `/api/events/${ev.id}/asset`));
  assert.deepEqual(viaRelation.map((a) => a.value), ['laptop-7']);
  assert.equal(items(await tq.call('GET', '/api/asset?value=laptop-7'))[0].description, 'Desktop');
  const single = await tq.call('POST', '/api/asset', { body: { value: 'server-1' } });
  assert.equal(single.status, 201);
  assert.equal(single.json.data.value, 'server-1');
  assert.equal((await tq.call('POST', '/api/asset/consume', { body: [{ description: 'no value' }] })).status, 400);
});
