import type { Clock } from '../clock.ts';
import type { Logger } from '../log/entry.ts';
import type { Redactor } from '../log/redactor.ts';
import { createTransport, DEFAULT_TIMEOUTS, type TransportTimeouts } from './createTransport.ts';
import type { RequestStats } from './requestStats.ts';
import type { RetryPolicy } from './retryPolicy.ts';
import type { HttpTransport } from './types.ts';

/** One side's connection settings; `ConnectorConfig['darktrace']` and `['threatq']` fit as they are. */
export interface SideSettings {
  caFile?: string | undefined;
  /** How long the server may take to start answering, and the longest silence inside a body. */
  timeoutSeconds?: number | undefined;
}

export interface TransportSettings {
  darktrace: SideSettings;
  threatq: SideSettings;
  /** false with -ds; applies to both sides. @default true */
  verifyTls?: boolean;
  /** -ep: used for Darktrace (the internet-facing side) only, never for ThreatQ. */
  externalProxy?: string | undefined;
}

export interface TransportDeps {
  logger?: Logger;
  redactor?: Redactor;
  stats?: RequestStats;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: Clock;
  /** Overrides for tests (short timeouts); `timeoutSeconds` still wins for headers and body. */
  timeouts?: Partial<TransportTimeouts>;
}

export interface Transports {
  darktrace: HttpTransport;
  threatq: HttpTransport;
  close(): Promise<void>;
}

/**
 * Builds both transports of a run from one settings object. The proxy is wired to the
 * Darktrace side here and nowhere else, so no code path can send ThreatQ traffic (and its
 * OAuth password) through an external proxy.
 */
export function createTransports(settings: TransportSettings, deps: TransportDeps = {}): Transports {
  const common = {
    logger: deps.logger,
    redactor: deps.redactor,
    stats: deps.stats,
    retry: deps.retry,
    sleep: deps.sleep,
    random: deps.random,
    clock: deps.clock,
  };
  const timeoutsFor = (side: SideSettings): Partial<TransportTimeouts> => {
    const t = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
    if (side.timeoutSeconds !== undefined && side.timeoutSeconds > 0) {
      t.headersMs = side.timeoutSeconds * 1000;
      t.bodyMs = side.timeoutSeconds * 1000;
    }
    return t;
  };
  const verify = settings.verifyTls ?? true;
  const darktrace = createTransport({
    ...withoutUndefined(common),
    name: 'darktrace',
    timeouts: timeoutsFor(settings.darktrace),
    tls: { verify, caFile: settings.darktrace.caFile },
    proxyUrl: settings.externalProxy || undefined,
    settingNames: {
      caFile: 'the Darktrace CA file setting (darktrace.caFile / DARKTRACE_CA_FILE)',
      timeout: 'darktrace.timeoutSeconds (DARKTRACE_TIMEOUT_SECONDS)',
      host: 'the Darktrace host setting (DARKTRACE_HOST)',
    },
  });
  let threatq: HttpTransport;
  try {
    threatq = createTransport({
      ...withoutUndefined(common),
      name: 'threatq',
      timeouts: timeoutsFor(settings.threatq),
      tls: { verify, caFile: settings.threatq.caFile },
      settingNames: {
        caFile: 'the ThreatQ CA file setting (threatq.caFile / TQ_CA_FILE)',
        timeout: 'threatq.timeoutSeconds (TQ_TIMEOUT_SECONDS)',
        host: 'the ThreatQ host setting (TQ_HOST)',
      },
    });
  } catch (err) {
    void darktrace.close();
    throw err;
  }
  return {
    darktrace,
    threatq,
    async close() {
      await Promise.all([darktrace.close(), threatq.close()]);
    },
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
