/**
 * Property tests of the configuration validators: random text for every setting from the
 * environment, and random JSON for every key of the file. Each value is either accepted (and
 * then usable: hosts are base URLs, numbers in range, the source label one Darktrace accepts,
 * and the accepted value reads back as itself) or refused with a ConfigError (exit 2) whose
 * message names the key and the environment variable, says what is allowed and how to fix it,
 * and never contains the value of a secret setting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../../src/config/loadConfig.ts';
import { SETTINGS, type SettingDef } from '../../../src/config/settings.ts';
import { CURRENT_CONFIG_VERSION } from '../../../src/config/migrateConfig.ts';
import { ConnectorError } from '../../../src/errors.ts';
import { intelFeedSourceProblem } from '../../../src/darktrace/intelFeedRules.ts';
import { tally } from '../tally.ts';
import { hostileString, params } from './arbitraries.ts';

let inputs = 0;
let dir = '';
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-badcfg-'));
  writeFileSync(path.join(dir, 'ca.pem'), 'not really a certificate\n');
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  tally('bad input', { inputsTried: inputs, runs: 0 });
});

/** Values a user might type for a setting: random text, near-valid numbers and hosts, secrets with canaries. */
const textValue = fc.oneof(
  hostileString,
  fc.string({ maxLength: 120 }),
  fc.constantFrom('0', '-1', '1e9', '36501', '3600', '3601', '0.5', '100.0001', ' 42 ', 'abc', '', ' ', 'https://', 'http://10.0.0.5', 'ftp://x.example', '10.1', '0x7f.1', 'host:0', 'host:99999', 'user:pw@host', 'https://h.example/path', '[::1]:8443', 'a,,b', 'ca.pem', 'missing.pem'),
  fc.domain().map((d) => `https://${d}:8443`),
  fc.ipV4(),
  fc.string({ unit: 'grapheme', minLength: 60, maxLength: 70 }),
);

const jsonValue = fc.oneof(textValue, fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -10, max: 40_000 }), fc.double(), fc.array(textValue, { maxLength: 3 }));

function configureWith(def: SettingDef, raw: unknown, origin: 'env' | 'file'): Promise<unknown> {
  const name = 'tq-conn-darktrace';
  const file = path.join(dir, `${name}.json`);
  rmSync(file, { force: true });
  const env: Record<string, string> = {};
  if (origin === 'env') env[def.env] = String(raw);
  else {
    const [section, field] = def.key.split('.') as [string, string];
    writeFileSync(file, JSON.stringify({ version: CURRENT_CONFIG_VERSION, [section]: { [field]: raw } }), { mode: 0o600 });
  }
  return loadConfig({ dir, name, env, needs: 'none' });
}

function assertGoodRefusal(def: SettingDef, raw: unknown, error: unknown): void {
  assert.ok(ConnectorError.is(error), `a ConnectorError, not ${String(error)}`);
  assert.equal(error.exitCode, 2);
  assert.ok(error.message.includes(def.key), `the message names ${def.key}: ${error.message}`);
  assert.match(error.message, /invalid value/);
  assert.ok(error.hint && /configure|environment/.test(error.hint), `a fix is given: ${error.hint}`);
  if (def.secret && typeof raw === 'string' && raw.trim().length >= 4) {
    assert.ok(!error.message.includes(raw.trim()) && !(error.hint ?? '').includes(raw.trim()), `the secret ${def.key} is not echoed`);
  }
  for (const line of error.message.split('\n')) assert.ok(line.length < 1_000, 'message lines are short: long values are shortened');
}

function assertUsable(def: SettingDef, value: unknown): void {
  if (def.key.endsWith('.host')) assert.match(String(value), /^(https:\/\/[^/\s?#@]+|http:\/\/(localhost|127\.[\d.]+|\[::1\])(:\d+)?)$/, `host ${String(value)}`);
  if (def.key === 'export.sourceName') assert.equal(intelFeedSourceProblem(String(value)), undefined, `source ${JSON.stringify(value)} is one Darktrace takes`);
  if (typeof def.default === 'number') assert.ok(typeof value === 'number' && Number.isFinite(value), `${def.key} is a number`);
  if (typeof value === 'string') assert.ok(!/[\u0000-\u001f\u007f]/.test(value) && value.trim() !== '', `${def.key}: one non-blank line`);
  if (Array.isArray(value)) assert.ok(value.every((v) => typeof v === 'string' && v.trim() !== '' && !v.includes(',')), `${def.key}: a list of names`);
}

for (const origin of ['env', 'file'] as const) {
  test(`every setting from the ${origin === 'env' ? 'environment' : 'configuration file'}: accepted and usable, or refused naming the key with the fix`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SETTINGS), origin === 'env' ? textValue : jsonValue, async (def, raw) => {
        inputs++;
        let loaded: Awaited<ReturnType<typeof loadConfig>>;
        try {
          loaded = (await configureWith(def, raw, origin)) as Awaited<ReturnType<typeof loadConfig>>;
        } catch (error) {
          assertGoodRefusal(def, raw, error);
          return;
        }
        const [section, field] = def.key.split('.') as [string, string];
        const value = (loaded.config as unknown as Record<string, Record<string, unknown>>)[section]![field];
        // An empty variable or a null in the file counts as unset (the typed config then holds '' or []).
        if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
        assertUsable(def, value);
        // What was accepted reads back as itself (configure saves it and the next run reads it).
        if (!def.key.endsWith('caFile') && value !== undefined && value !== '') {
          const again = (await configureWith(def, value, 'file')) as Awaited<ReturnType<typeof loadConfig>>;
          assert.deepEqual((again.config as unknown as Record<string, Record<string, unknown>>)[section]![field], value, `${def.key} is stable`);
        }
      }),
      params(origin === 'env' ? 400 : 250),
    );
  });
}
