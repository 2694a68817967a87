import assert from 'node:assert/strict';
import test from 'node:test';
import { fixedClock } from '../../../src/clock.ts';
import { parseTqDate } from '../../../src/sim/threatq/index.ts';
import { seedThreatQ } from '../../../src/sim/threatq/seed.ts';
import { items, startThreatQ } from './helpers.ts';
import type { RunningThreatQ } from './helpers.ts';

async function seeded(t: Parameters<typeof startThreatQ>[0], sizes: number[] = [230, 120]) {
  const tq = await startThreatQ(t);
  const result = seedThreatQ(tq.sim, { seed: 42, collections: sizes.map((size, i) => ({ name: `Collection ${i + 1}`, size })), overlap: 0.3, hostileFraction: 0.2 });
  return { tq, result };
}

async function listSearches(tq: RunningThreatQ) {
  return items(await tq.call('GET', '/api/search/query'));
}

/** Walks a saved search by hash with cursorMark; `between` runs after each page. */
async function walkCursor(tq: RunningThreatQ, hash: string, limit: number, sort = '', between?: (page: number) => Promise<void> | void) {
  const ids: number[] = [];
  let cursor = '*';
  for (let page = 0; page < 10_000; page++) {
    const r = await tq.call('GET', `/api/indicators/query/hash/${hash}?limit=${limit}&cursorMark=${encodeURIComponent(cursor)}${sort ? `&sort=${sort}` : ''}`);
    assert.equal(r.status, 200, r.text);
    const data = r.json.data;
    if (Array.isArray(data) && data.length > 0) {
      ids.push(...data.map((x: any) => x.id));
      assert.notEqual(r.json.nextCursorMark, cursor);
      cursor = r.json.nextCursorMark;
      await between?.(page);
      continue;
    }
    assert.deepEqual(data, {}, 'the last page is an empty object, like the Elastic fixture');
    assert.equal(r.json.nextCursorMark, cursor, 'the cursor stops changing at the end');
    return ids;
  }
  throw new Error('cursor walk did not end');
}

async function walkOffset(tq: RunningThreatQ, apiQuery: unknown, limit: number, sort = 'id') {
  const ids: number[] = [];
  for (let offset = 0; ; ) {
    const r = await tq.call('POST', `/api/indicators/query?limit=${limit}&offset=${offset}&sort=${sort}`, { body: { ...(apiQuery as object), fields: ['id', 'value', 'type', 'status'] } });
    assert.equal(r.status, 200, r.text);
    const page = items(r);
    ids.push(...page.map((x) => x.id));
    offset += page.length;
    if (page.length === 0 || offset >= r.json.total) return { ids, total: r.json.total as number };
  }
}

test('saved searches are listed with json as a string holding ui_query and api_query', async (t) => {
  const { tq, result } = await seeded(t);
  const list = await listSearches(tq);
  assert.deepEqual(list.map((s) => s.name), ['Collection 1', 'Collection 2']);
  for (const s of list) {
    assert.equal(typeof s.json, 'string');
    const json = JSON.parse(s.json);
    assert.equal(json.ui_query.objects.current, 'indicators');
    assert.ok(json.api_query.criteria);
    assert.ok('filters' in json.api_query);
    assert.match(s.hash, /^[0-9a-f]{32}$/);
  }
  assert.equal(list[0].hash, result.collections[0]?.hash);
  const one = await tq.call('GET', `/api/search/query/${list[1].hash}?fields=name`);
  assert.deepEqual(one.json.data, { id: list[1].id, name: 'Collection 2' });
  assert.equal((await tq.call('GET', '/api/search/query/ffffffffffffffffffffffffffffffff')).status, 404);
});

test('POST /api/search/query creates a saved search (json object or string); a taken name is 400', async (t) => {
  const tq = await startThreatQ(t);
  await tq.call('POST', '/api/indicators', { body: [{ value: 'a.example', type: 'FQDN', status: 'Active' }, { value: '10.1.1.1', type: 'IP Address', status: 'Review' }] });
  const apiQuery = { criteria: {}, filters: { '+and': [{ status_name: 'Active' }] } };
  const made = await tq.call('POST', '/api/search/query', { body: { name: 'Active only', json: { ui_query: { objects: { current: 'indicators' } }, api_query: apiQuery } } });
  assert.equal(made.status, 201);
  assert.equal(typeof made.json.data.json, 'string');
  const run = await tq.call('GET', `/api/indicators/query/hash/${made.json.data.hash}?limit=10&cursorMark=*`);
  assert.deepEqual(items(run).map((i) => i.value), ['a.example']);
  const asString = await tq.call('POST', '/api/search/query', { body: { name: 'Everything', json: JSON.stringify({ api_query: { criteria: {} } }) } });
  assert.equal(asString.status, 201);
  const dup = await tq.call('POST', '/api/search/query', { body: { name: 'Active only', json: {} } });
  assert.deepEqual(dup.json, { data: { errors: { name: ['The name has already been taken.'] } } });
});

test('both paging styles return every member exactly once and agree with the seed', async (t) => {
  const { tq, result } = await seeded(t);
  for (const c of result.collections) {
    const search = (await listSearches(tq)).find((s) => s.name === c.name);
    const expected = [...c.memberIds];
    const byCursor = await walkCursor(tq, search.hash, 17);
    assert.deepEqual(byCursor, expected);
    const { ids, total } = await walkOffset(tq, JSON.parse(search.json).api_query, 25);
    assert.equal(total, c.size);
    assert.deepEqual(ids, expected);
    const offsetByHash = await tq.call('GET', `/api/indicators/query/hash/${search.hash}?limit=5&offset=5`);
    assert.deepEqual(items(offsetByHash).map((x) => x.id), expected.slice(5, 10));
  }
  const first = result.collections[0]?.memberIds as Int32Array;
  const second = result.collections[1]?.memberIds as Int32Array;
  assert.equal([...second].filter((id) => first.includes(id)).length, Math.round(120 * 0.3), 'overlap between the collections');
});

test('cursor paging stays exact when membership changes between pages', async (t) => {
  const { tq, result } = await seeded(t, [100]);
  const c = result.collections[0] as { hash: string; memberIds: Int32Array; name: string };
  const members = [...c.memberIds];
  const store = tq.sim.store;
  const extra = store.upsertIndicator({ value: 'late-addition.example', type: 'FQDN', status: 'Active' }).id;
  const removedAhead = members[80] as number;
  const removedBehind = members[5] as number;
  const seen = await walkCursor(tq, c.hash, 20, '', async (page) => {
    if (page !== 1) return;
    // Between pages 2 and 3: one member gone ahead of the cursor, one behind it, one added after it.
    store.removeFromCollection(c.name, [removedAhead, removedBehind]);
    const tagged = await tq.call('POST', `/api/indicators/${extra}/tags`, { body: { name: c.name } });
    assert.equal(tagged.status, 201);
  });
  const expected = [...members.filter((id) => id !== removedAhead), extra];
  assert.deepEqual(seen, expected);
  assert.equal(new Set(seen).size, seen.length, 'nobody twice');
});

test('a collection with a status filter follows status and type changes made between pages', async (t) => {
  const tq = await startThreatQ(t);
  const store = tq.sim.store;
  store.createCollection('Active FQDN', { filters: { '+and': [{ status_name: 'Active' }, { type_name: 'FQDN' }] } });
  const ids = Array.from({ length: 30 }, (_, i) => store.upsertIndicator({ value: `h${i}.example`, type: 'FQDN', status: 'Active' }).id);
  store.addToCollection('Active FQDN', ids);
  const hash = store.savedSearchByName('Active FQDN')?.hash as string;
  const seen = await walkCursor(tq, hash, 10, '', async (page) => {
    if (page !== 0) return;
    store.setIndicatorStatus(ids[20] as number, 'Whitelisted');
    const put = await tq.call('PUT', `/api/indicators/${ids[25]}`, { body: { type: 'URL' } });
    assert.equal(put.status, 200);
  });
  assert.deepEqual(seen, ids.filter((id) => id !== ids[20] && id !== ids[25]));
  const total = (await tq.call('GET', `/api/indicators/query/hash/${hash}?limit=1&cursorMark=*`)).json.total;
  assert.equal(total, 28);
});

test('sorted cursor walks (sort=-updated_at) are complete and in order', async (t) => {
  const { tq, result } = await seeded(t, [150]);
  const c = result.collections[0] as { hash: string; memberIds: Int32Array };
  const seen = await walkCursor(tq, c.hash, 13, '-updated_at');
  assert.deepEqual([...seen].sort((a, b) => a - b), [...c.memberIds]);
  const times = seen.map((id) => parseTqDate(tq.sim.store.indicatorView(id)?.updatedAt) as number);
  for (let i = 1; i < times.length; i++) assert.ok((times[i - 1] as number) >= (times[i] as number));
  assert.equal((await tq.call('GET', `/api/indicators/query/hash/${c.hash}?cursorMark=garbage!!`)).status, 400);
  assert.equal((await tq.call('GET', `/api/indicators/query/hash/${c.hash}?sort=colour&cursorMark=*`)).status, 400);
  assert.equal((await tq.call('GET', '/api/indicators/query/hash/nope?cursorMark=*')).status, 404);
});

test('date filters: +gt/+lt/+gte/+lte on created_at, updated_at, touched_at with NOW and relative dates', async (t) => {
  const clock = fixedClock(Date.UTC(2025, 5, 1, 12, 0, 0));
  const tq = await startThreatQ(t, { clock });
  const store = tq.sim.store;
  const at = (s: string) => parseTqDate(s) as number;
  const old = store.upsertIndicator({ value: 'old.example', type: 'FQDN', status: 'Active', createdAt: at('2025-01-01 00:00:00') }).id;
  const mid = store.upsertIndicator({ value: 'mid.example', type: 'FQDN', status: 'Active', createdAt: at('2025-05-01 00:00:00') }).id;
  const fresh = store.upsertIndicator({ value: 'fresh.example', type: 'FQDN', status: 'Active', createdAt: at('2025-06-01 11:00:00') }).id;
  const query = async (filters: unknown) => {
    const r = await tq.call('POST', '/api/indicators/query?limit=100', { body: { criteria: {}, filters } });
    assert.equal(r.status, 200, r.text);
    return items(r).map((x) => x.id);
  };
  // threatqsdk's inject_date shape: {date_field: {"+gt": since, "+lt": "NOW"}} inside +and.
  assert.deepEqual(await query({ '+and': [{ updated_at: { '+gt': '2025-04-30 23:59:59', '+lt': 'NOW' } }] }), [mid, fresh]);
  assert.deepEqual(await query({ '+and': [{ created_at: { '+gte': '2025-05-01 00:00:00' } }] }), [mid, fresh]);
  assert.deepEqual(await query({ '+and': [{ touched_at: { '+lte': '2025-05-01 00:00:00' } }] }), [old, mid]);
  assert.deepEqual(await query({ updated_at: { '+gt': '-2 hours' } }), [fresh]);
  assert.deepEqual(await query({ '+or': [{ created_at: { '+lt': '2025-02-01 00:00:00' } }, { value: 'fresh.example' }] }), [old, fresh]);
  const bad = await tq.call('POST', '/api/indicators/query', { body: { filters: { updated_at: { '+gt': 'last tuesday' } } } });
  assert.equal(bad.status, 400);
  assert.ok(Object.keys(bad.json.data.errors).length > 0);
  assert.equal((await tq.call('POST', '/api/indicators/query', { body: { filters: { updated_at: { '+after': 'NOW' } } } })).status, 400);
  assert.equal((await tq.call('POST', '/api/indicators/query', { body: { criteria: { colour: 'red' } } })).status, 400);
});

test('criteria operators on value, type_name and status_name; fields projects type/status to names', async (t) => {
  const tq = await startThreatQ(t);
  await tq.call('POST', '/api/indicators', {
    body: [
      { value: 'www.example.com', type: 'FQDN', status: 'Active' },
      { value: 'mail.example.com', type: 'FQDN', status: 'Review' },
      { value: '1.2.3.4', type: 'IP Address', status: 'Active' },
      { value: 'http://www.example.com/x', type: 'URL', status: 'Active' },
    ],
  });
  const run = async (body: unknown, qs = 'limit=50') => {
    const r = await tq.call('POST', `/api/indicators/query?${qs}`, { body });
    assert.equal(r.status, 200, r.text);
    return r;
  };
  const contains = await run({ criteria: { value: { '+contains': 'EXAMPLE.com' } }, filters: { '+and': [{ type_name: 'FQDN' }, { status_name: 'Active' }] } });
  assert.deepEqual(items(contains).map((x) => x.value), ['www.example.com']);
  assert.equal(items(contains)[0].type.name, 'FQDN', 'query answers carry nested type');
  const equalsOrPlain = await run({ criteria: { '+or': [{ value: { '+equals': '1.2.3.4' } }, { value: 'mail.example.com' }] } });
  assert.deepEqual(items(equalsOrPlain).map((x) => x.value), ['mail.example.com', '1.2.3.4']);
  const inList = await run({ filters: { '+and': [{ type_name: ['FQDN', 'IP Address'] }] } }, 'limit=2&offset=1&sort=-id');
  assert.equal(inList.json.total, 3);
  assert.deepEqual(items(inList).map((x) => x.value), ['mail.example.com', 'www.example.com']);
  const projected = await run({ criteria: { type_name: 'IP Address' }, fields: ['id', 'value', 'type', 'status'] });
  assert.deepEqual(items(projected), [{ id: 3, value: '1.2.3.4', type: 'IP Address', status: 'Active' }]);
});
