// Why the export's working tables are heaps sorted once (src/export/exportTables.ts): a million
// values in the order an API sends them (unrelated to value order) inserted straight into a keyed
// temp table, against appending them to a heap and building the keyed table with one sort.
//
//   node bench/micro/insertOrder.mjs
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const N = 1_070_000;
const CHUNK = 20_000;

function run(layout, order) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-insert-order-'));
  const db = new Database(path.join(dir, 'state.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.exec(
      layout === 'keyed'
        ? 'CREATE TEMP TABLE members (value TEXT NOT NULL, collection TEXT NOT NULL, PRIMARY KEY (value, collection)) WITHOUT ROWID'
        : 'CREATE TEMP TABLE members (value TEXT NOT NULL, collection TEXT NOT NULL)',
    );
    const insert = db.prepare(`INSERT ${layout === 'keyed' ? 'OR IGNORE ' : ''}INTO temp.members (value, collection) VALUES (?, ?)`);
    // 'api': a permutation of the values, as ids of a real Threat Library relate to names; 'sorted': value order.
    const value = (i) => (order === 'api' ? `host-${(i * 7919) % 1_000_003}-${i % 97}.bench${i % 13}.example` : `host-${String(i).padStart(8, '0')}.example`);
    const started = performance.now();
    for (let c = 0; c < N; c += CHUNK) {
      db.transaction(() => {
        for (let i = c; i < Math.min(c + CHUNK, N); i++) insert.run(value(i), 'Bench Export A');
      })();
    }
    const inserted = performance.now();
    db.exec(`CREATE TEMP TABLE desired (value TEXT PRIMARY KEY, collections TEXT NOT NULL) WITHOUT ROWID;
             INSERT INTO temp.desired (value, collections)
             SELECT value, json_group_array(collection) FROM (SELECT DISTINCT value, collection FROM temp.members ORDER BY value, collection) GROUP BY value`);
    const built = performance.now();
    return { insertMs: Math.round(inserted - started), buildMs: Math.round(built - inserted) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const order of ['sorted', 'api']) {
  for (const layout of ['keyed', 'heap']) {
    const r = run(layout, order);
    console.log(`${N.toLocaleString('en')} values in ${order} order into a ${layout} table: insert ${r.insertMs} ms, build the keyed set ${r.buildMs} ms, total ${r.insertMs + r.buildMs} ms`);
  }
}
