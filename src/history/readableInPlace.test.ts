import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrations } from '../state/migrations.gen.ts';
import { READ_COMPATIBLE_MIGRATIONS, readableInPlace } from './readableInPlace.ts';

test('a database lacking only read-compatible migrations is read in place; one lacking any other is not', () => {
  const firstCompatible = migrations.findIndex((m) => READ_COMPATIBLE_MIGRATIONS.has(m.tag));
  assert.ok(firstCompatible > 0);
  assert.equal(readableInPlace(migrations.length), true, 'current');
  assert.equal(readableInPlace(firstCompatible), true, 'the release before 0003: its backups are read where they are');
  assert.equal(readableInPlace(firstCompatible - 1), false, 'lacks a migration that adds what history reads');
  assert.equal(readableInPlace(0), false);
});

test('a later migration that is not read-compatible makes every older database need the upgrade again', () => {
  const later = [...migrations, { tag: '0099_new_table', folderMillis: 0, hash: '', sql: ['CREATE TABLE x (y)'] }];
  assert.equal(readableInPlace(migrations.length, later), false);
  assert.equal(readableInPlace(later.length, later), true);
});

test('every read-compatible migration exists and only drops indexes (if they exist)', () => {
  for (const tag of READ_COMPATIBLE_MIGRATIONS) {
    const m = migrations.find((x) => x.tag === tag);
    assert.ok(m, `${tag} is an embedded migration`);
    for (const statement of m.sql.map((s) => s.trim()).filter(Boolean)) {
      assert.match(statement, /^DROP INDEX IF EXISTS `[a-z_]+`;?$/, `${tag}: ${statement}`);
    }
  }
});
