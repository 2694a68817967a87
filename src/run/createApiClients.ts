import type { Clock } from '../clock.ts';
import type { ConnectorConfig } from '../config/types.ts';
import { DarktraceClient } from '../darktrace/client.ts';
import { createTransports, type Transports } from '../http/createTransports.ts';
import type { RequestStats } from '../http/requestStats.ts';
import type { RetryPolicy } from '../http/retryPolicy.ts';
import type { Logger } from '../log/entry.ts';
import type { Redactor } from '../log/redactor.ts';
import type { TokenStore } from '../threatq/auth/tokenStore.ts';
import { ThreatQClient } from '../threatq/client.ts';

export interface ApiClientsOptions {
  config: Pick<ConnectorConfig, 'darktrace' | 'threatq'>;
  /** false with -ds (both sides). */
  verifyTls: boolean;
  /** -ep: wired to the Darktrace side only, by createTransports. */
  externalProxy: string | undefined;
  /** Where ThreatQ tokens are cached: the state database for runs, memory for doctor and dry runs. */
  tokenStore: TokenStore;
  clock: Clock;
  logger: Logger;
  /** Told every secret the clients see (tokens, password, proxy credentials). */
  redactor: Redactor;
  stats?: RequestStats;
  retry?: RetryPolicy;
}

export interface ApiClients {
  darktrace: DarktraceClient;
  threatq: ThreatQClient;
  transports: Transports;
  close(): Promise<void>;
}

/**
 * Builds the transports and both API clients of a command from the loaded configuration, the
 * same way for every command that talks to the two sides (runs, `doctor`), so TLS, proxy,
 * timeouts and secret registration cannot differ between the preflight and the real thing.
 *
 * @throws ConnectorError E_CONFIG_CA_FILE (exit 2) when a CA file cannot be read
 * @throws UsageError E_CONFIG_PROXY when the proxy URL is not http(s)
 */
export function createApiClients(options: ApiClientsOptions): ApiClients {
  const { config, clock, logger, redactor } = options;
  const transports = createTransports(
    { darktrace: config.darktrace, threatq: config.threatq, verifyTls: options.verifyTls, externalProxy: options.externalProxy },
    { logger, redactor, clock, ...(options.stats ? { stats: options.stats } : {}), ...(options.retry ? { retry: options.retry } : {}) },
  );
  const darktrace = new DarktraceClient({
    baseUrl: config.darktrace.host,
    publicToken: config.darktrace.publicToken,
    privateToken: config.darktrace.privateToken,
    transport: transports.darktrace,
    clock,
    logger,
    redactor,
  });
  const threatq = new ThreatQClient({
    baseUrl: config.threatq.host,
    clientId: config.threatq.clientId,
    email: config.threatq.username,
    password: config.threatq.password,
    transport: transports.threatq,
    tokenStore: options.tokenStore,
    clock,
    logger,
    redactor,
  });
  return { darktrace, threatq, transports, close: () => transports.close() };
}
