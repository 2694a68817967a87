/**
 * Puts a simulator's request listener on 127.0.0.1 (ephemeral port), over HTTPS with a fresh
 * self-signed certificate by default, with fault injection in front of it and a request log
 * behind it. close() also ends connections that are hanging or dribbling, so no test hangs.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Redactor } from '../../log/redactor.ts';
import { applyFault } from './applyFault.ts';
import { FaultRules } from './faults.ts';
import type { FaultKind, FaultRule, FiredFault } from './faults.ts';
import { createSelfSignedCert } from './selfSignedCert.ts';

export type SimHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface RequestLogEntry {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without '?', values of secret-looking parameters replaced by [REDACTED]. */
  query: string;
  /** 0 until the answer finished, and when no status line was sent (hung, reset). */
  status: number;
  /** Milliseconds from arrival until the response finished or the connection closed (0 until then). */
  ms: number;
  /** Arrival, in `performance.now()` time: comparable across the simulators of one process. */
  startedAt: number;
  fault?: FaultKind;
  /** lostResponse/heldResponse: true once the real handler finished (its write took effect) and its answer was swallowed. */
  swallowed?: boolean;
}

export interface SimServerOptions {
  /** Used in error messages and as the certificate's common name. */
  name: string;
  /** HTTPS with a self-signed certificate (default) or plain HTTP. */
  tls?: boolean;
}

export interface FaultControl {
  /** Appends a rule; rules are evaluated in the order added and consumed as they fire. */
  add(rule: FaultRule): void;
  /** Drops the rules not yet consumed (the fired() history stays). */
  clear(): void;
  /** Faults fired so far, oldest first. */
  fired(): FiredFault[];
}

export interface SimServer {
  name: string;
  /** Base URL without a trailing slash, e.g. https://127.0.0.1:41234 */
  url: string;
  port: number;
  /** The certificate to trust (pass as `ca`); absent over plain HTTP. */
  caPem?: string;
  faults: FaultControl;
  /** Every request, oldest first; entries are updated in place when the answer finishes. */
  requests: RequestLogEntry[];
  close(): Promise<void>;
}

export async function startSimServer(handler: SimHandler, options: SimServerOptions): Promise<SimServer> {
  const tls = options.tls ?? true;
  const rules = new FaultRules();
  const requests: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const openResponses = new Set<ServerResponse>();
  const redactor = new Redactor();

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const [path = '/', query = ''] = splitTarget(target);
    const entry: RequestLogEntry = { method, path, query: redactQuery(query, redactor), status: 0, ms: 0, startedAt: started };
    requests.push(entry);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      entry.ms = performance.now() - started;
      if (res.headersSent) entry.status = res.statusCode;
    };
    res.on('finish', settle);
    openResponses.add(res);
    res.on('close', () => {
      settle();
      openResponses.delete(res);
    });

    const runHandler = () => runSafely(handler, req, res, options.name);
    const fault = rules.take(method, target);
    if (!fault) {
      runHandler();
      return;
    }
    entry.fault = fault.kind;
    applyFault(fault, {
      req,
      res,
      runHandler,
      track: (timer) => {
        timers.add(timer);
        timer.unref();
      },
      swallowed: () => {
        entry.swallowed = true;
      },
    });
  };

  let caPem: string | undefined;
  let server: http.Server | https.Server;
  if (tls) {
    const { cert, key } = createSelfSignedCert({ commonName: options.name.replace(/[^\w.-]/g, '-') || 'localhost' });
    caPem = cert;
    server = https.createServer({ cert, key }, listener);
  } else {
    server = http.createServer(listener);
  }
  // Long enough for clients to reuse connections (undici drops any socket whose advertised
  // keep-alive is under its 2 s threshold, so 1 s meant a TLS handshake per request); close()
  // ends idle connections itself.
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    name: options.name,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    ...(caPem === undefined ? {} : { caPem }),
    faults: {
      add: (rule) => rules.add(rule),
      clear: () => rules.clear(),
      fired: () => rules.fired(),
    },
    requests,
    close() {
      closing ??= (async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Wait for each response's own 'close' too, so the request log is final on return.
        const responses = [...openResponses].map((res) => once(res, 'close').then(() => undefined));
        server.closeAllConnections(); // hanging and dribbling requests included
        await Promise.all([closed, ...responses]);
      })();
      return closing;
    },
  };
}

function splitTarget(target: string): [string, string] {
  const q = target.indexOf('?');
  return q === -1 ? [target, ''] : [target.slice(0, q), target.slice(q + 1)];
}

/** Keeps the query readable for assertions while dropping values like access_token=... */
function redactQuery(query: string, redactor: Redactor): string {
  if (!query) return '';
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      let key = pair.slice(0, eq);
      try {
        key = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // keep the raw key
      }
      return redactor.isSecretKey(key) ? `${pair.slice(0, eq)}=[REDACTED]` : pair;
    })
    .join('&');
}

/** A handler that throws answers 500 (the test sees a server bug, not a hang). */
function runSafely(handler: SimHandler, req: IncomingMessage, res: ServerResponse, name: string): void {
  const fail = (error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: `${name} simulator failed: ${error instanceof Error ? error.message : String(error)}` });
    res.writeHead(500, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  };
  try {
    const result = handler(req, res);
    if (result && typeof result.then === 'function') result.then(undefined, fail);
  } catch (error) {
    fail(error);
  }
}
