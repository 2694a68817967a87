import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import type { CollectionIndicator, SavedSearch } from '../../src/threatq/client.ts';
import { fixture } from './helpers/fakeThreatQ.ts';
import { assertNoSecrets, errorText, rejectsWith, setup } from './helpers/setup.ts';

const API_QUERY = { criteria: {}, filters: { '+and': [{ type_name: 'FQDN' }] } };
const SEARCHES = {
  data: [
    { id: 1, name: 'Darktrace Export', hash: 'abc123', json: JSON.stringify({ ui_query: { objects: { current: 'indicators' } }, api_query: API_QUERY }) },
    { id: 2, name: 'Darktrace export (old)', json: { api_query: API_QUERY } },
    { id: 3, name: 'Phishing Domains', json: { ui_query: {} } },
  ],
};

async function collect(it: AsyncIterable<CollectionIndicator>): Promise<CollectionIndicator[]> {
  const out: CollectionIndicator[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('collections are found by exact name; json may be a string or an object', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/search/query', () => ({ json: SEARCHES }));
  const list = await client.listCollections();
  assert.deepEqual(list.map((s) => s.name), ['Darktrace Export', 'Darktrace export (old)', 'Phishing Domains']);
  const byString = await client.findCollection('Darktrace Export');
  assert.equal(byString.hash, 'abc123');
  assert.deepEqual(byString.apiQuery, API_QUERY);
  assert.equal(byString.objectCollection, 'indicators');
  assert.deepEqual((await client.findCollection('Darktrace export (old)')).apiQuery, API_QUERY);
});

test('an unknown collection name is a usage error that lists the names that exist', async (t) => {
  const { server, client, lines } = await setup(t);
  server.on('GET /api/search/query', () => ({ json: SEARCHES }));
  const err = await rejectsWith(() => client.findCollection('darktrace export'), 'E_TQ_COLLECTION_UNKNOWN');
  assert.equal(err.exitCode, EXIT.usage);
  assert.match(err.message, /'darktrace export'/);
  assert.match(err.message, /'Darktrace Export', 'Darktrace export \(old\)', 'Phishing Domains'/);
  assert.match(err.hint ?? '', /did you mean 'Darktrace Export'/);
  assertNoSecrets(server, [errorText(err), ...lines]);
});

test('paging by hash follows cursorMark and stops on the `data: {}` last page', async (t) => {
  const { server, client } = await setup(t, { pageSize: 100 });
  server.on('GET /api/search/query', () => ({ json: SEARCHES }));
  const page1 = fixture('elastic-data-collection-page1-response.json') as { data: unknown[]; nextCursorMark: string; total: number };
  // The public recording keeps 6 of the collection's 4,090 members; its totals say so, and a read
  // ending before the total is refused (see the next test), so they are set to what is served.
  page1.total = page1.data.length;
  const page2 = { ...(fixture('elastic-data-collection-page2-response.json') as Record<string, unknown>), total: page1.data.length };
  server.on('GET /api/indicators/query/hash/abc123', (req) => {
    if (req.query.get('cursorMark') === '*') return { json: page1 };
    if (req.query.get('cursorMark') === page1.nextCursorMark) return { json: page2 };
    return { status: 400, json: { errors: ['bad cursor'] } };
  });
  const search = await client.findCollection('Darktrace Export');
  const got = await collect(client.collectionIndicators(search));
  const calls = server.requests.filter((r) => r.path === '/api/indicators/query/hash/abc123');
  assert.deepEqual(calls.map((c) => [c.query.get('cursorMark'), c.query.get('limit')]), [['*', '100'], [page1.nextCursorMark, '100']]);
  assert.equal(got.length, page1.data.length);
  assert.deepEqual(got[0], { id: 106767, value: '107.189.1.90', typeName: 'IP Address', statusName: 'Active', updatedAt: '2021-10-01 18:36:03' });
});

test('a hash listing that ends before its total is refused, so an export never removes the missing part', async (t) => {
  const { server, client } = await setup(t, { pageSize: 100 });
  server.on('GET /api/search/query', () => ({ json: SEARCHES }));
  const page1 = fixture('elastic-data-collection-page1-response.json') as { data: unknown[]; nextCursorMark: string; total: number };
  server.on('GET /api/indicators/query/hash/abc123', (req) => {
    if (req.query.get('cursorMark') === '*') return { json: page1 };
    return { json: fixture('elastic-data-collection-page2-response.json') };
  });
  const search = await client.findCollection('Darktrace Export');
  const err = await rejectsWith(() => collect(client.collectionIndicators(search)), 'E_TQ_COLLECTION_SHORT');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.match(err.message, new RegExp(`after ${page1.data.length} of ${page1.total} indicators`));
});

test('paging by hash stops when the cursor stops changing, even if data keeps coming', async (t) => {
  const { server, client } = await setup(t, { pageSize: 2 });
  const pages: Record<string, { data: unknown[]; nextCursorMark: string }> = {
    '*': { data: [{ id: 1, value: 'a.example', type: { name: 'FQDN' } }, { id: 2, value: 'b.example', type: 'FQDN' }], nextCursorMark: 'c1' },
    c1: { data: [{ id: 3, value: '10.0.0.3', type_id: 15, status_id: 4 }], nextCursorMark: 'c1' },
  };
  server.on('GET /api/indicators/query/hash/h1', (req) => ({ json: { total: 3, ...pages[req.query.get('cursorMark') ?? '']! } }));
  server.on('GET /api/indicator/types', () => ({ json: { data: [{ id: 15, name: 'IP Address' }] } }));
  server.on('GET /api/indicator/statuses', () => ({ json: { data: fixture('splunk-indicator-statuses.json') } }));
  const search: SavedSearch = { name: 'x', hash: 'h1', raw: {} };
  const got = await collect(client.collectionIndicators(search));
  assert.deepEqual(got.map((g) => [g.value, g.typeName, g.statusName]), [['a.example', 'FQDN', undefined], ['b.example', 'FQDN', undefined], ['10.0.0.3', 'IP Address', 'Review']]);
  assert.equal(server.count('GET /api/indicators/query/hash/h1'), 2);
});

test('paging by api_query uses limit/offset until total, sending the saved query as the body', async (t) => {
  const { server, client } = await setup(t, { pageSize: 1000 });
  server.on('GET /api/search/query', () => ({ json: SEARCHES }));
  const all = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, value: `h${i}.example`, type: { id: 11, name: 'FQDN' }, status: { id: 1, name: 'Active' } }));
  server.on('POST /api/indicators/query', (req) => {
    const limit = Number(req.query.get('limit'));
    const offset = Number(req.query.get('offset'));
    return { json: { total: all.length, limit, offset, data: all.slice(offset, offset + limit) } };
  });
  const search = await client.findCollection('Darktrace export (old)');
  const got = await collect(client.collectionIndicators(search));
  assert.equal(got.length, 2500);
  assert.equal(new Set(got.map((g) => g.id)).size, 2500);
  const calls = server.requests.filter((r) => r.path === '/api/indicators/query');
  assert.deepEqual(calls.map((c) => c.query.get('offset')), ['0', '1000', '2000']);
  // threatqsdk's way: the saved query as it is, with the wanted fields added.
  for (const c of calls) assert.deepEqual(c.json, { ...API_QUERY, fields: ['id', 'value', 'type_id', 'type'] });

  // A collection with a hash can still be read by its query when asked to.
  const viaQuery = await collect(client.collectionIndicators(await client.findCollection('Darktrace Export'), { strategy: 'query', pageSize: 2000 }));
  assert.equal(viaQuery.length, 2500);
});

test('a collection with neither hash nor api_query fails clearly when read', async (t) => {
  const { server, client } = await setup(t);
  server.on('GET /api/search/query', () => ({ json: SEARCHES }));
  const search = await client.findCollection('Phishing Domains');
  const err = await rejectsWith(() => collect(client.collectionIndicators(search)), 'E_TQ_COLLECTION_QUERY');
  assert.match(err.message, /'Phishing Domains'/);
});

test('a page failing mid-collection stops the generator with the error', async (t) => {
  const { server, client } = await setup(t, { pageSize: 1 });
  server.on('GET /api/indicators/query/hash/h2', (req) =>
    req.query.get('cursorMark') === '*' ? { json: { data: [{ id: 1, value: 'a.example', type: 'FQDN' }], nextCursorMark: 'n1' } } : { status: 500, json: { errors: ['Solr timeout'] } },
  );
  const seen: string[] = [];
  const err = await rejectsWith(async () => {
    for await (const x of client.collectionIndicators({ name: 'y', hash: 'h2', raw: {} })) seen.push(x.value);
  }, 'E_TQ_UNAVAILABLE');
  assert.deepEqual(seen, ['a.example']);
  assert.match(err.message, /Solr timeout/);
});

test('collection pages ask only for the fields the export needs and accept a type as a name, an object or an id', async (t) => {
  const { server, client } = await setup(t, { pageSize: 2 });
  server.on('GET /api/indicator/types', () => ({ json: { data: [{ id: 11, name: 'FQDN' }, { id: 15, name: 'IP Address' }], total: 2 } }));
  server.on('GET /api/indicators/query/hash/h3', (req) =>
    req.query.get('cursorMark') === '*'
      ? { json: { total: 3, data: [{ id: 1, value: 'a.example', type: 'FQDN' }, { id: 2, value: '192.0.2.1', type_id: 15 }], nextCursorMark: 'n1' } }
      : { json: { total: 3, data: [{ id: 3, value: 'c.example', type: { id: 11, name: 'FQDN' } }], nextCursorMark: 'n1' } },
  );
  const got = await collect(client.collectionIndicators({ name: 'p', hash: 'h3', raw: {} }));
  assert.deepEqual(got, [
    { id: 1, value: 'a.example', typeName: 'FQDN' },
    { id: 2, value: '192.0.2.1', typeName: 'IP Address' },
    { id: 3, value: 'c.example', typeName: 'FQDN' },
  ]);
  const calls = server.requests.filter((r) => r.path === '/api/indicators/query/hash/h3');
  assert.equal(calls.length, 2);
  for (const c of calls) assert.equal(c.query.get('fields'), 'id,value,type_id,type');
});

test('a ThreatQ that refuses the field list is read as whole records, with one warning, for the rest of the run', async (t) => {
  const { server, client, lines } = await setup(t, { pageSize: 10 });
  const full = (id: number) => ({ id, value: `h${id}.example`, type: { id: 11, name: 'FQDN' }, status: { id: 1, name: 'Active' } });
  for (const hash of ['ha', 'hb']) {
    server.on(`GET /api/indicators/query/hash/${hash}`, (req) =>
      req.query.get('fields') !== null ? { status: 400, json: { errors: { fields: ['Unknown field type_id.'] } } } : { json: { total: 2, data: [full(1), full(2)], nextCursorMark: '*' } },
    );
  }
  assert.deepEqual((await collect(client.collectionIndicators({ name: 'A', hash: 'ha', raw: {} }))).map((i) => i.value), ['h1.example', 'h2.example']);
  assert.deepEqual((await collect(client.collectionIndicators({ name: 'B', hash: 'hb', raw: {} }))).map((i) => i.value), ['h1.example', 'h2.example']);
  const asked = server.requests.filter((r) => r.path.startsWith('/api/indicators/query/hash/')).map((r) => `${r.path.slice(-2)} ${r.query.get('fields') ?? '-'}`);
  assert.deepEqual(asked, ['ha id,value,type_id,type', 'ha -', 'hb -']);
  const warnings = lines.filter((l) => l.includes('threatq.collection.projection'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /refused the request.*HTTP 400.*reading 'A' as whole records instead/);
});

test('a ThreatQ that answers the field list without values is read again as whole records before anything is used', async (t) => {
  const { server, client, lines } = await setup(t, { pageSize: 10 });
  server.on('POST /api/indicators/query', (req) => {
    const body = req.json as { fields?: string[] };
    // A server that takes `fields` as "id only" would otherwise make every member look value-less.
    const data = body.fields ? [{ id: 1 }, { id: 2 }] : [{ id: 1, value: 'a.example', type: { name: 'FQDN' } }, { id: 2, value: 'b.example', type: { name: 'FQDN' } }];
    return { json: { total: 2, data } };
  });
  const got = await collect(client.collectionIndicators({ name: 'Q', apiQuery: API_QUERY, raw: {} }, { strategy: 'query' }));
  assert.deepEqual(got.map((i) => i.value), ['a.example', 'b.example']);
  assert.match(lines.find((l) => l.includes('threatq.collection.projection')) ?? '', /member 1 without a value/);
});

test('a member without a value on a later page stops the export instead of being dropped (a drop would remove it from Darktrace)', async (t) => {
  const { server, client } = await setup(t, { pageSize: 1 });
  server.on('GET /api/indicators/query/hash/h4', (req) =>
    req.query.get('cursorMark') === '*'
      ? { json: { total: 2, data: [{ id: 1, value: 'a.example', type: 'FQDN' }], nextCursorMark: 'n1' } }
      : { json: { total: 2, data: [{ id: 2, value: null, type: 'FQDN' }], nextCursorMark: 'n2' } },
  );
  const err = await rejectsWith(() => collect(client.collectionIndicators({ name: 'Bad', hash: 'h4', raw: {} })), 'E_TQ_COLLECTION_RECORD');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.match(err.message, /member 2 without a value in page 2 of collection 'Bad'; the export stopped before changing anything/);
});

test('invalid UTF-8 in a collection page becomes U+FFFD in that value; the page and the rest of the read go on', async (t) => {
  const { server, client } = await setup(t, { pageSize: 10 });
  const page = Buffer.concat([
    Buffer.from('{"total":2,"nextCursorMark":"*","data":[{"id":1,"value":"ok.example","type":"FQDN"},{"id":2,"value":"bad'),
    Buffer.from([0xfe, 0xe2, 0x82]),
    Buffer.from('.example","type":"FQDN"}]}'),
  ]);
  server.on('GET /api/indicators/query/hash/h5', () => ({ bytes: page }));
  const got = await collect(client.collectionIndicators({ name: 'U', hash: 'h5', raw: {} }));
  assert.deepEqual(got.map((i) => i.value), ['ok.example', 'bad\uFFFD\uFFFD.example']);
});

test('a projected page that comes back incomplete in the middle of a walk is fetched again whole, at the same cursor', async (t) => {
  const { server, client, lines } = await setup(t, { pageSize: 2 });
  const full = (id: number) => ({ id, value: `m${id}.example`, type: { id: 11, name: 'FQDN' } });
  server.on('GET /api/indicators/query/hash/h6', (req) => {
    const projected = req.query.get('fields') !== null;
    if (req.query.get('cursorMark') === '*') return { json: { total: 4, data: [1, 2].map((id) => ({ id, value: `m${id}.example`, type: 'FQDN' })), nextCursorMark: 'c2' } };
    // Page 2 of the projected listing loses the type; the whole records have it.
    return { json: { total: 4, data: projected ? [{ id: 3, value: 'm3.example' }, { id: 4, value: 'm4.example' }] : [full(3), full(4)], nextCursorMark: 'c2' } };
  });
  const got = await collect(client.collectionIndicators({ name: 'Mid', hash: 'h6', raw: {} }));
  assert.deepEqual(got.map((i) => [i.value, i.typeName]), [['m1.example', 'FQDN'], ['m2.example', 'FQDN'], ['m3.example', 'FQDN'], ['m4.example', 'FQDN']]);
  const asked = server.requests.filter((r) => r.path === '/api/indicators/query/hash/h6').map((r) => `${r.query.get('cursorMark')} ${r.query.get('fields') === null ? 'whole' : 'projected'}`);
  assert.deepEqual(asked, ['* projected', 'c2 projected', 'c2 whole']);
  assert.equal(lines.filter((l) => l.includes('threatq.collection.projection')).length, 1);
});

test('a projected page answered 404 (the collection vanished) is an error, not a reason to drop the field list', async (t) => {
  const { server, client, lines } = await setup(t, { pageSize: 2 });
  server.on('GET /api/indicators/query/hash/h7', () => ({ status: 404, json: { errors: ['Not found'] } }));
  const err = await rejectsWith(() => collect(client.collectionIndicators({ name: 'Gone', hash: 'h7', raw: {} })), 'E_TQ_REQUEST');
  assert.match(err.message, /HTTP 404/);
  assert.equal(server.requests.filter((r) => r.path === '/api/indicators/query/hash/h7').length, 1);
  assert.equal(lines.filter((l) => l.includes('threatq.collection.projection')).length, 0);
});
