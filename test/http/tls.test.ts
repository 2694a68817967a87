import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTransport, type TransportOptions } from '../../src/http/createTransport.ts';
import { EXIT } from '../../src/errors.ts';
import { createSelfSignedCert } from '../../src/sim/common/selfSignedCert.ts';
import { captureLogger, caught, recordingSleep, startServer } from './helpers.ts';

async function selfSignedServer(t: TestContext, hosts?: string[]) {
  const pair = createSelfSignedCert(hosts ? { hosts } : {});
  let connections = 0;
  const srv = await startServer(
    t,
    (_req, res) => {
      res.writeHead(200);
      res.end('secure');
    },
    pair,
  );
  srv.server.on('connection', () => connections++);
  const dir = mkdtempSync(path.join(tmpdir(), 'h2-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = path.join(dir, 'appliance.pem');
  writeFileSync(caFile, pair.cert);
  return { ...srv, caFile, connections: () => connections };
}

function transport(t: TestContext, options: Partial<TransportOptions> = {}) {
  const logger = captureLogger();
  const sleep = recordingSleep();
  const tr = createTransport({ name: 'darktrace', logger, sleep, ...options });
  t.after(() => tr.close());
  return { tr, logger, sleep };
}

test('a self-signed appliance is rejected by default with E_HTTP_TLS naming the host and the fixes', async (t) => {
  const srv = await selfSignedServer(t);
  const { tr, sleep } = transport(t);
  const err = await caught(() => tr.send({ method: 'GET', url: `${srv.origin}/status` }));
  assert.equal(err.code, 'E_HTTP_TLS');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.equal(
    err.message,
    `Cannot verify the TLS certificate of Darktrace at ${srv.origin}: the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)`,
  );
  assert.match(err.hint ?? '', /Darktrace CA file setting/);
  assert.match(err.hint ?? '', /-ds/);
  assert.deepEqual(sleep.waits, [], 'a certificate problem is not retried');
  assert.equal(srv.requests.length, 0);
  assert.equal(srv.connections(), 1, 'one connection: the handshake failure was not retried');
});

test('the same appliance is accepted once its certificate is given as the CA file', async (t) => {
  const srv = await selfSignedServer(t);
  const { tr, logger } = transport(t, { tls: { caFile: srv.caFile } });
  const res = await tr.send({ method: 'GET', url: `${srv.origin}/status` });
  assert.equal(res.status, 200);
  assert.equal(res.body.toString(), 'secure');
  assert.equal(logger.at('warn').length, 0);
});

test('trusting one appliance certificate does not make any other self-signed server trusted', async (t) => {
  const trusted = await selfSignedServer(t);
  const other = await selfSignedServer(t);
  const { tr } = transport(t, { tls: { caFile: trusted.caFile } });
  assert.equal((await tr.send({ method: 'GET', url: `${trusted.origin}/` })).status, 200);
  const err = await caught(() => tr.send({ method: 'GET', url: `${other.origin}/` }));
  assert.equal(err.code, 'E_HTTP_TLS');
});

test('verify:false accepts the self-signed appliance and logs exactly one warning', async (t) => {
  const srv = await selfSignedServer(t);
  const { tr, logger } = transport(t, { tls: { verify: false } });
  for (let i = 0; i < 3; i++) {
    assert.equal((await tr.send({ method: 'GET', url: `${srv.origin}/status` })).status, 200);
  }
  const warns = logger.at('warn');
  assert.equal(warns.length, 1);
  assert.equal(warns[0]?.event, 'http.tls_unverified');
  assert.match(warns[0]?.message ?? '', /verification is disabled for Darktrace/);
});

test('a certificate for another host name is rejected as a hostname mismatch', async (t) => {
  const srv = await selfSignedServer(t, ['appliance.example']);
  const { tr } = transport(t, { tls: { caFile: srv.caFile } });
  const err = await caught(() => tr.send({ method: 'GET', url: `${srv.origin}/status` }));
  assert.equal(err.code, 'E_HTTP_TLS');
  assert.match(err.message, /hostname mismatch: the certificate was issued for a different host name \(ERR_TLS_CERT_ALTNAME_INVALID\)$/);
  assert.match(err.hint ?? '', /host name the certificate was issued for/);
});

test('https:// to a plain-HTTP port is explained, not reported as a certificate problem', async (t) => {
  const plain = await startServer(t, (_req, res) => res.end());
  const { tr } = transport(t);
  const err = await caught(() => tr.send({ method: 'GET', url: `https://127.0.0.1:${plain.port}/` }));
  assert.equal(err.code, 'E_HTTP_TLS');
  assert.match(err.message, /did not answer with TLS/);
});
