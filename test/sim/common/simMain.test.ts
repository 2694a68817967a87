/** `npm run sim` as a user runs it: spawn, read the JSON line, use both APIs, stop with SIGTERM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawRequest } from './rawRequest.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface SimDoc {
  darktrace: { url: string; publicToken: string; privateToken: string; caFile: string | null };
  threatq: { url: string; clientId: string; email: string; password: string; caFile: string | null };
}

function startMain(args: string[]): { child: ChildProcess; doc: Promise<SimDoc>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const doc = new Promise<SimDoc>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve(JSON.parse(out.slice(0, nl)) as SimDoc);
    });
    child.on('exit', (code) => reject(new Error(`sim exited early with ${code}: ${err}`)));
  });
  return { child, doc, stderr: () => err };
}

function darktraceHeaders(target: string, publicToken: string, privateToken: string): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15); // compact: 20231114T230000
  const signature = createHmac('sha1', privateToken).update(`${target}\n${publicToken}\n${date}`).digest('hex');
  return { 'DTAPI-Token': publicToken, 'DTAPI-Date': date, 'DTAPI-Signature': signature };
}

test('npm run sim prints URLs, credentials and CA files, serves both APIs over trusted HTTPS, and stops on SIGTERM', async (t) => {
  const { child, doc: docPromise, stderr } = startMain(['--seed', '3', '--breaches', '2', '--events', '1', '--devices', '2', '--indicators', '3']);
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const doc = await docPromise;

  assert.match(doc.darktrace.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(doc.threatq.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  for (const field of ['publicToken', 'privateToken'] as const) assert.ok(doc.darktrace[field]);
  for (const field of ['clientId', 'email', 'password'] as const) assert.ok(doc.threatq[field]);
  const dtCa = readFileSync(doc.darktrace.caFile!, 'utf8');
  const tqCa = readFileSync(doc.threatq.caFile!, 'utf8');

  const { publicToken, privateToken } = doc.darktrace;
  const status = await rawRequest(`${doc.darktrace.url}/status`, { ca: dtCa, headers: darktraceHeaders('/status', publicToken, privateToken) });
  assert.equal(status.status, 200, status.body);

  const token = await rawRequest(`${doc.threatq.url}/api/token`, {
    ca: tqCa,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', email: doc.threatq.email, password: doc.threatq.password, client_id: doc.threatq.clientId }),
  });
  assert.equal(token.status, 200, token.body);
  assert.ok((JSON.parse(token.body) as { access_token?: string }).access_token);

  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr());
  assert.equal(existsSync(path.dirname(doc.darktrace.caFile!)), false, 'the temporary CA directory is removed');
});

test('--http serves plain HTTP with no CA files; a bad flag exits 2 with usage', async (t) => {
  const { child, doc: docPromise } = startMain(['--http', '--breaches', '0', '--events', '0', '--devices', '0', '--indicators', '0']);
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const doc = await docPromise;
  assert.match(doc.darktrace.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(doc.threatq.caFile, null);
  const answer = await rawRequest(`${doc.threatq.url}/api/token`, { method: 'POST' });
  assert.ok(answer.status >= 200, 'got an HTTP answer');
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);

  const bad = spawn(process.execPath, ['--import', 'tsx', 'src/sim/main.ts', '--breaches', 'many'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  bad.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const [badCode] = (await once(bad, 'exit')) as [number | null];
  assert.equal(badCode, 2);
  assert.match(err, /--breaches must be a whole number >= 0, got "many"/);
  assert.match(err, /Usage: npm run sim/);
});
