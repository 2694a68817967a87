/**
 * Child process of diskFull.test.ts: in the state database at argv[2], commits one row, then
 * writes one transaction until the disk (or the file size limit) stops it, and prints what
 * SQLite reported and what the database holds afterwards, as one JSON line.
 */
import { openStateDb } from '../../src/state/openStateDb.ts';

const state = openStateDb({ path: process.argv[2]! });
const db = state.sqlite;
db.exec('CREATE TABLE scratch (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
const put = db.prepare('INSERT INTO scratch (key, value) VALUES (?, ?)');
put.run('committed', 'yes');
const big = 'x'.repeat(4000);
let code = 'none';
try {
  db.transaction(() => {
    for (let i = 0; i < 100_000; i++) put.run(`k${i}`, big);
  })();
} catch (e) {
  code = String((e as { code?: string }).code);
}
const integrity = db.pragma('integrity_check', { simple: true });
const keys = (db.prepare("SELECT key FROM scratch WHERE key LIKE 'k%' OR key = 'committed'").all() as Array<{ key: string }>).map((r) => r.key);
let after = 'ok';
try {
  put.run('after', 'still usable');
} catch (e) {
  after = String((e as { code?: string }).code);
}
state.close();
process.stdout.write(JSON.stringify({ code, integrity, keys, after }) + '\n');
