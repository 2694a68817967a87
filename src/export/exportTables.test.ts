import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportTablesDb as tables } from '../../test/helpers/exportTablesDb.ts';
import { buildDesired, buildFeed, FeedWriter, MemberWriter } from './exportTables.ts';

test('the read-back keeps every value with its own expiry, shared or not, and the later listing of a value wins', (t) => {
  const sqlite = tables(t);
  const feed = new FeedWriter(sqlite, 3);
  // Batches of three: one expiry shared, then mixed, then all without expiry, then a rest.
  const rows: Array<[string, number | null]> = [
    ['a.example', 1000], ['b.example', 1000], ['c.example', 1000],
    ['d.example', 2000], ['a.example', null], ['e.example', 3000],
    ['f.example', null], ['g.example', null], ['b.example', 4000],
    ['h.example', 5000],
  ];
  for (const [v, e] of rows) feed.push(v, e);
  feed.flush();
  buildFeed(sqlite);
  const got = sqlite.prepare('SELECT value, expires_at AS e FROM temp.feed ORDER BY value').all() as Array<{ value: string; e: number | null }>;
  assert.deepEqual(got, [
    { value: 'a.example', e: null },
    { value: 'b.example', e: 4000 },
    { value: 'c.example', e: 1000 },
    { value: 'd.example', e: 2000 },
    { value: 'e.example', e: 3000 },
    { value: 'f.example', e: null },
    { value: 'g.example', e: null },
    { value: 'h.example', e: 5000 },
  ]);
});

test('a discarded read-back leaves nothing behind', (t) => {
  const sqlite = tables(t);
  const feed = new FeedWriter(sqlite, 10);
  feed.push('a.example', 1);
  feed.discard();
  feed.flush();
  assert.equal((sqlite.prepare('SELECT count(*) AS n FROM temp.feed_in').get() as { n: number }).n, 0);
});

test('pages of members become one desired row per value with its collections, each named once', (t) => {
  const sqlite = tables(t);
  const members = new MemberWriter(sqlite);
  members.page(['b.example', 'a.example'], 'Collection B');
  members.page([], 'Collection C');
  members.page(['a.example', 'c.example', 'a.example'], 'Collection A');
  buildDesired(sqlite);
  const got = sqlite.prepare('SELECT value, collections FROM temp.desired ORDER BY value').all();
  assert.deepEqual(got, [
    { value: 'a.example', collections: '["Collection A","Collection B"]' },
    { value: 'b.example', collections: '["Collection B"]' },
    { value: 'c.example', collections: '["Collection A"]' },
  ]);
});
