import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FIXTURES = '/work/shared/fixtures/threatq';

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8'));
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  text: string;
  json: unknown;
}

export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  /** A JSON body sent byte for byte (invalid UTF-8 included). */
  bytes?: Buffer;
}

export type Route = (req: SeenRequest) => Reply | Promise<Reply>;

export const CREDS = { clientId: 'client-7f3a', email: 'analyst@example.com', password: 'Canary-Pa55word!' };

/**
 * A small scriptable ThreatQ on 127.0.0.1: real token endpoint (password and refresh grants,
 * 400 on bad credentials), strict `Bearer` check, and per-test routes keyed "METHOD /path".
 * Tokens contain "canary" so tests can search every log line and error for them.
 */
export class FakeThreatQ {
  readonly requests: SeenRequest[] = [];
  readonly routes = new Map<string, Route>();
  /** Regex routes tried after exact ones. */
  readonly patterns: Array<{ method: string; re: RegExp; route: Route }> = [];
  readonly valid = new Set<string>();
  readonly issued: string[] = [];
  readonly issuedRefresh: string[] = [];
  expiresIn: number | undefined = 3600;
  tokenType = 'bearer';
  /** Answer this many further token-checked requests with 401 regardless of the token. */
  force401 = 0;
  /** What a refused password login answers (ThreatQ: 400; Kibana's mock: 401). */
  badLoginStatus = 400;
  #counter = 0;
  #server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.#handle(req, Buffer.concat(chunks).toString('utf8')).then((reply) => {
          const status = reply.status ?? 200;
          const body = reply.bytes ?? reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
          res.writeHead(status, { 'content-type': reply.text !== undefined ? 'text/html' : 'application/json' });
          res.end(body);
        });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  on(key: string, route: Route): this {
    this.routes.set(key, route);
    return this;
  }

  onPattern(method: string, re: RegExp, route: Route): this {
    this.patterns.push({ method, re, route });
    return this;
  }

  count(key: string): number {
    const [method, path] = key.split(' ');
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  /** Every token the server handed out stops working (as after a server-side expiry). */
  revokeAll(): void {
    this.valid.clear();
  }

  #issue(): Reply {
    this.#counter++;
    const access = `canary-access-${this.#counter}-${'x'.repeat(8)}`;
    const refresh = `canary-refresh-${this.#counter}-${'y'.repeat(8)}`;
    this.valid.add(access);
    this.issued.push(access);
    this.issuedRefresh.push(refresh);
    const json: Record<string, unknown> = { access_token: access, token_type: this.tokenType, refresh_token: refresh };
    if (this.expiresIn !== undefined) json.expires_in = this.expiresIn;
    return { json };
  }

  async #handle(req: IncomingMessage, text: string): Promise<Reply> {
    const u = new URL(req.url ?? '/', 'http://x');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const seen: SeenRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, text, json };
    this.requests.push(seen);
    if (seen.path === '/api/token') return this.#token(seen);
    const auth = req.headers.authorization ?? '';
    if (this.force401 > 0) {
      this.force401--;
      return { status: 401, json: { message: 'Unauthenticated.' } };
    }
    // ThreatQ was seen rejecting a lowercase "bearer" scheme.
    if (!auth.startsWith('Bearer ') || !this.valid.has(auth.slice(7))) return { status: 401, json: { message: 'Unauthenticated.' } };
    const exact = this.routes.get(`${seen.method} ${seen.path}`);
    if (exact) return exact(seen);
    for (const p of this.patterns) if (p.method === seen.method && p.re.test(seen.path)) return p.route(seen);
    return { status: 404, json: { errors: [`no route ${seen.method} ${seen.path}`] } };
  }

  #token(req: SeenRequest): Reply {
    const grant = req.query.get('grant_type');
    if (grant === 'password') {
      const body = (req.json ?? {}) as Record<string, unknown>;
      if (req.query.get('client_id') === CREDS.clientId && body.email === CREDS.email && body.password === CREDS.password) return this.#issue();
      return { status: this.badLoginStatus, json: { error: 'invalid_credentials', message: 'The user credentials were incorrect.' } };
    }
    if (grant === 'refresh_token') {
      const rt = req.query.get('refresh_token');
      if (rt && this.issuedRefresh.includes(rt)) {
        this.issuedRefresh.splice(this.issuedRefresh.indexOf(rt), 1);
        return this.#issue();
      }
      return { status: 401, json: { error: 'invalid_request', message: 'The refresh token is invalid.' } };
    }
    return { status: 400, json: { error: 'unsupported_grant_type' } };
  }
}
