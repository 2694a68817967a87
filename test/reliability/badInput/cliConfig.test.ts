/**
 * The command-line and configuration-file corpus: bad flag values and bad file contents, each
 * run through the real CLI (runMain) against a connector that has already run once. Every case
 * exits 2 with an error line naming the flag or key and a fix, never shows a password, and leaves
 * the configuration file and the state database byte for byte as they were. Documented
 * non-errors (an unknown key, a readable-by-others file) are warnings, not refusals.
 */
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHarness } from '../../e2e/harness.ts';
import { SETTINGS } from '../../../src/config/settings.ts';
import { CURRENT_CONFIG_VERSION } from '../../../src/config/migrateConfig.ts';
import { tally } from '../tally.ts';

const CONFIG = 'tq-conn-darktrace.json';

/** Every file of the directory with its bytes and mode: what "unchanged" means. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const st = statSync(file);
    if (st.isFile()) out.set(name, `${(st.mode & 0o777).toString(8)}:${st.size}:${createHash('sha256').update(readFileSync(file)).digest('hex')}`);
  }
  return out;
}

interface FlagCase {
  args: string[];
  /** What the first error line must name. */
  names: RegExp;
  /** Never in the output (a proxy password). */
  hidden?: string;
}

const LONG = 'x'.repeat(5_000);
const FLAG_CASES: FlagCase[] = [
  { args: ['ingest', '-hist', 'abc'], names: /-hist\/--historical: 'abc'/ },
  { args: ['ingest', '-hist', '-1'], names: /-hist\/--historical: '-1'/ },
  { args: ['ingest', '-hist', '1e9'], names: /-hist\/--historical: '1e9'/ },
  { args: ['ingest', '-hist', '0'], names: /-hist\/--historical/ },
  { args: ['ingest', '-hist', '3651'], names: /-hist\/--historical/ },
  { args: ['ingest', '-hist', ''], names: /-hist\/--historical/ },
  { args: ['ingest', '-hist', '1.5'], names: /-hist\/--historical/ },
  { args: ['ingest', '-hist', LONG], names: /-hist\/--historical/ },
  { args: ['ingest', '--historical=٣'], names: /-hist\/--historical/ },
  { args: ['ingest', '--bogus'], names: /Unknown option.*bogus/ },
  { args: ['ingest', '-x'], names: /Unknown option.*x/ },
  { args: ['ingest', '--cron', 'bad'], names: /cron/i },
  { args: ['ingest', '--cron', ''], names: /cron/i },
  { args: ['ingest', '--cron', '61 * * * *'], names: /cron|minute/i },
  { args: ['ingest', '--cron', '* * * * * ; rm -rf /'], names: /cron/i },
  { args: ['ingest', '-n', '../x'], names: /-n\/--name: '\.\.\/x'/ },
  { args: ['ingest', '-n', 'a b'], names: /-n\/--name: 'a b'/ },
  { args: ['ingest', '-n', 'ünïcödé'], names: /-n\/--name/ },
  { args: ['ingest', '-n', ''], names: /-n\/--name/ },
  { args: ['ingest', '-n', LONG], names: /-n\/--name/ },
  { args: ['ingest', '-n', '-dash'], names: /-n\/--name|Unknown option/ },
  { args: ['ingest', '-n', 'x\ny'], names: /-n\/--name/ },
  { args: ['ingest', '-v', '4'], names: /-v\/--verbosity: '4'/ },
  { args: ['ingest', '-v', ''], names: /-v\/--verbosity/ },
  { args: ['ingest', '-v0'], names: /-v\/--verbosity/ },
  { args: ['ingest', '-ep', 'ftp://proxy.example'], names: /-ep\/--external-proxy/ },
  { args: ['ingest', '-ep', 'http://user:Pr0xySecret@/path'], names: /-ep\/--external-proxy/, hidden: 'Pr0xySecret' },
  { args: ['ingest', '-ep', 'not a url'], names: /-ep\/--external-proxy/ },
  { args: ['ingest', '--log-format', 'xml'], names: /--log-format: 'xml'/ },
  { args: ['ingest', '-ll', ''], names: /-ll\/--loglocation/ },
  { args: ['export', '--plan-format', 'yaml', '--dry-run'], names: /plan-format/ },
  { args: ['history', '--limit', 'abc'], names: /limit/ },
  { args: ['history', '--since', 'yesterday-ish'], names: /since/ },
  { args: ['history', '--format', 'xml'], names: /format/ },
  { args: ['history', 'run', 'abc'], names: /run/ },
  { args: ['configure', '--set', 'nosuchkey=1'], names: /nosuchkey/ },
  { args: ['configure', '--set', 'export.expirationDays=-5'], names: /export\.expirationDays/ },
  { args: ['configure', '--set', 'TQ_PASSWORD=a\u0001b'], names: /TQ_PASSWORD|threatq\.password/, hidden: 'a\u0001b' },
  { args: ['demo', '--breaches', '0'], names: /--breaches/ },
];

interface FileCase {
  label: string;
  /** The file's text, given the valid document. */
  text: (doc: Record<string, Record<string, unknown>>) => string;
  names: RegExp;
}

const V = { version: CURRENT_CONFIG_VERSION };
const edit = (section: string, field: string, value: unknown) => (doc: Record<string, Record<string, unknown>>) => JSON.stringify({ ...V, ...doc, [section]: { ...doc[section], [field]: value } });

const FILE_CASES: FileCase[] = [
  { label: 'invalid JSON', text: (d) => JSON.stringify({ ...V, ...d }).slice(0, -3), names: /not valid JSON at line \d+, column \d+/ },
  { label: 'empty file', text: () => '', names: /not valid JSON/ },
  { label: 'a JSON array', text: () => '[1,2]', names: /must hold a JSON object/ },
  { label: 'a password in broken JSON is not quoted', text: () => '{"threatq": {"password": "Sup3rSecretPw" oops}}', names: /not valid JSON/ },
  { label: 'version from the future', text: (d) => JSON.stringify({ ...d, version: 99 }), names: /version 99/ },
  { label: 'version not a number', text: (d) => JSON.stringify({ ...d, version: 'abc' }), names: /"version"/ },
  { label: 'section not an object', text: (d) => JSON.stringify({ ...V, ...d, threatq: 'tq.example' }), names: /'threatq'/ },
  { label: 'host of the wrong type', text: edit('threatq', 'host', 5), names: /threatq\.host/ },
  { label: 'host with a path (URL without scheme)', text: edit('threatq', 'host', 'tq.example/api'), names: /threatq\.host/ },
  { label: 'http:// to a remote host', text: edit('darktrace', 'host', 'http://dt.example'), names: /darktrace\.host.*http:\/\/ is only allowed for loopback/ },
  { label: 'port out of range', text: edit('darktrace', 'host', 'https://dt.example:99999'), names: /darktrace\.host/ },
  { label: 'credentials in the host', text: edit('darktrace', 'host', 'https://u:HostSecret1@dt.example'), names: /darktrace\.host/ },
  { label: 'collections empty', text: edit('export', 'collections', []), names: /export\.collections.*at least one/ },
  { label: 'collections not a list', text: edit('export', 'collections', { a: 1 }), names: /export\.collections/ },
  { label: 'a blank collection name', text: edit('export', 'collections', ['A', ' ']), names: /export\.collections.*entry 2/ },
  { label: 'expiration days negative', text: edit('export', 'expirationDays', -1), names: /export\.expirationDays.*0 to 36500/ },
  { label: 'expiration days huge', text: edit('export', 'expirationDays', 1e9), names: /export\.expirationDays/ },
  { label: 'expiration days a fraction', text: edit('export', 'expirationDays', 1.5), names: /export\.expirationDays/ },
  { label: 'expiration days as text', text: edit('export', 'expirationDays', 'thirty'), names: /export\.expirationDays/ },
  { label: 'source name with a comma', text: edit('export', 'sourceName', 'Threat,Q'), names: /export\.sourceName.*comma/ },
  { label: 'source name too long', text: edit('export', 'sourceName', 'S'.repeat(64)), names: /export\.sourceName/ },
  { label: 'source name of 32 emoji (64 UTF-16 units)', text: edit('export', 'sourceName', '\u{1F680}'.repeat(32)), names: /export\.sourceName.*UTF-16/ },
  { label: 'a password with a line break inside', text: edit('threatq', 'password', 'Secr3t\nPassw0rd'), names: /threatq\.password/ },
  { label: 'a private token with a space', text: edit('darktrace', 'privateToken', 'Priv Tok3nSecret'), names: /darktrace\.privateToken/ },
  { label: 'timeout zero', text: edit('threatq', 'timeoutSeconds', 0), names: /threatq\.timeoutSeconds/ },
  { label: 'minimum score above 100', text: edit('ingest', 'minBreachScore', 101), names: /ingest\.minBreachScore/ },
  { label: 'a CA file that does not exist', text: edit('threatq', 'caFile', 'nope.pem'), names: /threatq\.caFile.*does not exist/ },
  { label: 'status blank', text: edit('threatq', 'status', '   '), names: /threatq\.status/ },
  { label: 'a huge value', text: edit('threatq', 'clientId', 'c '.repeat(50_000)), names: /threatq\.clientId/ },
];

test('bad flags and bad configuration files exit 2 naming the flag or key and the fix, and change nothing on disk', async (t) => {
  const h = await startHarness(t, { darktrace: { seedCounts: { breaches: 5, aiEvents: 2, devices: 4, days: 0.5, now: Date.now() } } });
  // A connector that has run: a valid configuration file (everything in it) and a state database.
  const doc: Record<string, Record<string, unknown>> = {};
  for (const def of SETTINGS) {
    const v = h.env[def.env];
    if (v === undefined) continue;
    const [section, field] = def.key.split('.') as [string, string];
    (doc[section] ??= {})[field] = def.key === 'export.collections' ? v.split(',') : def.key === 'export.expirationDays' ? Number(v) : v;
  }
  const good = JSON.stringify({ version: CURRENT_CONFIG_VERSION, ...doc }, null, 2);
  const configFile = path.join(h.dir, CONFIG);
  writeFileSync(configFile, good, { mode: 0o600 });
  const unset = Object.fromEntries(SETTINGS.map((d) => [d.env, undefined]));
  const first = await h.run(['ingest', '-hist', '1'], unset);
  assert.equal(first.code, 0, first.stderr);
  let runs = 1;
  let inputs = 0;

  const before = snapshot(h.dir);
  const assertUnchanged = (label: string) => assert.deepEqual(snapshot(h.dir), before, `${label}: the config file and the state database are unchanged`);

  for (const c of FLAG_CASES) {
    inputs++;
    runs++;
    const r = await h.run([...c.args, '--cron-dir', h.dir], unset);
    const label = JSON.stringify(c.args).slice(0, 120);
    assert.equal(r.code, 2, `${label} exits 2: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', /^Error: /, `${label}: an error line`);
    // One line for a flag; `configure --set` lists its problems below its first line.
    assert.match(c.args[0] === 'configure' ? r.stderr : lines[0]!, c.names, `${label}: names the flag: ${r.stderr}`);
    assert.ok(lines.length <= 4 && lines[0]!.length < 400, `${label}: a short message (long values are cut, line breaks escaped): ${r.stderr.slice(0, 600)}`);
    assert.match(r.stderr, /Allowed|Run |Correct|--help|Use |Give|Set |Fix|one of|valid|known|expected/i, `${label}: says what to do: ${r.stderr}`);
    if (c.hidden) assert.ok(!r.stderr.includes(c.hidden) && !r.stdout.includes(c.hidden), `${label}: the proxy password is not shown`);
    assertUnchanged(label);
  }

  for (const c of FILE_CASES) {
    inputs++;
    runs++;
    const text = c.text(doc);
    writeFileSync(configFile, text, { mode: 0o600 });
    const inFile = snapshot(h.dir);
    for (const command of [['run']]) {
      const r = await h.run(command, unset);
      assert.equal(r.code, 2, `${c.label} (${command[0]}) exits 2: ${r.stderr}`);
      assert.match(r.stderr, c.names, `${c.label}: names the key`);
      assert.match(r.stderr, /configure|Fix the file|restore|newer/, `${c.label}: says how to fix it`);
      for (const secret of ['Sup3rSecretPw', 'Secr3t', 'Priv Tok3nSecret', 'HostSecret1', String(doc.threatq?.password), String(doc.darktrace?.privateToken)]) {
        assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `${c.label}: a secret is never echoed`);
      }
      assert.ok(r.stderr.split('\n').every((l) => l.length < 400), `${c.label}: short lines (long values are cut)`);
      assert.deepEqual(snapshot(h.dir), inFile, `${c.label}: the bad file and the state database are left exactly as they were`);
    }
  }

  // Documented non-errors: an unknown key and a file readable by others are warnings.
  writeFileSync(configFile, JSON.stringify({ version: CURRENT_CONFIG_VERSION, ...doc, threatq: { ...doc.threatq, hostt: 'typo.example' }, extra: 1 }), { mode: 0o644 });
  chmodSync(configFile, 0o644);
  const show = await h.run(['configure', '--show'], unset);
  inputs++;
  runs++;
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stderr + show.stdout, /unknown key 'threatq\.hostt'/);
  assert.match(show.stderr + show.stdout, /chmod 600/);

  writeFileSync(configFile, good, { mode: 0o600 });
  chmodSync(configFile, 0o600);
  assertUnchanged('after the corpus');
  tally('bad input', { inputsTried: inputs, runs });
});
