// Why the export files a page of memberships with one statement (MemberWriter and FeedWriter in
// src/export/exportTables.ts): a call per row costs about 1.3 µs in better-sqlite3, while SQLite
// unpacks a JSON array of the page itself. Also shows where larger arrays stop paying, and why
// read-back rows sharing one expiry go in as plain values rather than pairs.
//
//   node bench/micro/bulkInsert.mjs
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MEMBERS = 1_070_000;
const FEED = 870_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bulk-insert-'));
const db = new Database(path.join(dir, 'state.db'));
db.pragma('journal_mode = WAL');
db.pragma('temp.cache_size = -4096');
db.exec('CREATE TEMP TABLE members (value TEXT NOT NULL, collection TEXT NOT NULL); CREATE TEMP TABLE feed_in (value TEXT NOT NULL, expires_at INTEGER)');
// API order, unrelated to value order.
const values = Array.from({ length: MEMBERS }, (_, i) => `host-${(i * 7919) % MEMBERS}.collection-${i % 3}.bench.example`);

function time(label, table, fill) {
  db.exec(`DELETE FROM temp.${table}`);
  const t = performance.now();
  fill();
  const n = db.prepare(`SELECT count(*) AS n FROM temp.${table}`).get().n;
  console.log(`${label.padEnd(52)} ${String(Math.round(performance.now() - t)).padStart(6)} ms  (${n.toLocaleString('en')} rows)`);
}

const memberRow = db.prepare('INSERT INTO temp.members (value, collection) VALUES (?, ?)');
time('members: a call per row, 20,000 per transaction', 'members', () => {
  for (let i = 0; i < MEMBERS; i += 20_000) db.transaction(() => { for (let j = i; j < Math.min(i + 20_000, MEMBERS); j++) memberRow.run(values[j], 'Collection A'); })();
});
const memberPage = db.prepare('INSERT INTO temp.members (value, collection) SELECT value, @collection FROM json_each(@values)');
time('members: a page of 1,000 per statement (json_each)', 'members', () => {
  for (let i = 0; i < MEMBERS; i += 1000) memberPage.run({ collection: 'Collection A', values: JSON.stringify(values.slice(i, i + 1000)) });
});

const feedRow = db.prepare('INSERT INTO temp.feed_in (value, expires_at) VALUES (?, ?)');
time('read-back: a call per row, 20,000 per transaction', 'feed_in', () => {
  for (let i = 0; i < FEED; i += 20_000) db.transaction(() => { for (let j = i; j < Math.min(i + 20_000, FEED); j++) feedRow.run(values[j], 1_795_000_000_000); })();
});
const feedPairs = db.prepare('INSERT INTO temp.feed_in (value, expires_at) SELECT value ->> 0, value ->> 1 FROM json_each(@rows) ORDER BY key');
for (const per of [1000, 20_000]) {
  time(`read-back: ${per.toLocaleString('en')} (value, expiry) pairs per statement`, 'feed_in', () => {
    for (let i = 0; i < FEED; i += per) feedPairs.run({ rows: JSON.stringify(values.slice(i, Math.min(i + per, FEED)).map((v) => [v, 1_795_000_000_000])) });
  });
}
const feedShared = db.prepare('INSERT INTO temp.feed_in (value, expires_at) SELECT value, @expiresAt FROM json_each(@values) ORDER BY key');
time('read-back: 1,000 values sharing one expiry per statement', 'feed_in', () => {
  for (let i = 0; i < FEED; i += 1000) feedShared.run({ expiresAt: 1_795_000_000_000, values: JSON.stringify(values.slice(i, Math.min(i + 1000, FEED))) });
});
db.close();
rmSync(dir, { recursive: true, force: true });
