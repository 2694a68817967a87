/**
 * A minimal node:http/https client for simulator tests: no retries, no redirects followed,
 * the CA given explicitly, and the raw outcome (including how a broken answer broke).
 */
import http from 'node:http';
import https from 'node:https';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Number of 'data' events: more than one means the body arrived in pieces. */
  chunks: number;
  ms: number;
}

export interface RawFailure {
  /** Where it broke: before any response, or in the middle of the body. */
  stage: 'request' | 'body';
  code: string | undefined;
  status?: number;
  headers?: http.IncomingHttpHeaders;
  received?: string;
}

export class RawRequestError extends Error {
  constructor(readonly failure: RawFailure) {
    super(`request failed at ${failure.stage}: ${failure.code}`);
  }
}

export function rawRequest(
  url: string,
  opts: { method?: string; ca?: string; body?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const started = Date.now();
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
        ...(target.protocol === 'https:' ? { ca: opts.ca, rejectUnauthorized: true } : {}),
        timeout: opts.timeoutMs ?? 5000,
      },
      (res) => {
        let body = '';
        let chunks = 0;
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          chunks++;
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, chunks, ms: Date.now() - started }));
        res.on('error', (e: NodeJS.ErrnoException) =>
          reject(new RawRequestError({ stage: 'body', code: e.code, status: res.statusCode, headers: res.headers, received: body })),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new RawRequestError({ stage: 'request', code: e.code })));
    req.end(opts.body);
  });
}
