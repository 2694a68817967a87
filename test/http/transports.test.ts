import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTransports, type TransportSettings } from '../../src/http/createTransports.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/http/retryPolicy.ts';
import { RequestStats } from '../../src/http/requestStats.ts';
import { createSelfSignedCert } from '../../src/sim/common/selfSignedCert.ts';
import { captureLogger, caught, recordingSleep, startServer } from './helpers.ts';

function build(t: TestContext, settings: TransportSettings) {
  const logger = captureLogger();
  const stats = new RequestStats();
  const transports = createTransports(settings, { logger, stats, sleep: recordingSleep(), retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 } });
  t.after(() => transports.close());
  return { ...transports, logger, stats };
}

test('each side uses its own CA file: trusting the Darktrace appliance does not trust it for ThreatQ', async (t) => {
  const pair = createSelfSignedCert();
  const srv = await startServer(t, (_req, res) => res.end('ok'), pair);
  const dir = mkdtempSync(path.join(tmpdir(), 'h2-sides-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = path.join(dir, 'dt.pem');
  writeFileSync(caFile, pair.cert);
  const { darktrace, threatq } = build(t, { darktrace: { caFile }, threatq: {} });
  assert.equal((await darktrace.send({ method: 'GET', url: `${srv.origin}/` })).status, 200);
  const err = await caught(() => threatq.send({ method: 'GET', url: `${srv.origin}/` }));
  assert.equal(err.code, 'E_HTTP_TLS');
  assert.match(err.message, /^Cannot verify the TLS certificate of ThreatQ/);
  assert.match(err.hint ?? '', /threatq\.caFile/);
});

test('-ds (verifyTls false) applies to both sides, with one warning each', async (t) => {
  const srv = await startServer(t, (_req, res) => res.end('ok'), createSelfSignedCert());
  const { darktrace, threatq, logger } = build(t, { darktrace: {}, threatq: {}, verifyTls: false });
  assert.equal((await darktrace.send({ method: 'GET', url: `${srv.origin}/` })).status, 200);
  assert.equal((await threatq.send({ method: 'GET', url: `${srv.origin}/` })).status, 200);
  assert.deepEqual(
    logger.at('warn').map((e) => [e.event, e.fields.transport]),
    [
      ['http.tls_unverified', 'darktrace'],
      ['http.tls_unverified', 'threatq'],
    ],
  );
});

test('timeoutSeconds of a side bounds how long that side may take to answer', async (t) => {
  const srv = await startServer(t, () => {
    /* never answers */
  });
  const { threatq, stats } = build(t, { darktrace: {}, threatq: { timeoutSeconds: 0.2 } });
  const err = await caught(() => threatq.send({ method: 'GET', url: `${srv.origin}/api/events`, operation: 'threatq.events' }));
  assert.equal(err.code, 'E_HTTP_TIMEOUT');
  assert.match(err.message, /\(0\.2 s, UND_ERR_HEADERS_TIMEOUT\) after 1 attempt$/);
  assert.match(err.hint ?? '', /threatq\.timeoutSeconds/);
  assert.equal(stats.snapshot()['threatq.events']?.failures, 1);
});
