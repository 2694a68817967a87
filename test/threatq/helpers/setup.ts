import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { fixedClock } from '../../../src/clock.ts';
import { ConnectorError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/log/createLogger.ts';
import { Redactor } from '../../../src/log/redactor.ts';
import { MemoryTokenStore } from '../../../src/threatq/auth/memoryTokenStore.ts';
import type { TokenStore } from '../../../src/threatq/auth/tokenStore.ts';
import { ThreatQClient, type ThreatQClientOptions } from '../../../src/threatq/client.ts';
import { CREDS, FakeThreatQ } from './fakeThreatQ.ts';
import { testTransport } from './testTransport.ts';

export const T0 = Date.UTC(2026, 10, 29, 6, 0, 0);

/** A fake ThreatQ, a client wired to it through a URL-logging transport, and the captured log lines. */
export async function setup(t: TestContext, overrides: Partial<ThreatQClientOptions> & { tokenStore?: TokenStore } = {}) {
  const server = await new FakeThreatQ().start();
  t.after(() => server.stop());
  const lines: string[] = [];
  const redactor = new Redactor();
  const logger = createLogger({ location: 'stdout', name: 'test', verbosity: 3, format: 'json', redactor, console: (l) => lines.push(l) });
  const clock = fixedClock(T0);
  const transport = testTransport(logger);
  const tokenStore = overrides.tokenStore ?? new MemoryTokenStore();
  const client = new ThreatQClient({
    baseUrl: server.url,
    ...CREDS,
    transport,
    tokenStore,
    clock,
    logger,
    redactor,
    ...overrides,
  });
  return { server, client, clock, lines, transport, tokenStore, logger };
}

/** Runs `fn`, expects a ConnectorError with this code, returns it. */
export async function rejectsWith(fn: () => Promise<unknown>, code: string): Promise<ConnectorError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(ConnectorError.is(error), `expected a ConnectorError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a ${code} failure, but it succeeded`);
}

/** Everything a user could ever see of an error: message, hint, and its cause chain. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const obj = e as { message?: unknown; hint?: unknown; cause?: unknown; stack?: unknown };
    parts.push(String(obj.message ?? e), String(obj.hint ?? ''), String(obj.stack ?? ''));
    e = obj.cause;
  }
  return parts.join('\n');
}

/** Asserts that no canary secret (password, any issued token) appears in any text. */
export function assertNoSecrets(server: FakeThreatQ, texts: string[]): void {
  const secrets = [CREDS.password, ...server.issued, ...server.issuedRefresh, 'canary-refresh', 'canary-access', 'Canary-Pa55'];
  for (const text of texts) for (const s of secrets) assert.ok(!text.includes(s), `secret '${s.slice(0, 14)}…' leaked into: ${text.slice(0, 200)}`);
}
