import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export const PUBLIC = '0123456789abcdef0123456789abcdef01234567';
export const PRIVATE = 'fedcba9876543210fedcba9876543210fedcba98';

export interface SeenRequest {
  method: string;
  /** Raw path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the independent verifier decided: 'ok', 'signature', 'date', 'missing'. */
  auth: 'ok' | 'signature' | 'date' | 'missing';
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is (a Buffer byte for byte, invalid UTF-8 included); anything else as JSON. */
  body?: unknown;
}

export interface DtServerOptions {
  /** Server clock (ms); the `Date` header and the ±30 min check use it. @default Date.now */
  now?: () => number;
  /** Answer after authentication passed. */
  route: (req: SeenRequest, path: string, query: URLSearchParams) => Reply;
  /** Skip authentication (to serve canned auth failures from `route`). */
  noAuth?: boolean;
}

export interface DtServer {
  origin: string;
  requests: SeenRequest[];
}

/**
 * A loopback stand-in for a Darktrace appliance that checks every request's signature on its
 * own (node:crypto, not the client's signer): strict wire-text signing, ±30 min date window in
 * the compact or spaced format, 400 bodies keyed by the first path segment like 7.1.0.
 */
export async function startDtServer(t: TestContext, options: DtServerOptions): Promise<DtServer> {
  const now = options.now ?? Date.now;
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const seen: SeenRequest = { method: req.method ?? '', url, headers: req.headers, body, auth: 'ok' };
      requests.push(seen);
      const [path = '/', query = ''] = url.split(/\?(.*)/s) as [string, string?];
      const segment = path.split('/')[1] ?? '';
      const send = (reply: Reply) => {
        const status = reply.status ?? 200;
        const text = reply.body === undefined ? '' : typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
        res.writeHead(status, { date: new Date(now()).toUTCString(), 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      };
      if (!options.noAuth) {
        seen.auth = verify(req, path, query, body, now());
        if (seen.auth === 'missing') return send({ status: 302, headers: { location: '/login' }, body: 'Found. Redirecting to /login' });
        if (seen.auth === 'date') return send({ status: 400, body: { [segment]: 'API DATE ERROR' } });
        if (seen.auth === 'signature') return send({ status: 400, body: { [segment]: 'API SIGNATURE ERROR' } });
      }
      send(options.route(seen, path, new URLSearchParams(query)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function verify(req: http.IncomingMessage, path: string, query: string, body: string, serverNow: number): SeenRequest['auth'] {
  const token = req.headers['dtapi-token'];
  const date = req.headers['dtapi-date'];
  const signature = req.headers['dtapi-signature'];
  if (typeof token !== 'string' || typeof date !== 'string' || typeof signature !== 'string') return 'missing';
  if (token !== PUBLIC) return 'signature';
  const at = readDate(date);
  if (at === undefined || Math.abs(at - serverNow) > 30 * 60_000) return 'date';
  const target = req.method === 'POST' && body !== '' ? `${path}?${body}` : query === '' ? path : `${path}?${query}`;
  const expected = createHmac('sha1', PRIVATE).update(`${target}\n${token}\n${date}`).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'signature';
}

function readDate(text: string): number | undefined {
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(text);
  const spaced = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  const m = compact ?? spaced;
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
