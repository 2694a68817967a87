import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixedClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { assertNoCanary, CANARY_PASSWORD, CANARY_PRIVATE, tempDir } from './helpers.ts';

const NAME = 'tq-conn-darktrace';

/** The flat layout of the original connector's era: snake_case keys, run state mixed in, no version. */
const V1 = {
  threatq_host: '10.1.2.3',
  threatq_client_id: 'legacy-client',
  threatq_username: 'legacy@example.com',
  threatq_password: CANARY_PASSWORD,
  status: 'Review',
  darktrace_host: 'dt.example',
  darktrace_public_token: 'legacy-pub',
  darktrace_private_token: CANARY_PRIVATE,
  collection_names: 'Darktrace Export, High Confidence',
  source_name: 'ThreatQ',
  days_to_expiration: '30',
  last_run: '2024-05-01 10:00:00',
  private_oauth: 'cached-token-value',
};

function writeV1(dir: string, doc: object, mode = 0o644): string {
  const file = path.join(dir, `${NAME}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 4));
  chmodSync(file, mode);
  return file;
}

test('a version 1 file is migrated on load: same settings, rewritten as version 2 with mode 0600, old file kept as .v1.bak', async (t) => {
  const dir = tempDir(t);
  const file = writeV1(dir, V1);
  const original = readFileSync(file, 'utf8');
  const { config, warnings } = await loadConfig({ dir, name: NAME, env: {}, needs: 'all' });
  assert.equal(config.threatq.host, 'https://10.1.2.3');
  assert.equal(config.threatq.password, CANARY_PASSWORD);
  assert.equal(config.darktrace.privateToken, CANARY_PRIVATE);
  assert.deepEqual(config.export.collections, ['Darktrace Export', 'High Confidence']);
  assert.equal(config.export.expirationDays, 30);

  const rewritten = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(rewritten.version, 2);
  assert.equal(rewritten.threatq.clientId, 'legacy-client');
  assert.deepEqual(rewritten.export, { collections: ['Darktrace Export', 'High Confidence'], sourceName: 'ThreatQ', expirationDays: 30 });
  assert.equal(rewritten.last_run, undefined);
  assert.equal(statSync(file).mode & 0o777, 0o600);

  const backup = `${file}.v1.bak`;
  assert.equal(readFileSync(backup, 'utf8'), original);
  assert.equal(statSync(backup).mode & 0o777, 0o600);

  assert.deepEqual(warnings.map((w) => w.code), ['W_CONFIG_MIGRATED', 'W_CONFIG_DROPPED_KEYS']);
  assert.ok(warnings[0]!.message.includes(backup));
  assert.match(warnings[1]!.message, /'last_run', 'private_oauth'/);
  assert.ok(!warnings[1]!.message.includes('cached-token-value'));
  assertNoCanary(...warnings.map((w) => w.message));

  // The next load reads version 2 and warns about nothing (the rewritten file is 0600).
  const again = await loadConfig({ dir, name: NAME, env: {}, needs: 'all' });
  assert.deepEqual(again.warnings, []);
  assert.deepEqual(again.config, config);
});

test('an explicit "version": 1 is migrated too, and an existing backup is never overwritten', async (t) => {
  const dir = tempDir(t);
  const file = writeV1(dir, { version: 1, ...V1 }, 0o600);
  writeFileSync(`${file}.v1.bak`, 'older backup');
  const clock = fixedClock(Date.UTC(2025, 0, 2, 3, 4, 5));
  await loadConfig({ dir, name: NAME, env: {}, needs: 'all', clock });
  assert.equal(readFileSync(`${file}.v1.bak`, 'utf8'), 'older backup');
  assert.ok(existsSync(`${file}.v1.20250102T030405Z.bak`));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 2);
});

test('a version 1 file that cannot be rewritten still loads (migrated in memory) with a warning', async (t) => {
  const dir = tempDir(t);
  const file = writeV1(dir, V1, 0o600);
  // Both backup names are taken by directories, so writing the backup fails (even as root).
  const clock = fixedClock(Date.UTC(2025, 0, 2, 3, 4, 5));
  mkdirSync(`${file}.v1.bak`);
  mkdirSync(`${file}.v1.20250102T030405Z.bak`);
  writeFileSync(path.join(`${file}.v1.20250102T030405Z.bak`, 'x'), '');
  const { config, warnings } = await loadConfig({ dir, name: NAME, env: {}, needs: 'all', clock });
  assert.equal(config.threatq.username, 'legacy@example.com');
  assert.ok(warnings.some((w) => w.code === 'W_CONFIG_MIGRATE_WRITE'));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).threatq_username, 'legacy@example.com');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');
});

test('invalid values in a version 1 file are reported against the new keys', async (t) => {
  const dir = tempDir(t);
  writeV1(dir, { ...V1, darktrace_host: 'http://dt.example', days_to_expiration: 'soon' }, 0o600);
  await assert.rejects(loadConfig({ dir, name: NAME, env: {}, needs: 'all' }), (e: Error) => {
    assert.match(e.message, /darktrace\.host in .*http:\/\/ is only allowed for loopback/);
    assert.match(e.message, /export\.expirationDays in .*'soon'/);
    assertNoCanary(e.message);
    return true;
  });
});
