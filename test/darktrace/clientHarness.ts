import type { TestContext } from 'node:test';
import { systemClock, type Clock } from '../../src/clock.ts';
import { DarktraceClient } from '../../src/darktrace/client.ts';
import { createTransport } from '../../src/http/createTransport.ts';
import { RequestStats } from '../../src/http/requestStats.ts';
import { DEFAULT_RETRY_POLICY } from '../../src/http/retryPolicy.ts';
import type { Fields, LogEntry, LogLevel, Logger } from '../../src/log/entry.ts';
import { PRIVATE, PUBLIC } from './dtTestServer.ts';

export interface Harness {
  client: DarktraceClient;
  logs: LogEntry[];
  stats: RequestStats;
}

/** A client on the real transport (3 attempts, no waiting), logging into an array. */
export function makeClient(
  t: TestContext,
  origin: string,
  options: { clock?: Clock; privateToken?: string; sleep?: (ms: number) => Promise<void> } = {},
): Harness {
  const logs: LogEntry[] = [];
  const stats = new RequestStats();
  const transport = createTransport({
    name: 'darktrace',
    retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, jitter: 'none', baseDelayMs: 1, maxDelayMs: 1 },
    sleep: options.sleep ?? (async () => {}),
    stats,
  });
  t.after(() => transport.close());
  const client = new DarktraceClient({
    baseUrl: origin,
    publicToken: PUBLIC,
    privateToken: options.privateToken ?? PRIVATE,
    transport,
    clock: options.clock ?? systemClock,
    logger: arrayLogger(logs, {}),
  });
  return { client, logs, stats };
}

function arrayLogger(entries: LogEntry[], base: Fields): Logger {
  const log = (level: LogLevel) => (event: string, message: string, fields: Fields = {}) => {
    entries.push({ time: 0, level, event, message, fields: { ...base, ...fields } });
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (f) => arrayLogger(entries, { ...base, ...f }) };
}
