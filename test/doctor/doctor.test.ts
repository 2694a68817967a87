import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import test from 'node:test';
import { configFilePath, writeConfigFile } from '../../src/config/index.ts';
import { closedPort, doctorSims, runDoctorText, startConnectProxy } from './harness.ts';

const DT_API = ['darktrace.signature', 'darktrace.clock', 'darktrace.modelbreaches', 'darktrace.aianalyst', 'darktrace.intelfeed', 'darktrace.source'];
const TQ_API = ['threatq.login', 'threatq.status', 'threatq.event_types', 'threatq.assets', 'threatq.collections'];

test('healthy simulators with their CA files: every check passes, exit 0, and nothing is written to either side', async (t) => {
  const { sims, dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env, configDir: dir });
  assert.equal(run.code, 0, run.text);
  assert.deepEqual(
    [...run.statuses.keys()],
    ['config', 'darktrace.dns', 'darktrace.tcp', 'darktrace.tls', 'threatq.dns', 'threatq.tcp', 'threatq.tls', ...DT_API, ...TQ_API],
  );
  for (const [check, status] of run.statuses) {
    const expected = check.endsWith('.dns') ? 'skip' : check === 'darktrace.source' ? 'info' : 'ok';
    assert.equal(status, expected, run.line(check));
  }
  assert.match(run.line('darktrace.signature'), /^ok {4}darktrace\.signature {5}Darktrace 7\.1\.0 \(4ff13d8c\) accepted the API tokens$/);
  assert.match(run.line('darktrace.dns'), /127\.0\.0\.1 is an IP address/);
  assert.match(run.line('darktrace.tls'), /verified with the CA file/);
  assert.match(run.line('darktrace.source'), /'ThreatQ' does not exist yet/);
  assert.match(run.line('threatq.event_types'), /'Model Breach' not there yet \(will be created on first ingest\)/);
  assert.match(run.line('threatq.collections'), /'Export A', 'Export B'/);
  assert.match(run.text, /ready\n$/);

  // Read-only: no event type created, no intel-feed write, no ThreatQ POST but the login.
  assert.equal(sims.threatq.sim.store.eventType('Model Breach'), undefined);
  const tqPosts = Object.entries(sims.threatq.sim.requestCounts()).filter(([k]) => k.startsWith('POST') && k !== 'POST /api/token');
  assert.deepEqual(tqPosts, []);
  assert.ok(!sims.darktrace.requests.some((r) => r.method !== 'GET'), 'doctor sent a non-GET request to Darktrace');
});

test('without the CA files, TLS verification fails naming the CA file setting and -ds; the API checks are skipped (exit 5)', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, DARKTRACE_CA_FILE: undefined, TQ_CA_FILE: undefined }, configDir: dir });
  assert.equal(run.code, 5, run.text);
  assert.equal(run.statuses.get('darktrace.tls'), 'fail');
  assert.match(run.line('darktrace.tls'), /self-signed/);
  assert.match(run.line('darktrace.tls'), /fix: .*DARKTRACE_CA_FILE.*-ds/);
  assert.match(run.line('threatq.tls'), /fix: .*TQ_CA_FILE.*-ds/);
  for (const c of [...DT_API, ...TQ_API]) assert.equal(run.statuses.get(c), 'skip', run.line(c));
  assert.match(run.line('darktrace.signature'), /Darktrace cannot be reached/);
});

test('-ds: TLS checks warn that verification is disabled, the rest passes, exit 0', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, DARKTRACE_CA_FILE: undefined, TQ_CA_FILE: undefined }, configDir: dir, disableSsl: true });
  assert.equal(run.code, 0, run.text);
  for (const side of ['darktrace', 'threatq']) {
    assert.equal(run.statuses.get(`${side}.tls`), 'warn');
    assert.match(run.line(`${side}.tls`), /verification disabled \(-ds\), it would not verify: the certificate is self-signed/);
  }
  assert.equal(run.statuses.get('darktrace.signature'), 'ok');
  assert.equal(run.statuses.get('threatq.collections'), 'ok');
});

test('a wrong Darktrace private token fails the signature check (exit 3) and skips the Darktrace permission checks', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, DARKTRACE_PRIVATE_TOKEN: 'wrong-private-token-0000' }, configDir: dir });
  assert.equal(run.code, 3, run.text);
  assert.equal(run.statuses.get('darktrace.signature'), 'fail');
  assert.match(run.line('darktrace.signature'), /API SIGNATURE ERROR[\s\S]*fix: Check the public and private token pair/);
  for (const c of DT_API.slice(2)) assert.equal(run.statuses.get(c), 'skip');
  assert.equal(run.statuses.get('threatq.collections'), 'ok', 'ThreatQ is checked independently');
  assert.ok(!run.text.includes('wrong-private-token-0000'), 'the configured private token must not be printed');
});

test('a wrong ThreatQ password fails the login (exit 3) and skips the ThreatQ checks after it', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, TQ_PASSWORD: 'not-the-password-42' }, configDir: dir });
  assert.equal(run.code, 3, run.text);
  assert.equal(run.statuses.get('threatq.login'), 'fail');
  assert.match(run.line('threatq.login'), /refused the login of user/);
  for (const c of TQ_API.slice(1)) assert.equal(run.statuses.get(c), 'skip');
  assert.ok(!run.text.includes('not-the-password-42'));
});

test('an unknown collection fails listing the collections that exist (exit 2)', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, DARKTRACE_COLLECTIONS: 'Export A, export b, Nope' }, configDir: dir });
  assert.equal(run.code, 2, run.text);
  assert.match(run.line('threatq.collections'), /no Threat Library collection named 'export b', 'Nope'; collections that exist: 'Export A', 'Export B'/);
  assert.match(run.line('threatq.collections'), /did you mean 'Export B' for 'export b'/);
});

test('a missing indicator status fails listing the statuses that exist (exit 2)', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, TQ_STATUS: 'Reviewed' }, configDir: dir });
  assert.equal(run.code, 2, run.text);
  assert.match(run.line('threatq.status'), /no indicator status named 'Reviewed'; statuses that exist: .*'Review'/);
  assert.match(run.line('threatq.status'), /fix: .*TQ_STATUS/);
});

test('Darktrace denying the intel feed fails that check naming the permission; the source check is skipped (exit 3)', async (t) => {
  const { dir, env } = await doctorSims(t, { darktrace: { credentials: { privateToken: 'canaryDTpriv9c4f27' }, permissions: { deny: ['/intelfeed'] } } });
  const run = await runDoctorText({ env, configDir: dir });
  assert.equal(run.code, 3, run.text);
  assert.equal(run.statuses.get('darktrace.intelfeed'), 'fail');
  assert.match(run.line('darktrace.intelfeed'), /denied reading the intel feed at \/intelfeed \(HTTP 403\): the API token's user lacks the permission 'Edit Domains'/);
  assert.equal(run.statuses.get('darktrace.source'), 'skip');
  assert.equal(run.statuses.get('darktrace.modelbreaches'), 'ok');
});

test('the legacy 302-to-/403 denial of model breaches is reported the same way', async (t) => {
  const { dir, env } = await doctorSims(t, { darktrace: { credentials: { privateToken: 'canaryDTpriv9c4f27' }, permissions: { deny: ['/modelbreaches'], style: 'legacyRedirect' } } });
  const run = await runDoctorText({ env, configDir: dir });
  assert.equal(run.code, 3, run.text);
  assert.match(run.line('darktrace.modelbreaches'), /HTTP 302 to \/403\): the API token's user lacks the permission 'Unrestricted Devices' plus 'Visualizer'/);
});

test('clock skew: 10 minutes warns (exit 0), 40 minutes fails (exit 3) although the signature is accepted', async (t) => {
  const ten = await doctorSims(t, { darktrace: { credentials: { privateToken: 'canaryDTpriv9c4f27' }, clockOffsetMs: 10 * 60_000 } });
  const warned = await runDoctorText({ env: ten.env, configDir: ten.dir });
  assert.equal(warned.code, 0, warned.text);
  assert.equal(warned.statuses.get('darktrace.clock'), 'warn');
  assert.match(warned.line('darktrace.clock'), /10 minutes behind Darktrace's[\s\S]*fix: Synchronise this host's clock with NTP/);

  const forty = await doctorSims(t, { darktrace: { credentials: { privateToken: 'canaryDTpriv9c4f27' }, clockOffsetMs: -40 * 60_000 } });
  const failed = await runDoctorText({ env: forty.env, configDir: forty.dir });
  assert.equal(failed.code, 3, failed.text);
  assert.equal(failed.statuses.get('darktrace.signature'), 'ok');
  assert.equal(failed.statuses.get('darktrace.clock'), 'fail');
  assert.match(failed.line('darktrace.clock'), /40 minutes ahead of Darktrace's/);
});

test('an unreachable Darktrace (closed port) fails TCP with exit 5 and skips every later Darktrace check', async (t) => {
  const { dir, env } = await doctorSims(t);
  const port = await closedPort();
  const run = await runDoctorText({ env: { ...env, DARKTRACE_HOST: `https://127.0.0.1:${port}` }, configDir: dir });
  assert.equal(run.code, 5, run.text);
  assert.equal(run.statuses.get('darktrace.tcp'), 'fail');
  assert.match(run.line('darktrace.tcp'), new RegExp(`127\\.0\\.0\\.1:${port}: connection refused[\\s\\S]*fix: Check the Darktrace host setting`));
  for (const c of ['darktrace.tls', ...DT_API]) assert.equal(run.statuses.get(c), 'skip', run.line(c));
  assert.equal(run.statuses.get('threatq.login'), 'ok');
  // Skips are listed where their check belongs.
  assert.ok(run.text.indexOf('darktrace.source') < run.text.indexOf('threatq.login'));
});

test('a host name that does not resolve fails DNS (exit 5) and skips TCP and TLS', async (t) => {
  const { dir, env } = await doctorSims(t);
  const lookup = async (host: string) => {
    assert.equal(host, 'dt.example.invalid');
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  const run = await runDoctorText({ env: { ...env, DARKTRACE_HOST: 'dt.example.invalid' }, configDir: dir, lookup });
  assert.equal(run.code, 5, run.text);
  assert.match(run.line('darktrace.dns'), /Cannot resolve the Darktrace host dt\.example\.invalid: the host name does not resolve \(DNS\)/);
  assert.equal(run.statuses.get('darktrace.tcp'), 'skip');
  assert.equal(run.statuses.get('darktrace.tls'), 'skip');
});

test('missing settings fail the configuration check naming each key (exit 2), and everything after it is skipped', async (t) => {
  const { dir, env } = await doctorSims(t);
  const run = await runDoctorText({ env: { ...env, TQ_HOST: undefined, DARKTRACE_PRIVATE_TOKEN: undefined }, configDir: dir });
  assert.equal(run.code, 2, run.text);
  assert.match(run.line('config'), /^fail/);
  assert.match(run.line('config'), /threatq\.host \(environment variable TQ_HOST\)/);
  assert.match(run.line('config'), /darktrace\.privateToken \(environment variable DARKTRACE_PRIVATE_TOKEN\)/);
  const others = [...run.statuses].filter(([c]) => c !== 'config');
  assert.equal(others.length, 17);
  assert.ok(others.every(([, s]) => s === 'skip'));
});

test('a configuration file readable by others is a warning with the chmod fix; the run still exits 0', async (t) => {
  const { dir, env } = await doctorSims(t);
  const file = configFilePath(dir, 'tq-conn-darktrace');
  writeConfigFile(file, new Map<string, unknown>([['export.expirationDays', 14]]));
  chmodSync(file, 0o644);
  const run = await runDoctorText({ env, configDir: dir });
  assert.equal(run.code, 0, run.text);
  assert.match(run.text, /\nwarn  config\s+The configuration file .*\(mode 0644\).*\n {6}fix: chmod 600 '/);
});

test('-ep: the proxy tunnel is checked and used for Darktrace only, and its credentials never appear', async (t) => {
  const { sims, dir, env } = await doctorSims(t);
  const proxy = await startConnectProxy(t, 'svc:proxy-canary-pw');
  const run = await runDoctorText({ env, configDir: dir, externalProxy: proxy.url('svc', 'proxy-canary-pw') });
  assert.equal(run.code, 0, run.text);
  assert.match(run.line('proxy.connect'), /^ok {4}proxy\.connect {11}the proxy http:\/\/127\.0\.0\.1:\d+ opened a tunnel to Darktrace/);
  assert.match(run.line('darktrace.dns'), /^skip.*resolved by the proxy/);
  assert.equal(run.statuses.get('darktrace.tls'), 'ok');
  assert.equal(run.statuses.get('darktrace.intelfeed'), 'ok');
  const dtTarget = `127.0.0.1:${sims.darktrace.port}`;
  assert.ok(proxy.targets.length >= 2, 'the TLS probe and the API client both went through the proxy');
  assert.ok(proxy.targets.every((target) => target === dtTarget), `ThreatQ must never go through the proxy: ${proxy.targets.join(', ')}`);

  const refused = await runDoctorText({ env, configDir: dir, externalProxy: proxy.url('svc', 'wrong-proxy-canary') });
  assert.equal(refused.code, 5, refused.text);
  assert.match(refused.line('proxy.connect'), /HTTP 407: it requires credentials[\s\S]*fix: Give the proxy credentials/);
  assert.ok(!refused.text.includes('wrong-proxy-canary') && !refused.text.includes('svc:'), refused.text);
  assert.equal(refused.statuses.get('darktrace.signature'), 'skip');
  assert.equal(refused.statuses.get('threatq.login'), 'ok');
});

test('--format json prints an array of {check, status, detail, fix}', async (t) => {
  const { dir, env } = await doctorSims(t);
  let out = '';
  const run = await runDoctorText({ env: { ...env, TQ_STATUS: 'Reviewed' }, configDir: dir, format: 'json', out: (s) => (out += s) });
  assert.equal(run.code, 2);
  const results = JSON.parse(out) as { check: string; status: string; detail: string; fix: string | null }[];
  assert.equal(results.length, 18);
  for (const r of results) assert.deepEqual(Object.keys(r), ['check', 'status', 'detail', 'fix']);
  const status = results.find((r) => r.check === 'threatq.status')!;
  assert.equal(status.status, 'fail');
  assert.match(status.fix ?? '', /TQ_STATUS/);
  assert.equal(results.find((r) => r.check === 'config')!.fix, null);
});
