import type { Clock } from '../../clock.ts';
import { ConnectorError, EXIT } from '../../errors.ts';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../http/types.ts';
import type { Logger } from '../../log/entry.ts';
import { bodyExcerpt, TQ_ERROR, tqError } from '../errors.ts';
import type { SecretKeeper } from '../secrets.ts';
import { buildUrl, hostOf, type Query } from '../url.ts';
import type { Tokens, TokenStore } from './tokenStore.ts';

export interface TokenManagerOptions {
  /** Already normalised (`scheme://host[:port]`). */
  baseUrl: string;
  clientId: string;
  email: string;
  password: string;
  transport: HttpTransport;
  tokenStore: TokenStore;
  clock: Clock;
  logger: Logger;
  secrets: SecretKeeper;
  /** Renew this long before the server's expiry, so a token never dies mid-request. Default 60 s. */
  refreshMarginMs?: number;
}

/** threatqsdk assumes 30 minutes when it does not know better; so do we when `expires_in` is absent. */
const DEFAULT_LIFETIME_S = 30 * 60;
const REFRESH_REJECTED = 'E_TQ_REFRESH_REJECTED';

/**
 * Owns the ThreatQ OAuth tokens: password grant (as threatqsdk sends it), refresh grant,
 * proactive renewal before expiry and the single re-login after a 401. Concurrent callers share
 * one login in flight.
 */
export class TokenManager {
  readonly #o: TokenManagerOptions;
  readonly #margin: number;
  #current: Tokens | undefined;
  #loaded = false;
  #pending: Promise<Tokens> | undefined;

  constructor(options: TokenManagerOptions) {
    this.#o = options;
    this.#margin = options.refreshMarginMs ?? 60_000;
    options.secrets.add(options.password);
  }

  /** A token that is valid for at least the margin: cached, refreshed or from a new login. */
  async accessToken(): Promise<string> {
    if (this.#pending) return (await this.#pending).accessToken;
    const current = this.#cached();
    if (current && this.#o.clock.now() < current.expiresAt - this.#margin) return current.accessToken;
    return (await this.#single(() => (current?.refreshToken ? this.#refreshOrLogin(current) : this.#passwordLogin()))).accessToken;
  }

  /**
   * Called after ThreatQ answered 401 to `rejected`. If another request already replaced that
   * token, use the newer one; otherwise log in again with the password (never a loop: the
   * caller retries once).
   */
  async renewAfterRejection(rejected: string): Promise<string> {
    if (this.#pending) return (await this.#pending).accessToken;
    if (this.#current && this.#current.accessToken !== rejected) return this.#current.accessToken;
    this.#o.logger.warn('threatq.token.rejected', 'ThreatQ rejected the access token (HTTP 401); logging in again once');
    this.#forget();
    return (await this.#single(() => this.#passwordLogin())).accessToken;
  }

  /** Forces a fresh password login (doctor's credential check). */
  async login(): Promise<void> {
    this.#forget();
    await this.#single(() => this.#passwordLogin());
  }

  #forget(): void {
    this.#current = undefined;
    this.#loaded = true;
    this.#o.tokenStore.clear();
  }

  #cached(): Tokens | undefined {
    if (!this.#loaded) {
      this.#loaded = true;
      const stored = this.#o.tokenStore.load();
      if (stored && typeof stored.accessToken === 'string' && stored.accessToken !== '') {
        this.#o.secrets.add(stored.accessToken);
        this.#o.secrets.add(stored.refreshToken);
        this.#current = stored;
      }
    }
    return this.#current;
  }

  async #single(run: () => Promise<Tokens>): Promise<Tokens> {
    if (this.#pending) return this.#pending;
    const p = run().finally(() => {
      if (this.#pending === p) this.#pending = undefined;
    });
    this.#pending = p;
    return p;
  }

  async #refreshOrLogin(current: Tokens): Promise<Tokens> {
    try {
      return await this.#refresh(current);
    } catch (error) {
      if (!ConnectorError.is(error) || error.code !== REFRESH_REJECTED) throw error;
      this.#o.logger.info('threatq.token.refresh_rejected', 'ThreatQ refused the refresh token; logging in with the password instead');
      this.#forget();
      return this.#passwordLogin();
    }
  }

  #refresh(current: Tokens): Promise<Tokens> {
    return this.#tokenRequest('refresh', {
      method: 'POST',
      url: buildUrl(this.#o.baseUrl, '/api/token', { grant_type: 'refresh_token', refresh_token: current.refreshToken }),
      headers: { accept: 'application/json', authorization: `Bearer ${current.accessToken}` },
      // A refresh token may be single-use: a blind retry after the server consumed it would fail.
      idempotent: false,
      operation: 'threatq.token.refresh',
    });
  }

  #passwordLogin(): Promise<Tokens> {
    const query: Query = { grant_type: 'password', client_id: this.#o.clientId };
    return this.#tokenRequest('password', {
      method: 'POST',
      url: buildUrl(this.#o.baseUrl, '/api/token', query),
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ email: this.#o.email, password: this.#o.password }),
      idempotent: true,
      operation: 'threatq.token.password',
    });
  }

  async #tokenRequest(grant: 'password' | 'refresh', req: HttpRequest): Promise<Tokens> {
    const scrub = this.#o.secrets.scrub;
    let res: HttpResponse;
    try {
      res = await this.#o.transport.send(req);
    } catch (error) {
      // The transport's error may quote the URL, which carries the refresh token: rebuild it
      // from a scrubbed message and drop the cause.
      if (ConnectorError.is(error)) {
        throw new ConnectorError(error.code, scrub(error.message), { exitCode: error.exitCode, hint: error.hint === undefined ? undefined : scrub(error.hint) });
      }
      throw new ConnectorError(TQ_ERROR.unavailable, `Cannot reach ThreatQ at ${hostOf(this.#o.baseUrl)} to log in: ${scrub(String((error as Error)?.message ?? error))}`, {
        exitCode: EXIT.unavailable,
        hint: 'Check the ThreatQ host name, that it is reachable from this machine, and its TLS settings',
      });
    }
    const host = hostOf(this.#o.baseUrl);
    const excerpt = bodyExcerpt(res.body, scrub);
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      if (grant === 'refresh') throw new ConnectorError(REFRESH_REJECTED, `ThreatQ refused the refresh grant (HTTP ${res.status})`);
      throw tqError(
        TQ_ERROR.login,
        `ThreatQ at ${host} refused the login of user '${this.#o.email}' with client id '${this.#o.clientId}' (HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''})`,
        EXIT.auth,
        "Check the ThreatQ Client ID (shown in the user's profile in ThreatQ), the username (the account's e-mail address) and the password, and that the account is active",
      );
    }
    if (res.status >= 500) {
      throw tqError(TQ_ERROR.unavailable, `ThreatQ at ${host} failed to answer the login (HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''})`, EXIT.unavailable, 'ThreatQ is failing or overloaded; run again later');
    }
    if (res.status < 200 || res.status >= 300) {
      throw tqError(TQ_ERROR.request, `ThreatQ at ${host} answered the login with HTTP ${res.status} at POST /api/token${excerpt ? `: ${excerpt}` : ''}`, EXIT.usage, 'Check the ThreatQ host: it should be the address of the ThreatQ appliance itself');
    }
    const tokens = this.#parse(res.body, host);
    this.#o.secrets.add(tokens.accessToken);
    this.#o.secrets.add(tokens.refreshToken);
    this.#current = tokens;
    this.#loaded = true;
    this.#o.tokenStore.save(tokens);
    this.#o.logger.debug('threatq.token.obtained', `Obtained a ThreatQ access token (${grant} grant)`, {
      grant,
      expiresInSeconds: Math.round((tokens.expiresAt - this.#o.clock.now()) / 1000),
    });
    return tokens;
  }

  #parse(body: Buffer, host: string): Tokens {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    let obj = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
    if (typeof obj.access_token !== 'string' && obj.data !== null && typeof obj.data === 'object') obj = obj.data as Record<string, unknown>;
    const access = obj.access_token;
    if (typeof access !== 'string' || access === '') {
      throw tqError(TQ_ERROR.login, `ThreatQ at ${host} answered the login without an access token`, EXIT.auth, 'Check that the host is a ThreatQ appliance and that the client id belongs to this user');
    }
    const refresh = typeof obj.refresh_token === 'string' && obj.refresh_token !== '' ? obj.refresh_token : undefined;
    const expiresIn = Number(obj.expires_in);
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_LIFETIME_S;
    return { accessToken: access, refreshToken: refresh, expiresAt: this.#o.clock.now() + lifetime * 1000 };
  }
}
