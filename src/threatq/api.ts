import { ConnectorError, EXIT } from '../errors.ts';
import type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from '../http/types.ts';
import type { Logger } from '../log/entry.ts';
import type { TokenManager } from './auth/tokenManager.ts';
import { bodyExcerpt, errorMessages, hasErrors, TQ_ERROR, tqError } from './errors.ts';
import type { SecretKeeper } from './secrets.ts';
import { buildUrl, hostOf, type Query } from './url.ts';

export interface ApiCall {
  method: HttpMethod;
  /** Starts with `/api/`; no query string (use `query`). */
  path: string;
  query?: Query;
  /** JSON-encoded when present. */
  body?: unknown;
  /** Only for requests safe to repeat (reads, PUT, server-side de-duplicated consumes). */
  idempotent?: boolean;
  /** Request-count/log name, e.g. "threatq.events.consume". */
  operation: string;
  /** Answer undefined on 404 instead of failing. */
  allow404?: boolean;
}

/** A successful answer with the `{data, total}` envelope taken apart. */
export interface ApiAnswer {
  status: number;
  /** The whole parsed body (undefined for an empty body, e.g. 204). */
  json: unknown;
  data: unknown;
  total: number | undefined;
}

/**
 * One authenticated JSON call to ThreatQ: Bearer header (always capital B), one re-login and
 * retry on a 401, and every failure shape turned into a ConnectorError naming the method,
 * path, status and a short body excerpt.
 */
export class ThreatQApi {
  readonly baseUrl: string;
  readonly #transport: HttpTransport;
  readonly #tokens: TokenManager;
  readonly #secrets: SecretKeeper;
  readonly logger: Logger;

  constructor(options: { baseUrl: string; transport: HttpTransport; tokens: TokenManager; secrets: SecretKeeper; logger: Logger }) {
    this.baseUrl = options.baseUrl;
    this.#transport = options.transport;
    this.#tokens = options.tokens;
    this.#secrets = options.secrets;
    this.logger = options.logger;
  }

  async call(c: ApiCall & { allow404: true }): Promise<ApiAnswer | undefined>;
  async call(c: ApiCall): Promise<ApiAnswer>;
  async call(c: ApiCall): Promise<ApiAnswer | undefined> {
    let res = await this.#send(c, await this.#tokens.accessToken());
    if (res.response.status === 401) {
      const fresh = await this.#tokens.renewAfterRejection(res.usedToken);
      res = await this.#send(c, fresh);
      if (res.response.status === 401) {
        throw tqError(
          TQ_ERROR.unauthorized,
          `ThreatQ at ${hostOf(this.baseUrl)} rejected a freshly issued access token for ${c.method} ${c.path} (HTTP 401 twice)`,
          EXIT.auth,
          'The login works but the token is refused: check that the ThreatQ user may use the API and that the clocks of both machines are right',
        );
      }
    }
    return this.#interpret(c, res.response);
  }

  async #send(c: ApiCall, token: string): Promise<{ response: HttpResponse; usedToken: string }> {
    let usedToken = token;
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const req: HttpRequest = {
      method: c.method,
      url: buildUrl(this.baseUrl, c.path, c.query),
      headers,
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      idempotent: c.idempotent ?? c.method === 'GET',
      operation: c.operation,
      // A retry after a long back-off must not carry a token that expired meanwhile.
      prepare: async (r) => {
        usedToken = await this.#tokens.accessToken();
        return { ...r, headers: { ...r.headers, authorization: `Bearer ${usedToken}` } };
      },
    };
    try {
      const response = await this.#transport.send(req);
      return { response, usedToken };
    } catch (error) {
      if (ConnectorError.is(error)) {
        const message = this.#secrets.scrub(error.message);
        if (message === error.message) throw error;
        throw new ConnectorError(error.code, message, { exitCode: error.exitCode, hint: error.hint });
      }
      throw error;
    }
  }

  #interpret(c: ApiCall, res: HttpResponse): ApiAnswer | undefined {
    const where = `${c.method} ${c.path}`;
    const scrub = this.#secrets.scrub;
    if (res.status === 404 && c.allow404) return undefined;
    const text = res.body.toString('utf8');
    let json: unknown;
    let parsed = false;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
        parsed = true;
      } catch {
        parsed = false;
      }
    }
    const details = () => {
      const msgs = parsed ? errorMessages(json) : [];
      const d = msgs.length > 0 ? scrub(msgs.join('; ').replace(/\s+/g, ' ')).slice(0, 300) : bodyExcerpt(res.body, scrub);
      return d === '' ? '' : `: ${d}`;
    };
    if (res.status >= 500) {
      throw tqError(TQ_ERROR.unavailable, `ThreatQ failed on ${where} (HTTP ${res.status})${details()}`, EXIT.unavailable, 'ThreatQ is failing or overloaded; the run can be repeated later');
    }
    if (res.status < 200 || res.status >= 300) {
      const forbidden = res.status === 403;
      // ThreatQ's API never redirects: a login page or gateway in front of it does (like Darktrace's /login), so it is an access problem, not a bug.
      const redirect = res.status >= 300 && res.status < 400;
      const location = res.headers['location'];
      throw new ConnectorError(TQ_ERROR.request, `ThreatQ refused ${where} (HTTP ${res.status})${details()}`, {
        exitCode: forbidden || redirect ? EXIT.auth : EXIT.internal,
        httpStatus: res.status,
        hint: forbidden
          ? 'The ThreatQ user lacks the permission for this; give it a role that may create and read these objects'
          : redirect
            ? `ThreatQ redirected the API call${location ? ` to ${scrub(String(location)).slice(0, 200)}` : ''} instead of answering: check that the ThreatQ host setting (TQ_HOST) is the appliance's own address, with no login page or gateway in front of its API`
            : 'This is a bug in the connector (ThreatQ refused the request as sent); please report it with the log file',
      });
    }
    if (text.trim() !== '' && !parsed) {
      throw tqError(TQ_ERROR.api, `ThreatQ answered ${where} with something that is not JSON${details()}`, EXIT.unavailable, 'Check that the ThreatQ host points at the appliance and not at a proxy or login page');
    }
    if (hasErrors(json)) {
      throw tqError(TQ_ERROR.api, `ThreatQ reported an error for ${where} (HTTP ${res.status})${details()}`, EXIT.internal);
    }
    const obj = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
    const data = obj && 'data' in obj ? obj.data : json;
    const totalRaw = obj?.total;
    const total = typeof totalRaw === 'number' ? totalRaw : typeof totalRaw === 'string' && totalRaw.trim() !== '' && Number.isFinite(Number(totalRaw)) ? Number(totalRaw) : undefined;
    return { status: res.status, json, data, total };
  }
}

/** A list answer's `data` as an array; `{}` (seen on a last cursor page) and null count as empty. */
export function asList(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object');
  if (data !== null && typeof data === 'object') return Object.keys(data).length === 0 ? [] : [data as Record<string, unknown>];
  return [];
}

/** A single-object answer's `data`; an array answer (POST /api/indicators) yields its first item. */
export function asObject(data: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(data)) return asObject(data[0]);
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}
