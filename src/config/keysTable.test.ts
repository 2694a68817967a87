import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderKeysTable } from './keysTable.ts';
import { SETTINGS } from './settings.ts';

test('README-keys.md holds the table generated from the settings (regenerate it when this fails)', () => {
  const readme = readFileSync(new URL('./README-keys.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(renderKeysTable()), 'README-keys.md is out of date: paste renderKeysTable() output into it');
});

test('the environment variables of SPEC §3 are exactly the ones of the first-run settings', () => {
  assert.deepEqual(
    SETTINGS.filter((s) => s.firstRun).map((s) => s.env),
    ['TQ_HOST', 'TQ_CLIENT_ID', 'TQ_USERNAME', 'TQ_PASSWORD', 'TQ_STATUS', 'DARKTRACE_HOST', 'DARKTRACE_PUBLIC_TOKEN', 'DARKTRACE_PRIVATE_TOKEN', 'DARKTRACE_COLLECTIONS', 'DARKTRACE_SOURCE_NAME', 'DARKTRACE_EXPIRATION_DAYS'],
  );
});

test('the README shows the same table (paste renderKeysTable() output into it when this fails)', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.ok(readme.includes(renderKeysTable()), 'README.md configuration table is out of date');
});
