import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.ts';
import { ConfigError } from '../../src/config/configError.ts';
import { secretValues, secretValuesInEnv } from '../../src/config/secretValues.ts';
import { ConnectorError } from '../../src/errors.ts';
import { assertNoCanary, CANARY_PASSWORD, CANARY_PRIVATE, fakeTerminal, fullEnv, tempDir } from './helpers.ts';

const NAME = 'tq-conn-darktrace';

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    assertNoCanary(e.message, e.hint ?? '');
    return e;
  }
  assert.fail('expected a configuration error');
}

function writeJson(file: string, doc: unknown, mode = 0o600): void {
  writeFileSync(file, JSON.stringify(doc), { mode });
  chmodSync(file, mode);
}

const V2_FILE = {
  version: 2,
  threatq: { host: 'file-tq.example', clientId: 'file-client', username: 'file@example.com', password: 'file-password', status: 'Review' },
  darktrace: { host: 'file-dt.example', publicToken: 'file-pub', privateToken: 'file-private' },
  export: { collections: ['File Collection'], sourceName: 'FileSource', expirationDays: 14 },
};

test('with every required setting in the environment no file is needed, and none is written', async (t) => {
  const dir = tempDir(t);
  const { config, warnings } = await loadConfig({ dir, name: NAME, env: fullEnv(), needs: 'all' });
  assert.deepEqual(config.threatq, {
    host: 'https://tq.example', clientId: 'client-1', username: 'svc@example.com', password: CANARY_PASSWORD, status: 'Active', caFile: undefined, timeoutSeconds: 60,
  });
  assert.equal(config.darktrace.host, 'https://10.0.0.5:8443');
  assert.equal(config.darktrace.privateToken, CANARY_PRIVATE);
  assert.deepEqual(config.export, { collections: ['Export A', 'Export B'], sourceName: 'TQ-Lab', expirationDays: 7 });
  assert.deepEqual(warnings, []);
  assert.equal(existsSync(path.join(dir, `${NAME}.json`)), false);
});

test('defaults apply when neither file nor environment sets a value', async (t) => {
  const dir = tempDir(t);
  const env = fullEnv();
  delete env.TQ_STATUS;
  delete env.DARKTRACE_SOURCE_NAME;
  delete env.DARKTRACE_EXPIRATION_DAYS;
  const { config, sources } = await loadConfig({ dir, name: NAME, env, needs: 'all' });
  assert.equal(config.threatq.status, 'Review');
  assert.equal(config.export.sourceName, 'ThreatQ');
  assert.equal(config.export.expirationDays, 30);
  assert.equal(sources['export.sourceName'], 'default');
  assert.equal(sources['threatq.host'], 'env');
});

test('the environment wins over the file, key by key', async (t) => {
  const dir = tempDir(t);
  writeJson(path.join(dir, `${NAME}.json`), V2_FILE);
  const { config, sources } = await loadConfig({ dir, name: NAME, env: { TQ_HOST: 'env-tq.example', DARKTRACE_EXPIRATION_DAYS: '0', DARKTRACE_COLLECTIONS: 'X' }, needs: 'all' });
  assert.equal(config.threatq.host, 'https://env-tq.example');
  assert.equal(config.threatq.username, 'file@example.com');
  assert.equal(config.export.expirationDays, 0);
  assert.deepEqual(config.export.collections, ['X']);
  assert.equal(config.export.sourceName, 'FileSource');
  assert.equal(sources['threatq.host'], 'env');
  assert.equal(sources['threatq.username'], 'file');
});

test('an invalid file value that the environment overrides is only a warning', async (t) => {
  const dir = tempDir(t);
  writeJson(path.join(dir, `${NAME}.json`), { ...V2_FILE, threatq: { ...V2_FILE.threatq, host: 'http://old-tq.example' } });
  const { config, warnings } = await loadConfig({ dir, name: NAME, env: { TQ_HOST: 'tq.example' }, needs: 'all' });
  assert.equal(config.threatq.host, 'https://tq.example');
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.code, 'W_CONFIG_FILE_VALUE_IGNORED');
  assert.match(warnings[0]!.message, /threatq\.host in '.*': invalid value 'http:\/\/old-tq\.example'.*TQ_HOST in the environment wins/);
});

test('an empty environment variable counts as unset', async (t) => {
  const dir = tempDir(t);
  writeJson(path.join(dir, `${NAME}.json`), V2_FILE);
  const { config } = await loadConfig({ dir, name: NAME, env: { TQ_HOST: '' }, needs: 'all' });
  assert.equal(config.threatq.host, 'https://file-tq.example');
});

test('without a terminal, ONE error names every missing key, its environment variable and the configure fix', async (t) => {
  const dir = tempDir(t);
  const env = { TQ_HOST: 'tq.example', TQ_PASSWORD: CANARY_PASSWORD };
  const e = await configError(loadConfig({ dir, name: 'lab', env, io: fakeTerminal([], false).io, needs: 'all' }));
  assert.equal(e.code, 'E_CONFIG_MISSING');
  for (const [key, envName] of [
    ['threatq.clientId', 'TQ_CLIENT_ID'], ['threatq.username', 'TQ_USERNAME'], ['darktrace.host', 'DARKTRACE_HOST'],
    ['darktrace.publicToken', 'DARKTRACE_PUBLIC_TOKEN'], ['darktrace.privateToken', 'DARKTRACE_PRIVATE_TOKEN'], ['export.collections', 'DARKTRACE_COLLECTIONS'],
  ]) {
    assert.ok(e.message.includes(`${key} (environment variable ${envName})`), `${key} missing from:\n${e.message}`);
  }
  assert.ok(!e.message.includes('threatq.host ('), 'a key set in the environment is not reported');
  assert.ok(!e.message.includes('threatq.status'), 'a key with a default is never missing');
  assert.equal(e.problems.length, 6);
  assert.match(e.hint ?? '', new RegExp(`tq-conn-darktrace configure -c ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -n lab`));
});

test('a command that needs less asks for less: ingest does not need collections, history needs nothing', async (t) => {
  const dir = tempDir(t);
  const env = fullEnv();
  delete env.DARKTRACE_COLLECTIONS;
  const { config } = await loadConfig({ dir, name: NAME, env, needs: 'ingest' });
  assert.deepEqual(config.export.collections, []);
  await configError(loadConfig({ dir, name: NAME, env, needs: 'export' }));
  const none = await loadConfig({ dir, name: NAME, env: {}, needs: 'none' });
  assert.equal(none.config.threatq.host, '');
});

test('every invalid value is reported at once, with key, value (never a secret) and what is allowed', async (t) => {
  const dir = tempDir(t);
  writeJson(path.join(dir, `${NAME}.json`), {
    version: 2,
    threatq: { host: 'https://tq.example/api', clientId: 'c', username: 'u@x', password: '', status: '   ' },
    darktrace: { host: 'http://10.0.0.5', publicToken: 'p', privateToken: 'has space ' + CANARY_PRIVATE },
    export: { collections: ['A', '  '], sourceName: 'x'.repeat(64), expirationDays: 1.5 },
  });
  const env = { DARKTRACE_SOURCE_NAME: 'a,b', TQ_PASSWORD: ' \n', DARKTRACE_EXPIRATION_DAYS: '-3' };
  const e = await configError(loadConfig({ dir, name: NAME, env, needs: 'all' }));
  assert.equal(e.code, 'E_CONFIG_INVALID');
  const m = e.message;
  assert.match(m, /threatq\.host in '.*': invalid value 'https:\/\/tq\.example\/api': it must not contain a path/);
  assert.match(m, /threatq\.password in '.*': invalid value: it is empty/);
  assert.match(m, /threatq\.status in '.*': invalid value '   ': it is empty/);
  assert.match(m, /darktrace\.host in '.*': invalid value 'http:\/\/10\.0\.0\.5': http:\/\/ is only allowed for loopback/);
  assert.match(m, /darktrace\.privateToken in '.*': invalid value: it must not contain white space/);
  assert.match(m, /export\.collections in '.*': invalid value .*entry 2 is an empty collection name/);
  assert.match(m, /export\.sourceName in '.*': invalid value 'x{64}': it is 64 characters long; at most 63/);
  assert.match(m, /export\.expirationDays in '.*': invalid value '1\.5': it must be a whole number of days from 0 to 36500/);
  assert.match(m, /DARKTRACE_SOURCE_NAME \(export\.sourceName\) in the environment: invalid value 'a,b': it must not contain a comma/);
  assert.match(m, /TQ_PASSWORD \(threatq\.password\) in the environment: invalid value: it is empty/);
  assert.match(m, /DARKTRACE_EXPIRATION_DAYS \(export\.expirationDays\) in the environment: invalid value '-3'/);
  assert.equal(e.problems.length, 11);
  assert.ok(!m.includes('missing'), 'an invalid value is not also reported as missing');
});

test('collections: comma-separated in the environment, trimmed, de-duplicated, never empty', async (t) => {
  const dir = tempDir(t);
  const { config } = await loadConfig({ dir, name: NAME, env: { ...fullEnv(), DARKTRACE_COLLECTIONS: ' A ,B,A ' }, needs: 'all' });
  assert.deepEqual(config.export.collections, ['A', 'B']);
  for (const bad of [',', 'A,,B', ' , ']) {
    const e = await configError(loadConfig({ dir, name: NAME, env: { ...fullEnv(), DARKTRACE_COLLECTIONS: bad }, needs: 'all' }));
    assert.match(e.message, /DARKTRACE_COLLECTIONS/);
  }
});

test('source name: 63 characters are fine, a newline is not', async (t) => {
  const dir = tempDir(t);
  const { config } = await loadConfig({ dir, name: NAME, env: { ...fullEnv(), DARKTRACE_SOURCE_NAME: 'y'.repeat(63) }, needs: 'all' });
  assert.equal(config.export.sourceName.length, 63);
  const e = await configError(loadConfig({ dir, name: NAME, env: { ...fullEnv(), DARKTRACE_SOURCE_NAME: 'a\nb' }, needs: 'all' }));
  assert.match(e.message, /single line/);
});

test('optional settings: timeouts, scores, model globs, retention, CA files relative to the config dir', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'dt-ca.pem'), '-----BEGIN CERTIFICATE-----\n');
  const env = {
    ...fullEnv(), DARKTRACE_CA_FILE: 'dt-ca.pem', TQ_TIMEOUT_SECONDS: '15', DARKTRACE_MIN_BREACH_SCORE: '62.5', DARKTRACE_MIN_AI_ANALYST_SCORE: '40',
    DARKTRACE_INCLUDE_MODELS: 'Anomalous*,Device::*', DARKTRACE_EXCLUDE_MODELS: 'Compliance::*', TQDT_HISTORY_RETENTION_DAYS: '0',
  };
  const { config } = await loadConfig({ dir, name: NAME, env, needs: 'all' });
  assert.equal(config.darktrace.caFile, path.join(dir, 'dt-ca.pem'));
  assert.equal(config.threatq.caFile, undefined);
  assert.equal(config.threatq.timeoutSeconds, 15);
  assert.equal(config.darktrace.timeoutSeconds, 60);
  assert.equal(config.ingest.minBreachScore, 62.5);
  assert.equal(config.ingest.minAiAnalystScore, 40);
  assert.deepEqual(config.ingest.includeModels, ['Anomalous*', 'Device::*']);
  assert.deepEqual(config.ingest.excludeModels, ['Compliance::*']);
  assert.equal(config.history.retentionDays, 0);
  const e = await configError(loadConfig({ dir, name: NAME, env: { ...env, TQ_CA_FILE: 'missing.pem', DARKTRACE_MIN_BREACH_SCORE: '101', TQ_TIMEOUT_SECONDS: '0' }, needs: 'all' }));
  assert.match(e.message, /TQ_CA_FILE .*does not exist or cannot be read/);
  assert.match(e.message, /DARKTRACE_MIN_BREACH_SCORE .*'101': it must be a number from 0 to 100/);
  assert.match(e.message, /TQ_TIMEOUT_SECONDS .*'0'/);
});

test('first run on a terminal asks with the original wording and order, hides secrets, saves 0600 and says so', async (t) => {
  const dir = tempDir(t);
  const term = fakeTerminal(['tq.example', 'client-1', 'svc@example.com', CANARY_PASSWORD, '', 'dt.example', 'pub', CANARY_PRIVATE, 'Coll A, Coll B', '', '']);
  const { config } = await loadConfig({ dir, name: NAME, env: {}, io: term.io, needs: 'all' });
  assert.equal(
    term.text(),
    'ThreatQ Host: tq.example\n' +
      'ThreatQ Client ID: client-1\n' +
      'ThreatQ Username: svc@example.com\n' +
      'ThreatQ Password: \n' +
      'Status [Review]: \n' +
      'Darktrace Host: dt.example\n' +
      'Darktrace Public Token: pub\n' +
      'Darktrace Private Token: \n' +
      'Threat Library Collections (comma-separated): Coll A, Coll B\n' +
      'Source Name [ThreatQ]: \n' +
      'Days to Expiration [30]: \n' +
      'Connector configured.\n',
  );
  assertNoCanary(term.text());
  assert.equal(config.threatq.password, CANARY_PASSWORD);
  assert.equal(config.threatq.status, 'Review');
  assert.equal(config.export.expirationDays, 30);
  const file = path.join(dir, `${NAME}.json`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(saved.version, 2);
  assert.equal(saved.threatq.password, CANARY_PASSWORD);
  assert.deepEqual(saved.export, { collections: ['Coll A', 'Coll B'], sourceName: 'ThreatQ', expirationDays: 30 });
  // The second run finds everything and asks nothing.
  const again = fakeTerminal();
  await loadConfig({ dir, name: NAME, env: {}, io: again.io, needs: 'all' });
  assert.equal(again.text(), '');
});

test('an invalid answer is refused with the reason and asked again', async (t) => {
  const dir = tempDir(t);
  const env = fullEnv();
  delete env.DARKTRACE_HOST;
  delete env.DARKTRACE_EXPIRATION_DAYS;
  const term = fakeTerminal(['http://10.0.0.5', '[2001:db8::5]:8443', 'never', '', ]);
  const { config } = await loadConfig({ dir, name: NAME, env, io: term.io, needs: 'all' });
  assert.equal(config.darktrace.host, 'https://[2001:db8::5]:8443');
  assert.equal(config.export.expirationDays, 30);
  const out = term.text();
  assert.match(out, /^Darktrace Host: http:\/\/10\.0\.0\.5\n  Invalid Darktrace Host: http:\/\/ is only allowed for loopback.*\nDarktrace Host: \[2001:db8::5\]:8443\n/);
  assert.match(out, /Days to Expiration \[30\]: never\n  Invalid Days to Expiration: it must be a whole number of days from 0 to 36500\nDays to Expiration \[30\]: \n/);
  // Settings from the environment are neither asked nor written to the file.
  assert.ok(!out.includes('ThreatQ Password'));
  const saved = readFileSync(path.join(dir, `${NAME}.json`), 'utf8');
  assertNoCanary(saved);
  assert.deepEqual(JSON.parse(saved), { version: 2, darktrace: { host: 'https://[2001:db8::5]:8443' }, export: { expirationDays: 30 } });
});

test('an empty answer to a required prompt is asked again; end of input saves nothing', async (t) => {
  const dir = tempDir(t);
  const env = fullEnv();
  delete env.TQ_PASSWORD;
  const term = fakeTerminal(['']);
  term.end();
  await assert.rejects(loadConfig({ dir, name: NAME, env, io: term.io, needs: 'all' }), (e: unknown) => ConnectorError.is(e) && e.code === 'E_PROMPT_EOF');
  assert.match(term.text(), /^ThreatQ Password: \n  ThreatQ Password is required\.\nThreatQ Password: \n$/);
  assert.equal(existsSync(path.join(dir, `${NAME}.json`)), false);
});

test('the file is created 0600 even when the umask is 0', async (t) => {
  const dir = tempDir(t);
  const old = process.umask(0);
  try {
    const env = fullEnv();
    delete env.TQ_PASSWORD;
    await loadConfig({ dir, name: NAME, env, io: fakeTerminal([CANARY_PASSWORD]).io, needs: 'all' });
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(path.join(dir, `${NAME}.json`)).mode & 0o777, 0o600);
});

test('a file readable by group or others gives a warning naming the path and chmod 600', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, `${NAME}.json`);
  writeJson(file, V2_FILE, 0o644);
  const { warnings } = await loadConfig({ dir, name: NAME, env: {}, needs: 'all' });
  const w = warnings.find((x) => x.code === 'W_CONFIG_MODE');
  assert.ok(w, 'expected a mode warning');
  assert.ok(w.message.includes(file));
  assert.ok(w.message.includes('0644'));
  assert.ok(w.message.includes(`chmod 600 '${file}'`));
  chmodSync(file, 0o600);
  const quiet = await loadConfig({ dir, name: NAME, env: {}, needs: 'all' });
  assert.deepEqual(quiet.warnings, []);
});

test('unknown keys in the file are warned about, not fatal', async (t) => {
  const dir = tempDir(t);
  writeJson(path.join(dir, `${NAME}.json`), { ...V2_FILE, threatq: { ...V2_FILE.threatq, hots: 'x' }, extra: 1 });
  const { warnings } = await loadConfig({ dir, name: NAME, env: {}, needs: 'all' });
  assert.deepEqual(warnings.map((w) => w.code), ['W_CONFIG_UNKNOWN_KEY', 'W_CONFIG_UNKNOWN_KEY']);
  assert.match(warnings[0]!.message, /'threatq\.hots'/);
});

test('broken JSON is reported by line and column without quoting the file (which holds secrets)', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, `${NAME}.json`), `{\n  "threatq": { "password": "${CANARY_PASSWORD}" \n  "x": 1 }\n}`, { mode: 0o600 });
  const e = await configError(loadConfig({ dir, name: NAME, env: {}, needs: 'all' }));
  assert.equal(e.code, 'E_CONFIG_PARSE');
  assert.match(e.message, /is not valid JSON at line 3, column 3/);
});

test('a version from the future is a clear error; a bad version too', async (t) => {
  const dir = tempDir(t);
  writeJson(path.join(dir, `${NAME}.json`), { ...V2_FILE, version: 3 });
  const e = await configError(loadConfig({ dir, name: NAME, env: {}, needs: 'all' }));
  assert.equal(e.code, 'E_CONFIG_VERSION');
  assert.match(e.message, /is version 3, written by a newer tq-conn-darktrace; this build reads versions 1 to 2/);
  writeJson(path.join(dir, `${NAME}.json`), { ...V2_FILE, version: 'two' });
  assert.equal((await configError(loadConfig({ dir, name: NAME, env: {}, needs: 'all' }))).code, 'E_CONFIG_VERSION');
});

test('secretValues lists the password and private token for the Redactor; secretValuesInEnv works before loading', async (t) => {
  const dir = tempDir(t);
  const { config } = await loadConfig({ dir, name: NAME, env: fullEnv(), needs: 'all' });
  assert.deepEqual(secretValues(config).sort(), [CANARY_PASSWORD, CANARY_PRIVATE].sort());
  assert.deepEqual(secretValuesInEnv({ TQ_PASSWORD: `${CANARY_PASSWORD}\n`, TQ_HOST: 'x' }), [`${CANARY_PASSWORD}\n`, CANARY_PASSWORD]);
});

test('an invalid secret answer is refused without showing it, and asked again hidden', async (t) => {
  const dir = tempDir(t);
  const env = fullEnv();
  delete env.DARKTRACE_PRIVATE_TOKEN;
  const term = fakeTerminal([`bad ${CANARY_PRIVATE}`, CANARY_PRIVATE]);
  const { config } = await loadConfig({ dir, name: NAME, env, io: term.io, needs: 'all' });
  assert.equal(config.darktrace.privateToken, CANARY_PRIVATE);
  assert.equal(term.text(), 'Darktrace Private Token: \n  Invalid Darktrace Private Token: it must not contain white space\nDarktrace Private Token: \nConnector configured.\n');
});
