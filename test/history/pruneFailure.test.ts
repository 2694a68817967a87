/**
 * The retention prune runs after a run is recorded. When it fails (a full disk, here a trigger
 * that refuses the delete the same way), the run stays what it was — recorded, reported and
 * exited as it ended — with one warning; the old history is pruned by a later run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startHarness } from '../e2e/harness.ts';
import { addToCollection, fqdn } from '../e2e/exportSupport.ts';

test('a history prune that fails leaves the run a success in history, in the --report file and in the exit code', async (t) => {
  const h = await startHarness(t, { collections: ['Export to Darktrace'] });
  addToCollection(h.sims, 'Export to Darktrace', [fqdn('prune.example')]);
  const first = await h.run(['export']);
  assert.equal(first.code, 0, first.stderr);
  const db = h.db();
  try {
    // A run from 1970 for the prune to find, and a delete that fails like a full disk.
    db.sqlite
      .prepare(`INSERT INTO runs (started_at, ended_at, command, status, exit_code, options_json, version, pid, hostname) VALUES (0, 1, 'export', 'success', 0, '{}', 'old', 1, 'old-host')`)
      .run();
    db.sqlite.exec(`CREATE TRIGGER refuse_prune BEFORE DELETE ON runs BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
  } finally {
    db.close();
  }
  const report = path.join(h.dir, 'report.json');
  const r = await h.run(['export', '--report', report, '-ll', h.dir]);
  assert.equal(r.code, 0, r.stderr);
  const log = readFileSync(path.join(h.dir, 'tq-conn-darktrace.log'), 'utf8');
  assert.match(log, /Could not prune history older than 365 days: .*disk is full.*a later run tries again/);
  assert.equal((JSON.parse(readFileSync(report, 'utf8')) as { status: string }).status, 'success');
  const check = h.db();
  try {
    const last = check.sqlite.prepare('SELECT status, exit_code AS exitCode FROM runs ORDER BY id DESC LIMIT 1').get();
    assert.deepEqual({ ...(last as object) }, { status: 'success', exitCode: 0 });
    assert.equal((check.sqlite.prepare(`SELECT count(*) AS n FROM runs WHERE version = 'old'`).get() as { n: number }).n, 1, 'nothing half-pruned');
  } finally {
    check.close();
  }
});
