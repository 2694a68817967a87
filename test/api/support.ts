/**
 * Shared set-up of the API integration tests: both simulators over HTTPS (fresh self-signed
 * certificates, trusted through CA files as a user would), and both clients built by
 * createApiClients exactly as runs build them, with short timeouts and a fast retry policy so
 * faults resolve in milliseconds instead of minutes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock, type Clock } from '../../src/clock.ts';
import type { ConnectorConfig } from '../../src/config/types.ts';
import { RequestStats } from '../../src/http/requestStats.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/http/retryPolicy.ts';
import type { Fields, Logger, LogEntry, LogLevel } from '../../src/log/entry.ts';
import { Redactor } from '../../src/log/redactor.ts';
import { createApiClients, type ApiClients } from '../../src/run/createApiClients.ts';
import { startSims, type Sims, type SimsOptions } from '../../src/sim/startSims.ts';
import { MemoryTokenStore } from '../../src/threatq/auth/memoryTokenStore.ts';

/** Ceiling on `Retry-After` waits: short, but far above the backoff, so a test can tell which one was used. */
export const RETRY_AFTER_CAP_MS = 150;

/** Three attempts, 1-5 ms backoff, Retry-After honoured up to RETRY_AFTER_CAP_MS. */
export const FAST_RETRY: RetryPolicy = Object.freeze({
  ...DEFAULT_RETRY_POLICY,
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 5,
  maxRetryAfterMs: RETRY_AFTER_CAP_MS,
});

/** Response (headers and body-silence) timeout of both sides, in seconds. */
export const TIMEOUT_SECONDS = 1;

export interface CapturedLogger extends Logger {
  entries: LogEntry[];
  /** Entries with this event name. */
  events(name: string): LogEntry[];
  /** Everything logged, as one string, for "never appears" checks. */
  dump(): string;
}

/** Records entries exactly as the code logged them (no redaction), so leaks would show. */
export function captureLogger(): CapturedLogger {
  const entries: LogEntry[] = [];
  const make = (base: Fields): Logger => {
    const log = (level: LogLevel) => (event: string, message: string, fields: Fields = {}) => {
      entries.push({ time: Date.now(), level, event, message, fields: { ...base, ...fields } });
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (f) => make({ ...base, ...f }) };
  };
  return Object.assign(make({}), {
    entries,
    events: (name: string) => entries.filter((e) => e.event === name),
    dump: () => JSON.stringify(entries),
  });
}

export interface WorldOptions {
  sims?: SimsOptions;
  /** Trust each simulator's certificate through its CA file (default true). */
  caFiles?: boolean;
  /** -ds (default true: verify). */
  verifyTls?: boolean;
  /** -ep */
  externalProxy?: string;
  clock?: Clock;
  /** Changes to the configuration the clients are built from (wrong token, wrong password…). */
  edit?: (config: Pick<ConnectorConfig, 'darktrace' | 'threatq'>) => void;
}

export interface World {
  sims: Sims;
  clients: ApiClients;
  config: Pick<ConnectorConfig, 'darktrace' | 'threatq'>;
  logger: CapturedLogger;
  redactor: Redactor;
  stats: RequestStats;
  tokenStore: MemoryTokenStore;
  dir: string;
}

/** Starts both simulators and builds the clients against them; everything is closed when the test ends. */
export async function startWorld(t: { after(fn: () => unknown): void }, options: WorldOptions = {}): Promise<World> {
  const sims = await startSims({ tls: true, seed: 11, ...options.sims });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-api-'));
  let clients: ApiClients | undefined;
  // One hook, so the order is certain: clients first (their sockets), then the servers.
  t.after(async () => {
    await clients?.close();
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const dtCa = path.join(dir, 'darktrace-ca.pem');
  const tqCa = path.join(dir, 'threatq-ca.pem');
  writeFileSync(dtCa, sims.darktrace.caPem ?? '');
  writeFileSync(tqCa, sims.threatq.caPem ?? '');
  const useCa = options.caFiles ?? true;
  const config: Pick<ConnectorConfig, 'darktrace' | 'threatq'> = {
    darktrace: {
      host: sims.darktrace.url,
      publicToken: sims.darktrace.credentials.publicToken,
      privateToken: sims.darktrace.credentials.privateToken,
      caFile: useCa ? dtCa : undefined,
      timeoutSeconds: TIMEOUT_SECONDS,
    },
    threatq: {
      host: sims.threatq.url,
      clientId: sims.threatq.credentials.clientId,
      username: sims.threatq.credentials.email,
      password: sims.threatq.credentials.password,
      status: 'Review',
      caFile: useCa ? tqCa : undefined,
      timeoutSeconds: TIMEOUT_SECONDS,
    },
  };
  options.edit?.(config);
  const logger = captureLogger();
  const redactor = new Redactor();
  const stats = new RequestStats();
  const tokenStore = new MemoryTokenStore();
  clients = createApiClients({
    config,
    verifyTls: options.verifyTls ?? true,
    externalProxy: options.externalProxy,
    tokenStore,
    clock: options.clock ?? systemClock,
    logger,
    redactor,
    stats,
    retry: FAST_RETRY,
  });
  return { sims, clients, config, logger, redactor, stats, tokenStore, dir };
}

/** What `fn` threw (fails the test when it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & { code?: string; exitCode?: number; hint?: string }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string; exitCode?: number; hint?: string };
  }
  throw new Error('expected a rejection, but the call succeeded');
}
