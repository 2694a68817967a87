import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { configure, parseSetArgs } from '../../src/cli/commands/configure.ts';
import { ConfigError } from '../../src/config/configError.ts';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { ConnectorError } from '../../src/errors.ts';
import { assertNoCanary, CANARY_PASSWORD, CANARY_PRIVATE, fakeTerminal, fullEnv, tempDir } from './helpers.ts';

const NAME = 'tq-conn-darktrace';

function fileOf(dir: string) {
  return path.join(dir, `${NAME}.json`);
}
function saved(dir: string) {
  return JSON.parse(readFileSync(fileOf(dir), 'utf8'));
}

test('--set changes values without a terminal, by env var name or dotted key, validated and normalised', async (t) => {
  const dir = tempDir(t);
  const term = fakeTerminal([], false);
  const set = parseSetArgs(['TQ_HOST=https://TQ.example:443/', 'threatq.password=' + CANARY_PASSWORD, 'DARKTRACE_COLLECTIONS=A, B', 'export.expirationDays=0', 'darktrace_source_name=Lab=1']);
  const r = await configure({ dir, name: NAME, env: {}, io: term.io, set });
  assert.equal(r.changed, true);
  assert.equal(term.text(), 'Connector configured.\n');
  assert.deepEqual(saved(dir), {
    version: 2,
    threatq: { host: 'https://tq.example', password: CANARY_PASSWORD },
    export: { collections: ['A', 'B'], sourceName: 'Lab=1', expirationDays: 0 },
  });
  assert.equal(statSync(fileOf(dir)).mode & 0o777, 0o600);
  // A later --set keeps the other values; an empty value removes the key from the file.
  await configure({ dir, name: NAME, env: {}, io: term.io, set: { TQ_PASSWORD: '', TQ_USERNAME: 'svc@example.com' } });
  assert.deepEqual(saved(dir).threatq, { host: 'https://tq.example', username: 'svc@example.com' });
});

test('--set with unknown keys or invalid values changes nothing and lists every problem and the keys', async (t) => {
  const dir = tempDir(t);
  const term = fakeTerminal([], false);
  await configure({ dir, name: NAME, env: {}, io: term.io, set: { TQ_HOST: 'tq.example' } });
  const before = readFileSync(fileOf(dir), 'utf8');
  await assert.rejects(
    configure({ dir, name: NAME, env: {}, io: term.io, set: { TQ_HOTS: 'x', DARKTRACE_HOST: 'http://dt.example', DARKTRACE_PRIVATE_TOKEN: `two words${CANARY_PRIVATE}`, DARKTRACE_EXPIRATION_DAYS: '-1' } }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /unknown setting 'TQ_HOTS'/);
      assert.match(e.message, /--set DARKTRACE_HOST: invalid value 'http:\/\/dt\.example': http:\/\/ is only allowed for loopback/);
      assert.match(e.message, /--set DARKTRACE_PRIVATE_TOKEN: invalid value: it must not contain white space/);
      assert.match(e.message, /--set DARKTRACE_EXPIRATION_DAYS: invalid value '-1'/);
      assert.match(e.hint ?? '', /threatq\.host \(TQ_HOST\), .*history\.retentionDays \(TQDT_HISTORY_RETENTION_DAYS\)/);
      assertNoCanary(e.message, e.hint ?? '');
      return true;
    },
  );
  assert.equal(readFileSync(fileOf(dir), 'utf8'), before);
});

test('parseSetArgs refuses an argument without KEY= and does not echo it', () => {
  assert.throws(() => parseSetArgs([CANARY_PASSWORD]), (e: unknown) => ConnectorError.is(e) && e.exitCode === 2 && !e.message.includes(CANARY_PASSWORD));
  assert.deepEqual(parseSetArgs(['A=1', 'A=2']), { A: '2' });
});

test('--show prints the effective values with their source and secrets as [REDACTED]', async (t) => {
  const dir = tempDir(t);
  writeFileSync(fileOf(dir), JSON.stringify({ version: 2, threatq: { host: 'file-tq.example', password: CANARY_PASSWORD }, darktrace: { privateToken: CANARY_PRIVATE } }), { mode: 0o600 });
  const term = fakeTerminal([], false);
  const r = await configure({ dir, name: NAME, env: { TQ_HOST: 'env-tq.example', TQ_CLIENT_ID: 'cid' }, io: term.io, show: true });
  assert.equal(r.changed, false);
  const out = term.text();
  assertNoCanary(out);
  const line = (key: string) => out.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';
  assert.match(out, new RegExp(`^Configuration file: ${fileOf(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
  assert.match(line('threatq.host'), /https:\/\/env-tq\.example\s+env TQ_HOST$/);
  assert.match(line('threatq.clientId'), /cid\s+env TQ_CLIENT_ID$/);
  assert.match(line('threatq.password'), /\[REDACTED\]\s+file$/);
  assert.match(line('darktrace.privateToken'), /\[REDACTED\]\s+file$/);
  assert.match(line('threatq.status'), /Review\s+default$/);
  assert.match(line('threatq.username'), /\(missing\)\s+-$/);
  assert.match(line('threatq.caFile'), /\(not set\)\s+-$/);
});

test('--show on an invalid configuration prints what it can, then fails naming the problems', async (t) => {
  const dir = tempDir(t);
  const term = fakeTerminal([], false);
  await assert.rejects(configure({ dir, name: NAME, env: { TQ_HOST: 'http://tq.example', TQ_PASSWORD: ' ' }, io: term.io, show: true }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /TQ_HOST \(threatq\.host\) in the environment: invalid value/);
    return true;
  });
  assert.match(term.text(), /threatq\.host\s+\(invalid\)\s+invalid/);
  assert.match(term.text(), /\(does not exist\)/);
});

test('configure without --set/--show and without a terminal says how to use it', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(configure({ dir, name: NAME, env: {}, io: fakeTerminal([], false).io }), (e: unknown) => ConnectorError.is(e) && e.code === 'E_CONFIGURE_NO_TTY' && e.exitCode === 2);
  assert.equal(existsSync(fileOf(dir)), false);
});

test('interactive configure asks every setting with the current value as default, secrets as [unchanged]', async (t) => {
  const dir = tempDir(t);
  writeFileSync(fileOf(dir), JSON.stringify({
    version: 2,
    threatq: { host: 'https://tq.example', clientId: 'cid', username: 'svc@example.com', password: CANARY_PASSWORD, status: 'Review' },
    darktrace: { host: 'https://dt.example', publicToken: 'pub', privateToken: CANARY_PRIVATE },
    export: { collections: ['A', 'B'], sourceName: 'ThreatQ', expirationDays: 30 },
    history: { retentionDays: 90 },
  }), { mode: 0o600 });
  // Keep everything except: status, private token (changed, hidden), expiration, and clear retention.
  const answers = ['', '', '', '', 'Active', '', '', 'new-private-token', '', '', '7', '', '', '', '', '', '', '', '', '-'];
  const term = fakeTerminal(answers);
  const r = await configure({ dir, name: NAME, env: { DARKTRACE_HOST: 'env-dt.example' }, io: term.io });
  assert.equal(r.changed, true);
  const out = term.text();
  assertNoCanary(out);
  assert.ok(!out.includes('new-private-token'), 'the new private token is not echoed');
  const prompts = out.split('\n').filter((l) => /^[A-Z].*: /.test(l) && !l.startsWith('Configuring') && !l.startsWith('Press'));
  assert.deepEqual(prompts.map((l) => l.slice(0, l.indexOf(': ') + 2)), [
    'ThreatQ Host [https://tq.example]: ',
    'ThreatQ Client ID [cid]: ',
    'ThreatQ Username [svc@example.com]: ',
    'ThreatQ Password [unchanged]: ',
    'Status [Review]: ',
    'Darktrace Host [https://dt.example]: ',
    'Darktrace Public Token [pub]: ',
    'Darktrace Private Token [unchanged]: ',
    'Threat Library Collections (comma-separated) [A, B]: ',
    'Source Name [ThreatQ]: ',
    'Days to Expiration [30]: ',
    'ThreatQ CA File: ',
    'ThreatQ Request Timeout (seconds) [60]: ',
    'Darktrace CA File: ',
    'Darktrace Request Timeout (seconds) [60]: ',
    'Minimum Model Breach Score (0-100) [0]: ',
    'Minimum AI Analyst Score (0-100) [0]: ',
    'Include Models (comma-separated globs): ',
    'Exclude Models (comma-separated globs): ',
    'History Retention (days, 0 = forever) [90]: ',
  ]);
  assert.match(out, /\(DARKTRACE_HOST is set in the environment and wins over the value saved here\)\nDarktrace Host/);
  assert.match(out, /Connector configured\.\n$/);
  assert.deepEqual(saved(dir), {
    version: 2,
    threatq: { host: 'https://tq.example', clientId: 'cid', username: 'svc@example.com', password: CANARY_PASSWORD, status: 'Active' },
    darktrace: { host: 'https://dt.example', publicToken: 'pub', privateToken: 'new-private-token' },
    export: { collections: ['A', 'B'], sourceName: 'ThreatQ', expirationDays: 7 },
  });
});

test('what configure saves is what loadConfig reads; a group-readable file gets tightened to 0600 on save', async (t) => {
  const dir = tempDir(t);
  writeFileSync(fileOf(dir), JSON.stringify({ version: 2, threatq: { status: 'Review' } }));
  chmodSync(fileOf(dir), 0o664);
  const term = fakeTerminal([], false);
  const env = fullEnv();
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) set[k] = v;
  const r = await configure({ dir, name: NAME, env: {}, io: term.io, set });
  assert.ok(r.warnings.some((w) => w.code === 'W_CONFIG_MODE'));
  assert.equal(statSync(fileOf(dir)).mode & 0o777, 0o600);
  const loaded = await loadConfig({ dir, name: NAME, env: {}, needs: 'all' });
  assert.equal(loaded.config.threatq.password, CANARY_PASSWORD);
  assert.deepEqual(loaded.config.export.collections, ['Export A', 'Export B']);
  assert.deepEqual(loaded.warnings, []);
  assertNoCanary(term.text(), ...r.warnings.map((w) => w.message));
});
