import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildParser, parseCli, type CliParse } from './cli.ts';
import { ConnectorError } from '../errors.ts';

const cwd = '/work/here';
async function parse(...argv: string[]) {
  const r: CliParse = await parseCli(argv, cwd, { columns: 100 });
  assert.equal(r.kind, 'command', `expected a command for ${argv.join(' ')}`);
  return (r as Extract<CliParse, { kind: 'command' }>).parsed;
}
async function usageError(...argv: string[]): Promise<ConnectorError> {
  try {
    await parseCli(argv, cwd, { columns: 100 });
  } catch (e) {
    assert.ok(ConnectorError.is(e));
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail(`expected a usage error for ${argv.join(' ')}`);
}

test('-ll DIR is the log location, not two -l flags', async () => {
  const p = await parse('-ll', '/var/log/tq_labs/');
  assert.equal(p.global.logLocation, '/var/log/tq_labs');
});

test('-ll stdout keeps the special console value', async () => {
  assert.equal((await parse('-ll', 'stdout')).global.logLocation, 'stdout');
});

test('-c DIR sets the config directory', async () => {
  assert.equal((await parse('-c', '/etc/tq_labs/')).global.configDir, '/etc/tq_labs');
});

test('--config=DIR sets the config directory', async () => {
  assert.equal((await parse('--config=/etc/tq_labs')).global.configDir, '/etc/tq_labs');
});

test('a relative -c is resolved against the working directory', async () => {
  assert.equal((await parse('-c', 'conf')).global.configDir, '/work/here/conf');
});

test('-v3 (attached) and -v 3 (separate) both give debug verbosity', async () => {
  assert.equal((await parse('-v3')).global.verbosity, 3);
  assert.equal((await parse('-v', '3')).global.verbosity, 3);
  assert.equal((await parse('--verbosity', '2')).global.verbosity, 2);
  assert.equal((await parse()).global.verbosity, 1);
});

test('-hist 10 sets the historical days', async () => {
  assert.equal((await parse('-hist', '10')).global.historical, 10);
  assert.equal((await parse()).global.historical, undefined);
});

test('-ep URL sets the external proxy', async () => {
  assert.equal((await parse('-ep', 'http://proxy:3128')).global.externalProxy, 'http://proxy:3128');
});

test('-ds disables TLS verification and -d turns off the differential', async () => {
  const p = await parse('-ds', '-d');
  assert.equal(p.global.disableSsl, true);
  assert.equal(p.global.noDifferential, true);
  const q = await parse();
  assert.equal(q.global.disableSsl, false);
  assert.equal(q.global.noDifferential, false);
});

test('--no-differential is a flag of its own, not a negation', async () => {
  assert.equal((await parse('--no-differential')).global.noDifferential, true);
});

test('-n name sets the connector name', async () => {
  assert.equal((await parse('-n', 'site-b')).global.name, 'site-b');
  assert.equal((await parse()).global.name, 'tq-conn-darktrace');
});

test('--cron "0 */2 * * *" keeps the schedule as one value', async () => {
  assert.equal((await parse('--cron', '0 */2 * * *')).global.cron, '0 */2 * * *');
  assert.equal((await parse('--cron=0 */2 * * *')).global.cron, '0 */2 * * *');
});

test('the install line of the original guide parses completely', async () => {
  const p = await parse('-ll', '/var/log/tq_labs/', '-c', '/etc/tq_labs/', '-v3');
  assert.deepEqual([p.command, p.global.logLocation, p.global.configDir, p.global.verbosity], ['run', '/var/log/tq_labs', '/etc/tq_labs', 3]);
});

test('subcommands are recognised and run is the default', async () => {
  assert.equal((await parse()).command, 'run');
  for (const c of ['run', 'ingest', 'export', 'history', 'configure', 'doctor', 'demo'] as const) {
    assert.equal((await parse(c, '-v', '2')).command, c);
  }
});

test('bad values exit 2 naming the flag, the value and what is allowed', async () => {
  const v = await usageError('-v', '4');
  assert.match(v.message, /-v\/--verbosity: '4'/);
  assert.match(v.hint ?? '', /1 .*2 .*3/);
  const h = await usageError('-hist', '-1');
  assert.match(h.message, /-hist\/--historical: '-1'/);
  assert.match(h.hint ?? '', /whole number of days/);
  const a = await usageError('-hist', 'abc');
  assert.match(a.message, /'abc'/);
  const n = await usageError('-n', '../etc');
  assert.match(n.message, /-n\/--name/);
  await usageError('--what');
  await usageError('-hist', '0');
});

test('a bad proxy URL is refused without echoing its password', async () => {
  const e = await usageError('-ep', 'ftp://user:s3cretPass@proxy:21');
  assert.match(e.message, /-ep\/--external-proxy/);
  assert.doesNotMatch(e.message + (e.hint ?? ''), /s3cretPass/);
});

test('parsing a command does not render the whole help text (that cost ~45 ms of every start)', async () => {
  const { y } = buildParser({ columns: 100 });
  const usage = (y as unknown as { getInternalMethods(): { getUsageInstance(): { help(): string } } }).getInternalMethods().getUsageInstance();
  let rendered = 0;
  const help = usage.help;
  usage.help = function (this: unknown) {
    rendered++;
    return help.call(this);
  };
  for (const argv of [['history', 'run', '3'], ['export', '--dry-run'], ['ingest'], []]) {
    await new Promise<void>((resolve) => y.parse(argv, {}, () => resolve()));
  }
  assert.equal(rendered, 0);
});

test("a command's --help still shows that command's help", async () => {
  const r = await parseCli(['history', '--help'], cwd, { columns: 100 });
  assert.equal(r.kind, 'output');
  const text = (r as { text: string }).text;
  assert.match(text, /tq-conn-darktrace history \[query\.\.\]/);
  assert.match(text, /--format/);
});

test('--help lists the original short spellings', async () => {
  const r = await parseCli(['--help'], cwd, { columns: 100 });
  assert.equal(r.kind, 'output');
  const text = (r as { text: string }).text;
  for (const flag of ['-ll, --loglocation', '-c, --config', '-v, --verbosity', '-ep, --external-proxy', '-d, --no-differential', '-ds, --disable-ssl', '-hist, --historical', '-n, --name', '--cron']) {
    assert.ok(text.includes(flag), `help shows ${flag}`);
  }
});
