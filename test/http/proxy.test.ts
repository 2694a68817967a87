import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTransports } from '../../src/http/createTransports.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/http/retryPolicy.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { createSelfSignedCert } from '../../src/sim/common/selfSignedCert.ts';
import { startConnectProxy } from '../helpers/connectProxy.ts';
import { captureLogger, caught, recordingSleep, startServer } from './helpers.ts';

// Canary credentials: if either string shows up in a log line or an error, the test fails.
const USER = 'canaryuser42';
const PASS = 'Canary-Pass-7f3a';

function okServer(t: TestContext, tls?: { cert: string; key: string }) {
  return startServer(
    t,
    (_req, res) => {
      res.writeHead(200);
      res.end('ok');
    },
    tls,
  );
}

test('with -ep, Darktrace requests go through the CONNECT proxy and ThreatQ requests never do', async (t) => {
  const proxy = await startConnectProxy(t, { user: USER, pass: PASS });
  const darktrace = await okServer(t);
  const threatq = await okServer(t);
  const logger = captureLogger();
  const transports = createTransports(
    { darktrace: {}, threatq: {}, externalProxy: `http://${USER}:${PASS}@127.0.0.1:${proxy.port}` },
    { logger, redactor: new Redactor(), sleep: recordingSleep() },
  );
  t.after(() => transports.close());

  const dt = await transports.darktrace.send({ method: 'GET', url: `${darktrace.origin}/status` });
  const tq = await transports.threatq.send({ method: 'GET', url: `${threatq.origin}/api/events` });
  assert.equal(dt.status, 200);
  assert.equal(tq.status, 200);
  assert.equal(darktrace.requests.length, 1);
  assert.equal(threatq.requests.length, 1);
  assert.deepEqual(proxy.log(), [`127.0.0.1:${darktrace.port} 200`]);
  const dump = logger.dump();
  assert.ok(!dump.includes(USER) && !dump.includes(PASS), 'proxy credentials reached the log');
  assert.match(dump, new RegExp(`through the proxy http://127\\.0\\.0\\.1:${proxy.port}`));
});

test('HTTPS to Darktrace is tunnelled through the proxy and still verified with the CA file', async (t) => {
  const proxy = await startConnectProxy(t);
  const pair = createSelfSignedCert();
  const darktrace = await okServer(t, pair);
  const dir = mkdtempSync(path.join(tmpdir(), 'h2-proxy-ca-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, pair.cert);

  const withCa = createTransports({ darktrace: { caFile }, threatq: {}, externalProxy: `http://127.0.0.1:${proxy.port}` });
  t.after(() => withCa.close());
  assert.equal((await withCa.darktrace.send({ method: 'GET', url: `${darktrace.origin}/status` })).status, 200);

  const withoutCa = createTransports(
    { darktrace: {}, threatq: {}, externalProxy: `http://127.0.0.1:${proxy.port}` },
    { sleep: recordingSleep() },
  );
  t.after(() => withoutCa.close());
  const err = await caught(() => withoutCa.darktrace.send({ method: 'GET', url: `${darktrace.origin}/status` }));
  assert.equal(err.code, 'E_HTTP_TLS');
  assert.match(err.message, /through the proxy/);
  assert.equal(darktrace.requests.length, 1);
  assert.deepEqual(proxy.log(), [`127.0.0.1:${darktrace.port} 200`, `127.0.0.1:${darktrace.port} 200`]);
});

test('a proxy that rejects the credentials gives E_HTTP_PROXY without revealing them', async (t) => {
  const proxy = await startConnectProxy(t, { user: 'someone', pass: 'else-entirely' });
  const darktrace = await okServer(t);
  const logger = captureLogger();
  const sleep = recordingSleep();
  const transports = createTransports(
    { darktrace: {}, threatq: {}, externalProxy: `http://${USER}:${PASS}@127.0.0.1:${proxy.port}` },
    { logger, sleep },
  );
  t.after(() => transports.close());
  const err = await caught(() => transports.darktrace.send({ method: 'GET', url: `${darktrace.origin}/status` }));
  assert.equal(err.code, 'E_HTTP_PROXY');
  assert.match(err.message, new RegExp(`proxy http://127\\.0\\.0\\.1:${proxy.port}: the proxy requires credentials.*407`));
  assert.match(err.hint ?? '', /-ep/);
  const everything = `${err.message}\n${err.hint}\n${err.stack}\n${logger.dump()}`;
  assert.ok(!everything.includes(USER) && !everything.includes(PASS), 'proxy credentials leaked');
  assert.deepEqual(sleep.waits, [], 'a refused proxy login must not be retried');
  assert.equal(darktrace.requests.length, 0);
});

test('an unreachable proxy is reported as such, without its credentials', async (t) => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const darktrace = await okServer(t);
  const logger = captureLogger();
  const transports = createTransports(
    { darktrace: {}, threatq: {}, externalProxy: `http://${USER}:${PASS}@127.0.0.1:${deadPort}` },
    { logger, sleep: recordingSleep(), retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 } },
  );
  t.after(() => transports.close());
  const err = await caught(() => transports.darktrace.send({ method: 'GET', url: `${darktrace.origin}/status` }));
  assert.equal(err.code, 'E_HTTP_NETWORK');
  assert.match(err.message, new RegExp(`through the proxy http://127\\.0\\.0\\.1:${deadPort}: connection refused`));
  assert.match(err.hint ?? '', /that the proxy .* is up/);
  const everything = `${err.message}\n${err.hint}\n${logger.dump()}`;
  assert.ok(!everything.includes(USER) && !everything.includes(PASS), 'proxy credentials leaked');
});

test('a proxy URL that is not http(s) is a usage error that does not echo the password', (t) => {
  const err = (() => {
    try {
      createTransports({ darktrace: {}, threatq: {}, externalProxy: `ftp://${USER}:${PASS}@127.0.0.1:21` });
    } catch (e) {
      return e as Error & { code?: string; exitCode?: number };
    }
    return undefined;
  })();
  t.diagnostic(err?.message ?? 'no error');
  assert.equal(err?.code, 'E_CONFIG_PROXY');
  assert.equal(err?.exitCode, 2);
  assert.ok(!err.message.includes(PASS) && !err.message.includes(USER));
});
