import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryIndicatorWriter, isPlainQueryShape } from './indicatorJson.ts';
import { indicatorWire } from './present.ts';
import { seedThreatQ } from './seed.ts';
import { ThreatQStore } from './store.ts';

const clock = { now: () => Date.parse('2024-07-01T00:00:00Z') };

test('query answers written from the columns are the exact text of the generic record', () => {
  const store = new ThreatQStore({ clock });
  seedThreatQ(store, { seed: 3, collections: [{ name: 'A', size: 3000 }], hostileFraction: 0.3, otherTypeFraction: 0.3 });
  const a = store.upsertIndicator({ value: 'quote"back\\slash\u2028\ud83d\ude00.example', type: 'FQDN', description: 'line\nbreak "quoted" \u00e9', score: 7 }).id;
  const b = store.upsertIndicator({ value: '10.0.0.1', type: 'IP Address', status: 'Whitelisted' }).id;
  store.updateIndicator(b, { description: null, score: 3 });
  store.setIndicatorTimes(a, { createdAt: 0, updatedAt: 1.5, touchedAt: 4_102_444_800 });
  const writer = new QueryIndicatorWriter(store);
  const ids = Array.from({ length: store.indicators.count }, (_, i) => i + 1);
  for (const id of ids) assert.equal(writer.json(id), JSON.stringify(indicatorWire(store, id, { nested: true })), `indicator ${id}`);
  const expected = `{"total":${ids.length},"data":${JSON.stringify(ids.map((id) => indicatorWire(store, id, { nested: true })))},"limit":9}`;
  assert.equal(writer.page('{"total":' + ids.length + ',"data":', ids, ',"limit":9}').toString('utf8'), expected);
  assert.equal(writer.page('{"x\u00e9":', [], '}').toString('utf8'), '{"x\u00e9":[]}');
  assert.equal(writer.page('{"é":', [], '}').toString('utf8'), '{"é":[]}');
});

test('an edited value, type or status shows in the next answer', () => {
  const store = new ThreatQStore({ clock });
  const id = store.upsertIndicator({ value: 'before.example', type: 'FQDN' }).id;
  const first = new QueryIndicatorWriter(store).json(id);
  store.updateIndicator(id, { value: 'after.example' });
  store.setIndicatorType(id, 'URL');
  store.setIndicatorStatus(id, 'Active');
  const second = new QueryIndicatorWriter(store).json(id);
  assert.notEqual(second, first);
  assert.equal(second, JSON.stringify(indicatorWire(store, id, { nested: true })));
  assert.match(second, /"value":"after\.example".*"name":"URL".*"name":"Active"/);
});

test('only the default query shape takes the direct path', () => {
  assert.equal(isPlainQueryShape({ nested: true, with: new Set() }), true);
  assert.equal(isPlainQueryShape({ nested: true, with: new Set(['tags']) }), false);
  assert.equal(isPlainQueryShape({ nested: true, fields: ['value'] }), false);
  assert.equal(isPlainQueryShape({ with: new Set() }), false);
});
