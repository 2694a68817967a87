import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTransport, type TransportOptions } from '../../src/http/createTransport.ts';
import { RequestStats } from '../../src/http/requestStats.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/http/retryPolicy.ts';
import type { HttpTransport } from '../../src/http/types.ts';
import { EXIT } from '../../src/errors.ts';
import { captureLogger, caught, recordingSleep, startServer } from './helpers.ts';

/** A transport whose waits return at once and whose jitter is fixed at half the backoff. */
function fastTransport(t: import('node:test').TestContext, extra: Partial<TransportOptions> = {}) {
  const logger = captureLogger();
  const sleep = recordingSleep();
  const stats = new RequestStats();
  const transport = createTransport({
    name: 'darktrace',
    logger,
    sleep,
    stats,
    random: () => 0.5,
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 },
    ...extra,
  });
  t.after(() => transport.close());
  return { transport, logger, sleep, stats };
}

test('a GET answered 502 then 200 succeeds after one retry, with a warning', async (t) => {
  const srv = await startServer(t, (_req, res, n) => {
    res.writeHead(n === 1 ? 502 : 200, { 'content-type': 'application/json' });
    res.end(n === 1 ? 'bad gateway' : '{"ok":true}');
  });
  const { transport, logger, sleep, stats } = fastTransport(t);
  const res = await transport.send({ method: 'GET', url: `${srv.origin}/modelbreaches`, operation: 'darktrace.modelbreaches' });
  assert.equal(res.status, 200);
  assert.equal(res.body.toString(), '{"ok":true}');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.equal(srv.requests.length, 2);
  assert.deepEqual(sleep.waits, [250]);
  const warns = logger.at('warn');
  assert.equal(warns.length, 1);
  assert.equal(warns[0]?.event, 'http.retry');
  assert.match(warns[0]?.message ?? '', /HTTP 502.*attempt 2 of 3 in 250 ms/);
  assert.deepEqual(stats.snapshot()['darktrace.modelbreaches'], {
    calls: 1,
    requests: 2,
    retries: 1,
    failures: 0,
    bytesIn: 'bad gateway'.length + '{"ok":true}'.length,
    bytesOut: 0,
    totalMs: stats.snapshot()['darktrace.modelbreaches']?.totalMs,
  });
  const debug = logger.at('debug').filter((e) => e.event === 'http.request');
  assert.deepEqual(
    debug.map((e) => [e.fields.method, e.fields.status]),
    [
      ['GET', 502],
      ['GET', 200],
    ],
  );
});

test('a POST answered 502 is returned as is, unless the client marks it idempotent', async (t) => {
  const srv = await startServer(t, (_req, res) => {
    res.writeHead(502);
    res.end();
  });
  const { transport } = fastTransport(t);
  const once = await transport.send({ method: 'POST', url: `${srv.origin}/intelfeed`, body: 'addlist=a.example' });
  assert.equal(once.status, 502);
  assert.equal(srv.requests.length, 1);
  const again = await transport.send({ method: 'POST', url: `${srv.origin}/intelfeed`, body: 'addlist=a.example', idempotent: true });
  assert.equal(again.status, 502);
  assert.equal(srv.requests.length, 1 + 3);
});

test('a POST answered 429 is retried after the Retry-After the server asked for', async (t) => {
  const srv = await startServer(t, (_req, res, n) => {
    if (n === 1) {
      res.writeHead(429, { 'retry-after': '3' });
      res.end();
    } else {
      res.writeHead(201);
      res.end('created');
    }
  });
  const { transport, sleep } = fastTransport(t);
  const res = await transport.send({ method: 'POST', url: `${srv.origin}/api/events`, body: '{}' });
  assert.equal(res.status, 201);
  assert.equal(srv.requests.length, 2);
  assert.deepEqual(sleep.waits, [3000]);
});

test('when every attempt gets 503 the last 503 is returned to the client', async (t) => {
  const srv = await startServer(t, (_req, res, n) => {
    res.writeHead(503);
    res.end(`busy ${n}`);
  });
  const { transport, sleep, stats } = fastTransport(t);
  const res = await transport.send({ method: 'GET', url: `${srv.origin}/status`, operation: 'dt.status' });
  assert.equal(res.status, 503);
  assert.equal(res.body.toString(), 'busy 3');
  assert.equal(srv.requests.length, 3);
  assert.deepEqual(sleep.waits, [250, 500]);
  assert.equal(stats.snapshot()['dt.status']?.failures, 1);
});

test('connection resets are retried, then reported as E_HTTP_NETWORK naming the host', async (t) => {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const { transport, logger } = fastTransport(t, { name: 'threatq' });
  const err = await caught(() => transport.send({ method: 'GET', url: `http://127.0.0.1:${port}/api/events` }));
  assert.equal(err.code, 'E_HTTP_NETWORK');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.match(err.message, new RegExp(`^Cannot reach ThreatQ at http://127\\.0\\.0\\.1:${port}: connection reset by the server \\(ECONNRESET\\) after 3 attempts$`));
  assert.match(err.hint ?? '', /ThreatQ host setting/);
  assert.equal(connections, 3);
  assert.equal(logger.at('warn').length, 2);
});

test('a refused connection is retried even for a POST: nothing reached the server', async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const { transport, sleep } = fastTransport(t);
  const err = await caught(() => transport.send({ method: 'POST', url: `http://127.0.0.1:${port}/intelfeed`, body: 'x=1' }));
  assert.equal(err.code, 'E_HTTP_NETWORK');
  assert.match(err.message, /connection refused/);
  assert.equal(sleep.waits.length, 2);
});

test('a server that never answers fails with E_HTTP_TIMEOUT after the configured wait', async (t) => {
  const srv = await startServer(t, () => {
    /* never answers */
  });
  const { transport } = fastTransport(t, { timeouts: { headersMs: 150 }, retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 } });
  const started = Date.now();
  const err = await caught(() => transport.send({ method: 'GET', url: `${srv.origin}/modelbreaches?starttime=1` }));
  assert.equal(err.code, 'E_HTTP_TIMEOUT');
  assert.equal(err.exitCode, EXIT.unavailable);
  assert.match(err.message, new RegExp(`^Darktrace at ${srv.origin} did not answer GET ${srv.origin}/modelbreaches\\?starttime=1: .*0.15 s, UND_ERR_HEADERS_TIMEOUT\\) after 2 attempts$`));
  assert.match(err.hint ?? '', /raise the Darktrace timeout setting/);
  assert.equal(srv.requests.length, 2);
  assert.ok(Date.now() - started < 5000);
});

test('redirects are returned, never followed', async (t) => {
  const srv = await startServer(t, (req, res) => {
    if (req.url === '/old') {
      res.writeHead(302, { location: '/new' });
      res.end();
    } else {
      res.writeHead(200);
      res.end('followed');
    }
  });
  const { transport } = fastTransport(t);
  const res = await transport.send({ method: 'GET', url: `${srv.origin}/old` });
  assert.equal(res.status, 302);
  assert.equal(res.headers.location, '/new');
  assert.deepEqual(
    srv.requests.map((r) => r.url),
    ['/old'],
  );
});

test('prepare runs before every attempt and its headers are what the server receives', async (t) => {
  const srv = await startServer(t, (_req, res, n) => {
    res.writeHead(n < 3 ? 500 : 200);
    res.end();
  });
  const { transport } = fastTransport(t);
  const seen: number[] = [];
  const res = await transport.send({
    method: 'GET',
    url: `${srv.origin}/devices`,
    prepare: (req, attempt) => {
      seen.push(attempt);
      return { ...req, headers: { 'DTAPI-Date': `date-${attempt}` } };
    },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(
    srv.requests.map((r) => r.headers['dtapi-date']),
    ['date-1', 'date-2', 'date-3'],
  );
});

test('path, query and body are sent byte-for-byte (Darktrace signs them)', async (t) => {
  let body = '';
  const srv = await startServer(t, (req, res) => {
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(200);
      res.end();
    });
  });
  const { transport } = fastTransport(t);
  const pathAndQuery = "/intelfeed?source=ThreatQ&fulldetails=true&x=%2f%2F&y='a'(b)*:c!";
  await transport.send({ method: 'POST', url: `${srv.origin}${pathAndQuery}`, body: 'addlist=a.example,b.example&expiry=2026' });
  await transport.send({ method: 'GET', url: `${srv.origin}?a=1` });
  assert.deepEqual(
    srv.requests.map((r) => r.url),
    [pathAndQuery, '/?a=1'],
  );
  assert.equal(body, 'addlist=a.example,b.example&expiry=2026');
});

test('logged URLs hide token and password query values', async (t) => {
  const srv = await startServer(t, (_req, res) => {
    res.writeHead(200);
    res.end();
  });
  const { transport, logger } = fastTransport(t, { name: 'threatq' });
  await transport.send({ method: 'GET', url: `${srv.origin}/api/token?refresh_token=CANARY-refresh-0d1f&password=CANARY-pw-77&x=1` });
  const dump = logger.dump();
  assert.doesNotMatch(dump, /CANARY/);
  assert.match(dump, /refresh_token=\[REDACTED\]&password=\[REDACTED\]&x=1/);
});

test('stream() retries before the body starts, then hands over the body as a stream', async (t) => {
  const chunk = 'x'.repeat(64 * 1024);
  const srv = await startServer(t, (_req, res, n) => {
    if (n === 1) {
      res.writeHead(503, { 'retry-after': '1' });
      res.end('busy');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const more = () => {
      while (sent < 32) {
        sent++;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  const { transport, sleep, stats } = fastTransport(t);
  const res = await transport.stream({ method: 'GET', url: `${srv.origin}/intelfeed?fulldetails=true`, operation: 'dt.intelfeed' });
  assert.equal(res.status, 200);
  let bytes = 0;
  for await (const c of res.body) bytes += (c as Buffer).length;
  assert.equal(bytes, 32 * chunk.length);
  assert.deepEqual(sleep.waits, [1000]);
  assert.equal(srv.requests.length, 2);
  assert.equal(stats.snapshot()['dt.intelfeed']?.bytesIn, 4 + bytes);
});

test('a stream that stalls mid-body fails with E_HTTP_TIMEOUT and is not retried', async (t) => {
  const srv = await startServer(t, (_req, res) => {
    res.writeHead(200);
    res.write('partial');
  });
  const { transport } = fastTransport(t, { timeouts: { bodyMs: 150 } });
  const res = await transport.stream({ method: 'GET', url: `${srv.origin}/intelfeed` });
  const err = await caught(async () => {
    for await (const _ of res.body) {
      /* drain */
    }
  });
  assert.equal(err.code, 'E_HTTP_TIMEOUT');
  assert.match(err.message, /UND_ERR_BODY_TIMEOUT/);
  assert.equal(srv.requests.length, 1);
});

test('an unreadable CA file is a configuration error naming the path', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'h2-ca-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const missing = path.join(dir, 'missing.pem');
  assert.throws(() => createTransport({ name: 'darktrace', tls: { caFile: missing } }), (err: Error & { code?: string; exitCode?: number }) => {
    assert.equal(err.code, 'E_CONFIG_CA_FILE');
    assert.equal(err.exitCode, EXIT.usage);
    assert.equal(err.message, `Cannot read the CA file '${missing}': ENOENT`);
    return true;
  });
  const notPem = path.join(dir, 'ca.der');
  writeFileSync(notPem, Buffer.from([0x30, 0x82, 0x01]));
  assert.throws(() => createTransport({ name: 'darktrace', tls: { caFile: notPem } }), /holds no PEM certificate/);
});

test('close() does not hang on a stream nobody read', async (t) => {
  const srv = await startServer(t, (_req, res) => {
    res.writeHead(200);
    res.write('start');
  });
  const transport: HttpTransport = createTransport({ name: 'darktrace' });
  await transport.stream({ method: 'GET', url: `${srv.origin}/x` });
  const started = Date.now();
  await transport.close();
  assert.ok(Date.now() - started < 4000);
});

test('a GET whose body is cut off mid-way is retried and the complete body returned', async (t) => {
  const srv = await startServer(t, (_req, res, n) => {
    res.writeHead(200, { 'content-length': '10' });
    if (n === 1) {
      res.write('01234');
      setTimeout(() => res.socket?.destroy(), 20);
    } else {
      res.end('0123456789');
    }
  });
  const { transport, logger } = fastTransport(t);
  const res = await transport.send({ method: 'GET', url: `${srv.origin}/aianalyst/incidentevents` });
  assert.equal(res.body.toString(), '0123456789');
  assert.equal(srv.requests.length, 2);
  assert.match(logger.at('warn')[0]?.message ?? '', /UND_ERR_SOCKET/);
});
