/**
 * Secrets canary: distinctive values for every secret — the ThreatQ password (with characters
 * that change under URL, form, JSON and base64 encoding), the Darktrace private token, the
 * proxy password in -ep, and the ThreatQ access and refresh tokens the runs obtain — then every
 * command and mode at every verbosity and log format, success and failure paths. Searched, in
 * every encoding: stdout, stderr (console logs included), log files, every table of the state
 * database but the token cache (which holds tokens only, never a password or private token),
 * the raw database files, every history query in every format, the cron file, --report files
 * and every other file the runs left. Zero hits; config, database and report files are 0600.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInProcess } from '../helpers/runInProcess.ts';
import { connectorEnvFor } from '../../src/sim/connectorEnv.ts';
import { startSims } from '../../src/sim/startSims.ts';
import { openStateDb, stateDbPath } from '../../src/state/openStateDb.ts';
import { closedPort, startConnectProxy } from '../doctor/harness.ts';
import { tally } from './tally.ts';

const TQ_PASSWORD = 'Cnry-TQ pw"\\%+/=&7x';
const DT_PRIVATE = 'CnryDTpriv-3f9a1c77';
const PROXY_USER = 'cnryproxyuser';
const PROXY_PASSWORD = 'CnryProxyPw-4d7e';
const NAME = 'tq-conn-darktrace';

/** Every form a secret could leak in: as is, URL/form-encoded, JSON-escaped, base64. */
function forms(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ x: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1), JSON.stringify(JSON.stringify(secret)).slice(3, -3), Buffer.from(secret).toString('base64').replace(/=+$/, ''), Buffer.from(secret).toString('base64url')]);
  return [...out].filter((s) => s.length >= 6);
}

interface Output {
  where: string;
  text: string;
}

test('no secret reaches any output, log, history, report, cron file or audit row, whatever the command, verbosity or failure', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tqdt-canary-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'config'); // settings in the config file
  const envDir = path.join(root, 'env-config'); // settings from the environment only
  const logs = path.join(root, 'logs');
  const cronDir = path.join(root, 'cron.d');
  const reports = path.join(root, 'reports');
  for (const d of [dir, envDir, logs, cronDir, reports]) mkdirSync(d, { mode: 0o700 });

  const sims = await startSims({
    tls: true,
    seed: 11,
    darktrace: { credentials: { privateToken: DT_PRIVATE }, seedCounts: { breaches: 12, aiEvents: 2, devices: 6, days: 1 } },
    threatq: { credentials: { password: TQ_PASSWORD }, seedCollections: [{ name: 'Export to Darktrace', size: 10 }] },
  });
  t.after(() => sims.close());
  const proxy = await startConnectProxy(t, `${PROXY_USER}:${PROXY_PASSWORD}`);
  const proxyUrl = proxy.url(PROXY_USER, PROXY_PASSWORD);
  const simEnv = connectorEnvFor(sims, root, ['Export to Darktrace']);
  assert.equal(simEnv['TQ_PASSWORD'], TQ_PASSWORD);
  assert.equal(simEnv['DARKTRACE_PRIVATE_TOKEN'], DT_PRIVATE);

  const outputs: Output[] = [];
  const codes: Array<{ what: string; code: number }> = [];
  let runs = 0;
  /** Runs the CLI in-process; the console log (process.stderr) is captured too. */
  async function cli(what: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    let consoleLog = '';
    const realWrite = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      consoleLog += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    let r: { code: number; stdout: string; stderr: string };
    try {
      r = await runInProcess(args, { columns: 100, env, cwd: root });
    } finally {
      process.stderr.write = realWrite;
    }
    runs++;
    const stderr = r.stderr + consoleLog;
    outputs.push({ where: `${what}: stdout`, text: r.stdout }, { where: `${what}: stderr`, text: stderr });
    codes.push({ what, code: r.code });
    return { code: r.code, stdout: r.stdout, stderr };
  }
  const expectCode = (r: { code: number; stderr: string }, code: number, what: string) => assert.equal(r.code, code, `${what}: ${r.stderr.slice(-2000)}`);

  // ---- configure (non-interactive): the secrets go into the 0600 file, nowhere else.
  const { TQ_PASSWORD: _p, DARKTRACE_PRIVATE_TOKEN: _d, ...publicEnv } = simEnv;
  const sets = Object.entries(simEnv).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  expectCode(await cli('configure --set', ['configure', '-c', dir, ...sets], {}), 0, 'configure');
  expectCode(await cli('configure --show', ['configure', '-c', dir, '--show'], {}), 0, 'show');
  expectCode(await cli('configure --set invalid private token', ['configure', '-c', dir, '--set', `DARKTRACE_PRIVATE_TOKEN=${DT_PRIVATE} x`], {}), 2, 'invalid --set');
  expectCode(await cli('configure --set without KEY=', ['configure', '-c', dir, '--set', TQ_PASSWORD], {}), 2, 'bad --set');
  const configFile = path.join(dir, `${NAME}.json`);
  assert.ok(readFileSync(configFile, 'utf8').includes(JSON.stringify(TQ_PASSWORD).slice(1, -1)), 'the config file holds the password (the one place allowed)');

  // ---- every pipeline command, every verbosity and log format, console and file (settings from the file).
  const fileEnv = {};
  let i = 0;
  for (const v of ['1', '2', '3']) {
    for (const format of ['text', 'json']) {
      const where = i++ % 2 === 0 ? ['-ll', logs] : [];
      expectCode(await cli(`run -v${v} --log-format ${format} ${where.join(' ')}`, ['run', '-c', dir, '-v', v, '--log-format', format, ...where], fileEnv), 0, 'run');
    }
  }
  expectCode(await cli('ingest -v3', ['ingest', '-c', dir, '-v3', '-hist', '2'], fileEnv), 0, 'ingest');
  expectCode(await cli('export -v3 json', ['export', '-c', dir, '-v', '3', '--log-format', 'json', '-ll', logs], fileEnv), 0, 'export');
  expectCode(await cli('export --dry-run', ['export', '-c', dir, '-v3', '--dry-run'], fileEnv), 0, 'dry run');
  expectCode(await cli('run --dry-run --plan-format json', ['run', '-c', dir, '-v', '2', '--dry-run', '--plan-format', 'json'], fileEnv), 0, 'dry run json');
  expectCode(await cli('run -d --report', ['run', '-c', dir, '-v3', '-d', '--report', path.join(reports, 'no-differential.json')], fileEnv), 0, '-d');
  expectCode(await cli('run -ep proxy --report', ['run', '-c', dir, '-v3', '--log-format', 'json', '-ep', proxyUrl, '--report', path.join(reports, 'proxy.json')], fileEnv), 0, 'proxy run');
  assert.ok(proxy.targets.length > 0, 'the Darktrace requests went through the proxy');
  expectCode(await cli('export --report (env settings)', ['export', '-c', envDir, '-v3', '-ll', logs, '--report', path.join(reports, 'env.json')], simEnv), 0, 'env export');
  expectCode(await cli('ingest (env settings, both env and file)', ['ingest', '-c', dir, '-v3', '--log-format', 'json'], simEnv), 0, 'env over file');

  // ---- doctor, cron.
  expectCode(await cli('doctor -v3', ['doctor', '-c', dir, '-v3'], fileEnv), 0, 'doctor');
  expectCode(await cli('doctor json -ep', ['doctor', '-c', envDir, '-v3', '--log-format', 'json', '--format', 'json', '-ep', proxyUrl], simEnv), 0, 'doctor json');
  expectCode(await cli('--cron', ['--cron', '0 */2 * * *', '--cron-dir', cronDir, '-c', dir, '-ll', logs, '-v3'], fileEnv), 0, 'cron');
  expectCode(await cli('--cron with -ep', ['--cron', '15 1 * * *', '--cron-dir', cronDir, '-n', 'with-proxy', '-c', envDir, '-ep', proxyUrl], simEnv), 0, 'cron with proxy');

  // ---- failure paths, each at debug level, text and JSON logs.
  const closed = await closedPort();
  // Unreachable hosts take seconds of retries: ingest with text logs, doctor (no retries) with JSON logs.
  const failures: Array<{ what: string; env: Record<string, string>; args: string[]; code: number; formats?: string[] }> = [
    { what: 'wrong ThreatQ password', env: { ...simEnv, TQ_PASSWORD: `${TQ_PASSWORD}x` }, args: ['ingest'], code: 3 },
    { what: 'wrong Darktrace private token', env: { ...simEnv, DARKTRACE_PRIVATE_TOKEN: `${DT_PRIVATE}Z` }, args: ['ingest'], code: 3 },
    { what: 'unreachable hosts', env: { ...simEnv, TQ_HOST: `https://127.0.0.1:${closed}`, DARKTRACE_HOST: `https://127.0.0.1:${closed}`, TQ_TIMEOUT_SECONDS: '2', DARKTRACE_TIMEOUT_SECONDS: '2' }, args: ['ingest'], code: 5, formats: ['text'] },
    { what: 'unreachable hosts, doctor', env: { ...simEnv, TQ_HOST: `https://127.0.0.1:${closed}`, DARKTRACE_HOST: `https://127.0.0.1:${closed}` }, args: ['doctor'], code: 5, formats: ['json'] },
    { what: 'TLS failure (no CA files)', env: { ...publicEnv, TQ_PASSWORD, DARKTRACE_PRIVATE_TOKEN: DT_PRIVATE, TQ_CA_FILE: '', DARKTRACE_CA_FILE: '' }, args: ['run'], code: 5 },
    { what: 'proxy refusing the credentials', env: simEnv, args: ['ingest', '-ep', proxy.url(PROXY_USER, `${PROXY_PASSWORD}-wrong`)], code: 3 },
    { what: 'malformed proxy URL', env: simEnv, args: ['ingest', '-ep', `http://${PROXY_USER}:${PROXY_PASSWORD}@`], code: 2 },
  ];
  const failDirs: string[] = [];
  for (const f of failures) {
    for (const format of f.formats ?? ['text', 'json']) {
      // A fresh directory each: no cached token lets a wrong password pass unnoticed.
      const failDir = path.join(root, `failure-${failDirs.length}`);
      mkdirSync(failDir, { mode: 0o700 });
      failDirs.push(failDir);
      const r = await cli(`${f.what} (${format})`, [...f.args, '-c', failDir, '-v3', '--log-format', format, ...(format === 'json' ? ['-ll', logs] : [])], f.env);
      assert.ok(r.code === f.code || (f.what.startsWith('proxy') && r.code === 5), `${f.what}: exit ${r.code}, expected ${f.code}: ${r.stderr.slice(-1500)}`);
    }
  }
  const doctorWrong = await cli('doctor, wrong secrets', ['doctor', '-c', failDirs[0]!, '-v3'], { ...simEnv, TQ_PASSWORD: `${TQ_PASSWORD}x`, DARKTRACE_PRIVATE_TOKEN: `${DT_PRIVATE}Z` });
  assert.equal(doctorWrong.code, 3, doctorWrong.stderr);

  // ---- history: every query in every format, over both databases.
  const alertId = String([...sims.darktrace.sim.store.breaches.keys()][0]);
  const state = openStateDb({ path: stateDbPath(dir, NAME) });
  const indicator = (state.sqlite.prepare('SELECT value FROM export_ledger LIMIT 1').get() as { value: string }).value;
  const lastRun = (state.sqlite.prepare('SELECT max(id) AS id FROM runs').get() as { id: number }).id;
  state.close();
  for (const d of [dir, envDir]) {
    for (const format of ['table', 'json', 'csv']) {
      for (const q of [[], ['run', '1'], ['run', String(lastRun)], ['alert', alertId], ['indicator', indicator], ['skipped'], ['last-success'], ['--status', 'failed']]) {
        const r = await cli(`history ${q.join(' ')} --format ${format} (${path.basename(d)})`, ['history', ...q, '--format', format, '-c', d, '--limit', '500'], {});
        // The environment-only directory saw exports only: its alert and run look-ups may find nothing (exit 2).
        assert.ok(r.code === 0 || (d === envDir && r.code === 2), `history ${q.join(' ')}: ${r.stderr}`);
      }
    }
  }

  // ---- the tokens the runs obtained are secrets too (allowed only in the token cache).
  const tokens: string[] = [];
  for (const d of [dir, envDir]) {
    const s = openStateDb({ path: stateDbPath(d, NAME) });
    for (const row of s.sqlite.prepare('SELECT access_token, refresh_token FROM token_cache').all() as Array<{ access_token: string; refresh_token: string }>) {
      tokens.push(row.access_token, row.refresh_token);
    }
    s.close();
  }
  assert.ok(tokens.filter(Boolean).length >= 2, 'the runs cached ThreatQ tokens');
  const credentials = [...forms(TQ_PASSWORD), ...forms(DT_PRIVATE), ...forms(PROXY_PASSWORD), Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')];
  const everything = [...credentials, ...tokens.filter((x) => x.length >= 8).flatMap(forms)];

  // ---- files: modes, the databases table by table, everything else byte for byte.
  const dbFiles: string[] = [];
  for (const d of [dir, envDir, logs, cronDir, reports, ...failDirs]) {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      const mode = statSync(file).mode & 0o777;
      if (/\.(db|db-wal|db-shm)$/.test(name)) {
        dbFiles.push(file);
        assert.equal(mode, 0o600, `${file} is 0600`);
        continue;
      }
      if (file === configFile) {
        assert.equal(mode, 0o600, 'the config file is 0600');
        continue;
      }
      if (d === reports) assert.equal(mode, 0o600, `the --report file ${name} is 0600`);
      outputs.push({ where: `file ${file}`, text: readFileSync(file, 'latin1') });
    }
  }
  assert.ok(existsSync(path.join(cronDir, NAME)) && existsSync(path.join(logs, `${NAME}.log`)), 'the cron file and the log file were written');
  let dbTables = 0;
  for (const d of [dir, envDir, ...failDirs.filter((f) => existsSync(stateDbPath(f, NAME)))]) {
    const s = openStateDb({ path: stateDbPath(d, NAME) });
    try {
      const tables = (s.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
      assert.ok(tables.includes('runs') && tables.includes('token_cache'));
      for (const table of tables) {
        const rows = JSON.stringify(s.sqlite.prepare(`SELECT * FROM "${table}"`).all());
        dbTables++;
        // The token cache holds tokens and nothing else secret; every other table holds no secret at all.
        outputs.push({ where: `${d} table ${table}`, text: rows });
        if (table === 'token_cache') outputs[outputs.length - 1]!.where += ' (tokens allowed)';
      }
    } finally {
      s.close();
    }
  }
  for (const file of dbFiles) if (existsSync(file)) outputs.push({ where: `raw bytes of ${file} (tokens allowed)`, text: readFileSync(file, 'latin1') });

  // ---- search.
  const hits: string[] = [];
  for (const o of outputs) {
    const needles = o.where.endsWith('(tokens allowed)') ? credentials : everything;
    for (const n of needles) if (o.text.includes(n)) hits.push(`${o.where}: contains ${JSON.stringify(n)}`);
  }
  tally('secrets canary', { runs, inputsTried: outputs.length, secretHits: hits.length });
  assert.deepEqual(hits, [], `secrets leaked:\n${hits.join('\n')}`);
  // The search is meaningful: debug logs and history did reach the places searched.
  const all = outputs.map((o) => o.text).join('\n');
  assert.match(all, /http\.request|"event":"http/, 'debug logs were captured');
  assert.ok(all.includes(`${PROXY_USER}:[REDACTED]@`) || all.includes('[REDACTED]'), 'redaction markers appear where secrets were');
  assert.ok(dbTables >= 20 && outputs.length > 200, `searched ${outputs.length} outputs, ${dbTables} tables`);
});
