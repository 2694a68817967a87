import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { Fields, Logger, LogEntry, LogLevel } from '../../src/log/entry.ts';

export interface TestServer {
  /** `http(s)://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Requests the handler has seen (method, raw url, headers). */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  server: http.Server;
}

/**
 * A loopback HTTP(S) server on an ephemeral port, closed when the test ends (open sockets
 * included, so a hanging handler cannot keep the test alive).
 */
export async function startServer(
  t: TestContext,
  handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void,
  tls?: { cert: string; key: string },
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, requests.length);
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as AddressInfo).port;
  return { origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, requests, server };
}

export interface CapturedLogger extends Logger {
  entries: LogEntry[];
  at(level: LogLevel): LogEntry[];
  /** Everything logged, as one string, for "never appears" checks. */
  dump(): string;
}

/** Records entries as given — no redaction — so a test sees exactly what the transport logged. */
export function captureLogger(): CapturedLogger {
  const entries: LogEntry[] = [];
  const make = (base: Fields): Logger => {
    const log = (level: LogLevel) => (event: string, message: string, fields: Fields = {}) => {
      entries.push({ time: 0, level, event, message, fields: { ...base, ...fields } });
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (f) => make({ ...base, ...f }) };
  };
  return Object.assign(make({}), {
    entries,
    at: (level: LogLevel) => entries.filter((e) => e.level === level),
    dump: () => JSON.stringify(entries),
  });
}

/** A sleep that returns at once and remembers what it was asked to wait. */
export function recordingSleep(): ((ms: number) => Promise<void>) & { waits: number[] } {
  const waits: number[] = [];
  const fn = async (ms: number) => {
    waits.push(ms);
  };
  return Object.assign(fn, { waits });
}

/** Calls `fn` and returns what it threw (fails the test when it does not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error & { code?: string; exitCode?: number; hint?: string }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string; exitCode?: number; hint?: string };
  }
  throw new Error('expected a rejection, but the call succeeded');
}
