import { createHash } from 'node:crypto';
import type { StateDb } from './openStateDb.ts';
import type { Tokens, TokenStore } from '../threatq/auth/tokenStore.ts';

/**
 * Caches the ThreatQ tokens in the state database (mode 0600), the only place they are
 * stored. A token is tied to host + client id + user: after a configuration change the old
 * account's token is never reused.
 */
export class DbTokenStore implements TokenStore {
  readonly #identity: string;

  constructor(
    private readonly state: StateDb,
    identity: { host: string; clientId: string; username: string },
  ) {
    this.#identity = createHash('sha256').update(`${identity.host}\n${identity.clientId}\n${identity.username}`).digest('hex');
  }

  load(): Tokens | undefined {
    const row = this.state.sqlite
      .prepare("SELECT access_token AS accessToken, refresh_token AS refreshToken, expires_at AS expiresAt, identity FROM token_cache WHERE name = 'threatq'")
      .get() as (Tokens & { identity: string; refreshToken: string }) | undefined;
    if (!row || row.identity !== this.#identity) return undefined;
    return { accessToken: row.accessToken, refreshToken: row.refreshToken || undefined, expiresAt: row.expiresAt };
  }

  save(tokens: Tokens): void {
    this.state.sqlite
      .prepare("INSERT OR REPLACE INTO token_cache (name, access_token, refresh_token, expires_at, identity) VALUES ('threatq', ?, ?, ?, ?)")
      .run(tokens.accessToken, tokens.refreshToken ?? '', tokens.expiresAt, this.#identity);
  }

  clear(): void {
    this.state.sqlite.prepare("DELETE FROM token_cache WHERE name = 'threatq'").run();
  }
}
