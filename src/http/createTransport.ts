import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Transform, type Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { ConnectorError, EXIT, UsageError } from '../errors.ts';
import type { Logger } from '../log/entry.ts';
import { nullLogger } from '../log/entry.ts';
import { Redactor } from '../log/redactor.ts';
import { classifyFailure, type Failure } from './classifyFailure.ts';
import { readCaFile } from './readCaFile.ts';
import { displayOrigin, redactUrl } from './redactUrl.ts';
import type { RequestStats } from './requestStats.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs, shouldRetry, validateRetryPolicy, type RetryPolicy } from './retryPolicy.ts';
import type { HttpRequest, HttpResponse, HttpStreamResponse, HttpTransport } from './types.ts';

export interface TransportTimeouts {
  /** Opening the TCP connection and finishing the TLS handshake (proxy tunnel included). */
  connectMs: number;
  /** From the request being sent to the response headers arriving: how long the server may think. */
  headersMs: number;
  /** Longest silence between two chunks of a response body. */
  bodyMs: number;
}

/** Generous: a busy Darktrace appliance can take minutes to assemble a large breach listing. */
export const DEFAULT_TIMEOUTS: Readonly<TransportTimeouts> = Object.freeze({ connectMs: 15_000, headersMs: 120_000, bodyMs: 300_000 });

export interface TransportOptions {
  /** 'darktrace' or 'threatq' (shown as "Darktrace"/"ThreatQ" in messages), or any label. */
  name: string;
  timeouts?: Partial<TransportTimeouts>;
  /** @default DEFAULT_RETRY_POLICY */
  retry?: RetryPolicy;
  tls?: {
    /** false = do not check the server certificate (-ds); logs one warning. @default true */
    verify?: boolean;
    /** PEM bundle trusted in addition to the system CAs (self-signed appliances). */
    caFile?: string | undefined;
  };
  /** HTTP(S) proxy reached with CONNECT; `http://user:password@host:port` allowed. */
  proxyUrl?: string | undefined;
  logger?: Logger;
  /** Also receives the proxy password, so it is removed from every later log line. */
  redactor?: Redactor;
  /** Waits between retries; tests pass a recorder that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) source for retry jitter. */
  random?: () => number;
  stats?: RequestStats;
  /** "now" for HTTP-date `Retry-After` values. */
  clock?: Clock;
  /** How messages name the settings to change, e.g. `darktrace.caFile`. */
  settingNames?: { caFile?: string; timeout?: string; host?: string };
}

const LABELS: Record<string, string> = { darktrace: 'Darktrace', threatq: 'ThreatQ' };

/**
 * Builds the HTTP layer one API client uses: an undici Agent (or a ProxyAgent tunnelling with
 * CONNECT when `proxyUrl` is set) with timeouts, TLS settings and the retry policy fixed here,
 * so the clients never see a dispatcher or a proxy. Redirects are never followed (a 3xx is
 * returned as a response), and no proxy environment variable is ever read: only `proxyUrl` counts.
 *
 * @throws ConnectorError E_CONFIG_CA_FILE (exit 2) when `tls.caFile` cannot be read
 * @throws UsageError E_CONFIG_PROXY when `proxyUrl` is not an http(s) URL
 */
export function createTransport(options: TransportOptions): HttpTransport {
  const label = LABELS[options.name] ?? options.name;
  const logger = (options.logger ?? nullLogger).child({ transport: options.name });
  const redactor = options.redactor ?? new Redactor();
  const policy = validateRetryPolicy(options.retry ?? DEFAULT_RETRY_POLICY);
  const timeouts = checkTimeouts({ ...DEFAULT_TIMEOUTS, ...definedOnly(options.timeouts ?? {}) });
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const random = options.random ?? Math.random;
  const clock = options.clock ?? systemClock;
  const stats = options.stats;
  const settings = {
    caFile: options.settingNames?.caFile ?? `the ${label} CA file setting`,
    timeout: options.settingNames?.timeout ?? `the ${label} timeout setting`,
    host: options.settingNames?.host ?? `the ${label} host setting`,
  };

  const verify = options.tls?.verify ?? true;
  const caFile = options.tls?.caFile;
  // Extra CAs are added to the system ones, so pointing at an internal CA never breaks public certs.
  const ca = caFile ? [...rootCertificates, readCaFile(caFile, settings.caFile)] : undefined;
  const tlsOptions = { ...trustOptions(ca), rejectUnauthorized: verify, timeout: timeouts.connectMs };

  const proxy = options.proxyUrl ? parseProxyUrl(options.proxyUrl, redactor) : undefined;
  const dispatcher: Dispatcher = proxy
    ? new ProxyAgent({
        uri: options.proxyUrl as string,
        requestTls: tlsOptions,
        proxyTls: tlsOptions,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      })
    : new Agent({ connect: tlsOptions, headersTimeout: timeouts.headersMs, bodyTimeout: timeouts.bodyMs });

  if (!verify) {
    logger.warn(
      'http.tls_unverified',
      `TLS certificate verification is disabled for ${label} (-ds): traffic is encrypted but the server's identity is not checked`,
      {},
    );
  }
  if (proxy) logger.debug('http.proxy', `${label} requests go through the proxy ${proxy}`, { proxy });

  // Streams handed out and not finished yet, so close() can end them quietly.
  const openStreams = new Set<Readable>();

  type Outcome<T> = { kind: 'done'; value: T } | { kind: 'retry'; afterMs: number; cause: string };

  async function run<T>(
    req: HttpRequest,
    finish: (res: Dispatcher.ResponseData, attempt: number, retrying: boolean) => Promise<{ value: T; bytesIn: number }>,
  ): Promise<T> {
    const operation = req.operation ?? `${options.name}.${req.method.toLowerCase()}`;
    stats?.add(operation, { calls: 1 });
    for (let attempt = 1; ; attempt++) {
      const prepared = req.prepare ? await req.prepare(req, attempt) : req;
      const logUrl = redactUrl(prepared.url, redactor);
      const { origin, path } = splitUrl(prepared.url, logUrl, label);
      const bytesOut = prepared.body === undefined ? 0 : Buffer.byteLength(prepared.body);
      stats?.add(operation, { requests: 1, retries: attempt > 1 ? 1 : 0, bytesOut });
      // `idempotent`: whether this request may be repeated after a failure that may have reached the server (why one was retried and another not).
      const fields = { operation, method: req.method, url: logUrl, attempt, idempotent: req.idempotent ?? policy.idempotentMethods.includes(req.method) };
      const started = performance.now();

      let outcome: Outcome<T>;
      try {
        // A pooled connection the server closed while this process was busy (parsing a big
        // answer) is only noticed when the event loop next polls: a request that must not be
        // repeated must not be the one to find out. Two turns of the loop let undici see it first.
        if (!fields.idempotent) await loopTurns(2);
        const res = await dispatcher.request({
          origin,
          path,
          method: prepared.method,
          headers: prepared.headers,
          body: prepared.body,
        });
        const status = res.statusCode;
        const retrying = shouldRetry(policy, { method: req.method, idempotent: req.idempotent, status, attempt });
        const { value, bytesIn } = await finish(res, attempt, retrying);
        const ms = performance.now() - started;
        stats?.add(operation, { totalMs: ms, bytesIn });
        logger.debug('http.request', `${req.method} ${logUrl} -> ${status} in ${Math.round(ms)} ms`, {
          ...fields,
          status,
          ms: Math.round(ms),
        });
        if (retrying) {
          const afterMs = retryDelayMs(policy, attempt, firstHeader(res.headers['retry-after']), random, clock.now());
          outcome = { kind: 'retry', afterMs, cause: `HTTP ${status}` };
        } else {
          if (status >= 400) stats?.add(operation, { failures: 1 });
          outcome = { kind: 'done', value };
        }
      } catch (err) {
        if (ConnectorError.is(err)) throw err;
        const ms = performance.now() - started;
        stats?.add(operation, { totalMs: ms });
        const failure = classifyFailure(err);
        logger.debug('http.request', `${req.method} ${logUrl} failed after ${Math.round(ms)} ms: ${failure.reason} (${failure.code})`, {
          ...fields,
          error: failure.code,
          ms: Math.round(ms),
        });
        const retryable =
          (failure.kind === 'network' || failure.kind === 'timeout') &&
          shouldRetry(policy, { method: req.method, idempotent: req.idempotent, errorCode: failure.code, attempt });
        if (!retryable) {
          stats?.add(operation, { failures: 1 });
          throw toConnectorError(failure, { method: req.method, url: prepared.url, logUrl, attempts: attempt, cause: err });
        }
        outcome = { kind: 'retry', afterMs: retryDelayMs(policy, attempt, undefined, random, clock.now()), cause: failure.code };
      }

      if (outcome.kind === 'done') return outcome.value;
      logger.warn(
        'http.retry',
        `${label} ${req.method} ${logUrl} failed (${outcome.cause}); attempt ${attempt + 1} of ${policy.maxAttempts} in ${outcome.afterMs} ms`,
        { ...fields, nextAttempt: attempt + 1, maxAttempts: policy.maxAttempts, delayMs: outcome.afterMs, cause: outcome.cause },
      );
      await sleep(outcome.afterMs);
    }
  }

  function toConnectorError(
    failure: Failure,
    ctx: { method: string; url: string; logUrl: string; attempts: number; cause: unknown },
  ): ConnectorError {
    const target = safeUrl(ctx.url);
    const where = `${label} at ${target ? target.origin : '(unparsable URL)'}`;
    const tries = `after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}`;
    const via = proxy ? ` through the proxy ${proxy}` : '';
    const reach = `Check ${settings.host}, DNS, firewall and routes from this host${proxy ? `, and that the proxy ${proxy} is up and allows CONNECT to ${target?.host ?? 'the host'}` : ''}`;
    const make = (code: string, message: string, exitCode: (typeof EXIT)[keyof typeof EXIT], hint: string) =>
      new ConnectorError(code, redactor.text(message), { exitCode, hint: redactor.text(hint) });
    switch (failure.kind) {
      case 'tls': {
        const sslPort = failure.code === 'ERR_SSL_WRONG_VERSION_NUMBER';
        const mismatch = failure.code === 'ERR_TLS_CERT_ALTNAME_INVALID';
        const expired = failure.code === 'CERT_HAS_EXPIRED' || failure.code === 'CERT_NOT_YET_VALID';
        const fix = sslPort
          ? `Check ${settings.host}: give the HTTPS port of the server`
          : `${mismatch ? `Use the host name the certificate was issued for in ${settings.host}, or ` : expired ? 'Renew the certificate on the server, or ' : ''}set ${settings.caFile} to the PEM certificate of the CA that signed it (for a self-signed appliance, its own certificate), or run with -ds to disable certificate verification (not recommended)`;
        return make('E_HTTP_TLS', `Cannot verify the TLS certificate of ${where}${via}: ${failure.reason} (${failure.code})`, EXIT.unavailable, fix);
      }
      case 'timeout': {
        const limitMs =
          failure.code === 'UND_ERR_CONNECT_TIMEOUT'
            ? timeouts.connectMs
            : failure.code === 'UND_ERR_BODY_TIMEOUT'
              ? timeouts.bodyMs
              : timeouts.headersMs;
        return make(
          'E_HTTP_TIMEOUT',
          `${where} did not answer ${ctx.method} ${ctx.logUrl}${via}: ${failure.reason} (${limitMs / 1000} s, ${failure.code}) ${tries}`,
          EXIT.unavailable,
          `${reach}; if the server is up but slow, raise ${settings.timeout}`,
        );
      }
      case 'proxy':
        return make(
          'E_HTTP_PROXY',
          `Cannot reach ${where}${via}: ${failure.reason}`,
          EXIT.unavailable,
          'Check the proxy URL given with -ep (credentials go in it as http://user:password@host:port) and that the proxy allows CONNECT to this host and port',
        );
      case 'request':
        return make('E_HTTP_REQUEST', `Cannot send ${ctx.method} ${ctx.logUrl} to ${label}: ${failure.reason}`, EXIT.internal, 'This is a bug in the connector; please report it with this message');
      default:
        return make('E_HTTP_NETWORK', `Cannot reach ${where}${via}: ${failure.reason} (${failure.code}) ${tries}`, EXIT.unavailable, reach);
    }
  }

  return {
    send(req) {
      return run<HttpResponse>(req, async (res) => {
        const body = Buffer.from(await res.body.arrayBuffer());
        return { value: { status: res.statusCode, headers: flattenHeaders(res.headers), body }, bytesIn: body.length };
      });
    },

    stream(req) {
      const operation = req.operation ?? `${options.name}.${req.method.toLowerCase()}`;
      return run<HttpStreamResponse>(req, async (res, attempt, retrying) => {
        if (retrying) {
          const body = Buffer.from(await res.body.arrayBuffer());
          return { value: undefined as never, bytesIn: body.length };
        }
        const body = countingBody(res.body, (bytes) => stats?.add(operation, { bytesIn: bytes }), (err) => {
          const failure = classifyFailure(err);
          return toConnectorError(failure, { method: req.method, url: req.url, logUrl: redactUrl(req.url, redactor), attempts: attempt, cause: err });
        });
        openStreams.add(body);
        body.on('close', () => openStreams.delete(body));
        return { value: { status: res.statusCode, headers: flattenHeaders(res.headers), body }, bytesIn: 0 };
      });
    },

    async close() {
      // close() waits for bodies still being read; a forgotten stream must not hang the exit.
      const closed = dispatcher.close().then(() => true);
      const timedOut = delay(1_000, false, { ref: false });
      if (!(await Promise.race([closed, timedOut]))) {
        // Ended without an error: the caller abandoned these, an 'error' event would crash the process.
        for (const s of openStreams) s.destroy();
        await dispatcher.destroy();
      }
    },
  };
}

/** Origin and the exact path+query as given: `new URL` would re-encode what Darktrace signed. */
function splitUrl(url: string, logUrl: string, label: string): { origin: string; path: string } {
  const m = /^(https?:\/\/[^/?#]+)([^#]*)/i.exec(url);
  const parsed = safeUrl(url);
  if (!m || !parsed) {
    throw new ConnectorError('E_HTTP_REQUEST', `Cannot send a request to ${label}: '${logUrl}' is not an absolute http(s) URL`, {
      exitCode: EXIT.internal,
    });
  }
  const rest = m[2] as string;
  return { origin: parsed.origin, path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest };
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Validates the proxy URL and registers its password as a secret; returns its name for messages. */
function parseProxyUrl(proxyUrl: string, redactor: Redactor): string {
  const u = safeUrl(proxyUrl);
  if (u?.password) {
    redactor.add(u.password);
    redactor.add(decodeURIComponent(u.password));
    redactor.add(Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64'));
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new UsageError(
      `Cannot use the proxy '${u ? displayOrigin(proxyUrl) : redactor.text(proxyUrl.replace(/\/\/[^/@]*@/, '//'))}': it must be an http:// or https:// URL`,
      'Give -ep as http://host:port or http://user:password@host:port',
      'E_CONFIG_PROXY',
    );
  }
  return displayOrigin(proxyUrl);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Passes the body through, counting bytes; a failure mid-body becomes a ConnectorError. */
function countingBody(body: Readable, onEnd: (bytes: number) => void, mapError: (err: unknown) => Error): Readable {
  let bytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onEnd(bytes);
      cb();
    },
  });
  body.on('error', (err) => out.destroy(mapError(err)));
  out.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(out);
  return out;
}

/**
 * Parsing the ~140 system CAs plus the file costs 50-300 ms of CPU, so it is done once here
 * rather than by every new connection (a `ca` option builds a fresh context per handshake).
 * A bundle OpenSSL cannot load is passed on as `ca`, failing at connect time as before.
 */
function trustOptions(ca: string[] | undefined): { secureContext?: SecureContext; ca?: string[] } {
  if (!ca) return {};
  try {
    return { secureContext: createSecureContext({ ca }) };
  } catch {
    return { ca };
  }
}

function checkTimeouts(t: TransportTimeouts): TransportTimeouts {
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new RangeError(`Cannot build the HTTP transport as timeout '${name}' must be a positive number of milliseconds: current value is ${v}`);
    }
  }
  return { connectMs: Math.ceil(t.connectMs), headersMs: Math.ceil(t.headersMs), bodyMs: Math.ceil(t.bodyMs) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function loopTurns(n: number): Promise<void> {
  return n <= 0 ? Promise.resolve() : new Promise<void>((resolve) => setImmediate(resolve)).then(() => loopTurns(n - 1));
}
