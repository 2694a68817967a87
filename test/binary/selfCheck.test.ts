// The hidden self-check command: the executable creates, migrates and writes its database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { migrations } from '../../src/state/migrations.gen.ts';
import { binPath, run, sandbox, selfCheckResult } from './binary.ts';

test('self-check creates and migrates the state database, then opens it again unchanged', async (t) => {
  const s = sandbox(t);
  const first = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env(), cwd: s.cwd }));
  assert.equal(first.ok, true);
  assert.match(first.sqlite, /^3\.\d+\.\d+$/);
  assert.equal(first.migrations, migrations.length);
  const db = readdirSync(s.config).find((f) => f.endsWith('.db'));
  assert.ok(db, `a .db file in ${s.config}: ${readdirSync(s.config).join(', ')}`);
  assert.equal(statSync(path.join(s.config, db)).mode & 0o077, 0, 'the database is private to its owner');
  const second = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env(), cwd: s.cwd }));
  assert.deepEqual(second, first);
});
