/**
 * Test harness for the Darktrace simulator: the real request listener on 127.0.0.1:0, and a
 * small test-local signer (deliberately not the connector's) so each test controls exactly
 * which text is signed and which date is sent.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { fixedClock } from '../../../src/clock.ts';
import { createDarktraceSim } from '../../../src/sim/darktrace/index.ts';
import type { DarktraceSim, DarktraceSimOptions } from '../../../src/sim/darktrace/index.ts';

export const T0 = Date.UTC(2023, 10, 14, 23, 0, 0); // 2023-11-14 23:00:00Z
export const DAY = 86_400_000;
export const TOKENS = { publicToken: '0123456789abcdef0123456789abcdef01234567', privateToken: 'fedcba9876543210fedcba9876543210fedcba98' };

export function hmac(privateToken: string, text: string): string {
  return createHmac('sha1', privateToken).update(text, 'utf8').digest('hex');
}

/** `YYYY-MM-DD HH:MM:SS` UTC. */
export function spacedDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export interface SimResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  method?: string;
  body?: string;
  contentType?: string;
  /** DTAPI-Date to send (default: the sim clock, spaced format). */
  date?: string;
  /** What to sign instead of the default signed target. */
  signedTarget?: string;
  /** Send exactly these headers instead of the DTAPI ones. */
  headers?: Record<string, string>;
  tokens?: { publicToken: string; privateToken: string };
}

export interface SimHarness {
  sim: DarktraceSim;
  clock: ReturnType<typeof fixedClock>;
  url: string;
  request(target: string, opts?: RequestOptions): Promise<SimResponse>;
  get<T = any>(target: string): Promise<T>;
  /** POST a JSON body (signed `path?<body>`). */
  postJson(path: string, value: unknown): Promise<SimResponse>;
  /** POST a form body (signed as the exact url-encoded bytes). */
  postForm(path: string, fields: Record<string, string>): Promise<SimResponse>;
}

export async function startHarness(t: TestContext, options: DarktraceSimOptions = {}, start = T0): Promise<SimHarness> {
  const clock = fixedClock(start);
  const sim = createDarktraceSim({ clock, credentials: TOKENS, ...options });
  const server = http.createServer(sim.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const { port } = server.address() as AddressInfo;

  const request = (target: string, opts: RequestOptions = {}): Promise<SimResponse> => {
    const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
    const tokens = opts.tokens ?? sim.credentials;
    const date = opts.date ?? spacedDate(clock.now());
    const path = target.split('?')[0] as string;
    const signed = opts.signedTarget ?? (opts.body ? `${path}?${opts.body}` : target);
    const headers: Record<string, string> = opts.headers ?? {
      'DTAPI-Token': tokens.publicToken,
      'DTAPI-Date': date,
      'DTAPI-Signature': hmac(tokens.privateToken, `${signed}\n${tokens.publicToken}\n${date}`),
    };
    if (opts.contentType) headers['content-type'] = opts.contentType;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: target, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(opts.body);
    });
  };

  return {
    sim,
    clock,
    url: `http://127.0.0.1:${port}`,
    request,
    async get(target) {
      const r = await request(target);
      if (r.status !== 200) throw new Error(`GET ${target} answered ${r.status}: ${r.text.slice(0, 200)}`);
      return r.json();
    },
    postJson: (path, value) => request(path, { body: JSON.stringify(value), contentType: 'application/json' }),
    postForm: (path, fields) => request(path, { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' }),
  };
}
