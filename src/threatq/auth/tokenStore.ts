/** What a ThreatQ login yields; `expiresAt` is epoch milliseconds (the server's expiry, no margin). */
export interface Tokens {
  accessToken: string;
  /** Some servers answer without one; then renewal is a fresh password login. */
  refreshToken?: string;
  expiresAt: number;
}

/**
 * Where tokens survive between runs (the state database in production), so a cron run every
 * few minutes does not log in every time. Implementations must never log the values.
 */
export interface TokenStore {
  load(): Tokens | undefined;
  save(tokens: Tokens): void;
  clear(): void;
}
