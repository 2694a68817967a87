/**
 * OAuth tokens the simulated instance issued: access tokens with an expiry on the injected
 * clock, single-use refresh tokens, and a switch that expires everything at once (what a
 * mid-run expiry test needs).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.ts';

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

interface Issued {
  subject: string;
  expiresAt: number;
}

export class TokenBook {
  readonly #clock: Clock;
  readonly #ttlSeconds: number;
  readonly #refreshTtlSeconds: number;
  readonly #access = new Map<string, Issued>();
  readonly #refresh = new Map<string, Issued>();
  #issued = 0;

  constructor(options: { clock: Clock; ttlSeconds: number; refreshTtlSeconds: number }) {
    this.#clock = options.clock;
    this.#ttlSeconds = options.ttlSeconds;
    this.#refreshTtlSeconds = options.refreshTtlSeconds;
  }

  /** How many token pairs were handed out (logins plus refreshes). */
  get issuedCount(): number {
    return this.#issued;
  }

  issue(subject: string): TokenAnswer {
    const now = this.#clock.now();
    const access = randomBytes(24).toString('hex');
    const refresh = randomBytes(24).toString('hex');
    this.#access.set(access, { subject, expiresAt: now + this.#ttlSeconds * 1000 });
    this.#refresh.set(refresh, { subject, expiresAt: now + this.#refreshTtlSeconds * 1000 });
    this.#issued++;
    return { access_token: access, token_type: 'Bearer', expires_in: this.#ttlSeconds, refresh_token: refresh };
  }

  /** A new pair for a valid refresh token (which is used up), else undefined. */
  refresh(refreshToken: string): TokenAnswer | undefined {
    const hit = this.#refresh.get(refreshToken);
    if (!hit) return undefined;
    this.#refresh.delete(refreshToken);
    if (hit.expiresAt <= this.#clock.now()) return undefined;
    return this.issue(hit.subject);
  }

  isValid(accessToken: string): boolean {
    const hit = this.#access.get(accessToken);
    return hit !== undefined && hit.expiresAt > this.#clock.now();
  }

  /** Expires every access token now; with `refresh`, refresh tokens too (forces a password login). */
  expireAll(options: { refresh?: boolean } = {}): void {
    const now = this.#clock.now();
    for (const t of this.#access.values()) t.expiresAt = Math.min(t.expiresAt, now);
    if (options.refresh) for (const t of this.#refresh.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }
}
