import type { Clock } from '../clock.ts';
import type { DarktraceClient } from '../darktrace/client.ts';
import { describeSkew } from '../darktrace/clockSkew.ts';
import { DarktraceError, DT_ERROR, permissionFor } from '../darktrace/errors.ts';
import { ConnectorError, EXIT } from '../errors.ts';
import type { CheckList } from './checkList.ts';

export const DARKTRACE_API_CHECKS = ['darktrace.signature', 'darktrace.clock', 'darktrace.modelbreaches', 'darktrace.aianalyst', 'darktrace.intelfeed', 'darktrace.source'] as const;

/** Above this the skew is worth fixing (the connector compensates, but a clock this wrong needs NTP). */
const WARN_SKEW_MS = 60_000;
/** Darktrace refuses requests dated more than 30 min off; this close to the limit is a failure. */
const FAIL_SKEW_MS = 25 * 60_000;
const NTP_FIX = "Synchronise this host's clock with NTP (chrony or systemd-timesyncd); if this host is right, Darktrace's own clock needs NTP";

/**
 * The Darktrace API checks, reading only: the token pair is accepted, the clocks agree, and the
 * token's user may read model breaches, AI Analyst and the intel feed (one-minute windows, so
 * the checks stay cheap on a busy appliance).
 */
export async function checkDarktrace(checks: CheckList, dt: DarktraceClient, options: { sourceName: string; clock: Clock }): Promise<void> {
  let accepted = false;
  let statusError: unknown;
  try {
    const status = await dt.status();
    accepted = true;
    checks.ok('darktrace.signature', `Darktrace ${status.version ?? '(version not reported)'} accepted the API tokens`);
  } catch (error) {
    statusError = error;
    if (ConnectorError.is(error) && error.code === DT_ERROR.permission) {
      // The signature was accepted; only /status is off limits to this user.
      accepted = true;
      checks.warn('darktrace.signature', `Darktrace accepted the API tokens, but its version is unknown: ${permissionDetail(error, 'the status')}`, error.hint ?? `Give the API token's user the Darktrace permission ${permissionFor('/status')}`);
    } else {
      checks.failure('darktrace.signature', error);
    }
  }

  const skew = dt.clockSkewMs() ?? (statusError instanceof DarktraceError ? statusError.skewMs : undefined);
  if (skew === undefined) {
    checks.skip('darktrace.clock', accepted ? "Darktrace's answer carried no Date header to compare with" : 'no answer from Darktrace to compare with');
  } else if (Math.abs(skew) > FAIL_SKEW_MS) {
    checks.fail(
      'darktrace.clock',
      `This host's clock is ${describeSkew(skew)} Darktrace's: Darktrace refuses requests dated more than 30 minutes off; the connector compensates, but this close to the limit a little drift stops ingest and export`,
      NTP_FIX,
      EXIT.auth,
    );
  } else if (Math.abs(skew) > WARN_SKEW_MS) {
    checks.warn('darktrace.clock', `This host's clock is ${describeSkew(skew)} Darktrace's (compensated: requests are dated in Darktrace's time; the limit is 30 minutes)`, NTP_FIX);
  } else {
    checks.ok('darktrace.clock', `this host's clock is within a minute of Darktrace's (${Math.round(skew / 1000)} s)`);
  }

  if (!accepted) {
    checks.skipAll(DARKTRACE_API_CHECKS.slice(2), 'Darktrace did not accept the API tokens');
    return;
  }

  const now = options.clock.now();
  const window = { startMs: now - 60_000, endMs: now };
  await readable(checks, 'darktrace.modelbreaches', 'model breaches', async () => {
    const result = await dt.modelBreaches(window);
    return `model breaches readable (${result.records.length} in the last minute)`;
  });
  await readable(checks, 'darktrace.aianalyst', 'AI Analyst incident events', async () => {
    const result = await dt.aiAnalystEvents(window);
    return `AI Analyst incident events readable (${result.records.length} in the last minute)`;
  });

  let sources: string[] | undefined;
  await readable(checks, 'darktrace.intelfeed', 'the intel feed', async () => {
    sources = await dt.intelFeedSources();
    return `intel feed (Watched Domains) readable: ${sources.length} source label${sources.length === 1 ? '' : 's'}`;
  });
  if (sources === undefined) {
    checks.skip('darktrace.source', 'the intel feed could not be read');
  } else if (sources.includes(options.sourceName)) {
    checks.info('darktrace.source', `the source label '${options.sourceName}' exists: entries of earlier exports are under it`);
  } else {
    checks.info('darktrace.source', `the source label '${options.sourceName}' does not exist yet: the first export creates it`);
  }
}

async function readable(checks: CheckList, check: string, what: string, read: () => Promise<string>): Promise<void> {
  try {
    checks.ok(check, await read());
  } catch (error) {
    if (ConnectorError.is(error) && error.code === DT_ERROR.permission) {
      checks.fail(check, permissionDetail(error, what), error.hint ?? "Give the API token's user the Darktrace permission for this endpoint", EXIT.auth);
    } else {
      checks.failure(check, error);
    }
  }
}

function permissionDetail(error: ConnectorError, what: string): string {
  const endpoint = error instanceof DarktraceError ? error.endpoint : undefined;
  const permission = endpoint ? permissionFor(endpoint) : undefined;
  const how = error instanceof DarktraceError && error.status !== undefined ? ` (HTTP ${error.status}${error.status === 302 ? ' to /403' : ''})` : '';
  return `Darktrace denied reading ${what}${endpoint ? ` at ${endpoint}` : ''}${how}: the API token's user lacks the permission ${permission ?? 'for it'}`;
}
