import type { Clock } from '../clock.ts';
import { secretValues, secretValuesInEnv, type Env } from '../config/index.ts';
import type { ExitCode } from '../errors.ts';
import { DEFAULT_RETRY_POLICY } from '../http/retryPolicy.ts';
import { nullLogger, type Logger } from '../log/entry.ts';
import type { Redactor } from '../log/redactor.ts';
import { createApiClients } from '../run/createApiClients.ts';
import { MemoryTokenStore } from '../threatq/auth/memoryTokenStore.ts';
import { CheckList, type CheckResult } from './checkList.ts';
import { checkConfig } from './checkConfig.ts';
import { checkDarktrace, DARKTRACE_API_CHECKS } from './checkDarktrace.ts';
import { checkNetwork } from './checkNetwork.ts';
import { checkThreatQ, THREATQ_API_CHECKS } from './checkThreatQ.ts';
import { doctorExitCode } from './doctorExitCode.ts';
import { endpointOf } from './endpoint.ts';
import { systemLookup, type HostLookup } from './probes.ts';

export interface DoctorOptions {
  /** -c */
  configDir: string;
  /** -n */
  name: string;
  env: Env;
  clock: Clock;
  /** The command's Redactor: told every secret before any result is recorded. */
  redactor: Redactor;
  /** -ds */
  disableSsl?: boolean;
  /** -ep: checked (and used) for Darktrace only. */
  externalProxy?: string | undefined;
  logger?: Logger;
  /** Called as each check finishes, so a terminal shows progress on a slow network. */
  onResult?: (result: CheckResult) => void;
  /** @default the system resolver (node:dns lookup) */
  lookup?: HostLookup;
  /** Per DNS/TCP/TLS/proxy probe. @default 10 000 */
  connectTimeoutMs?: number;
}

export interface DoctorOutcome {
  results: CheckResult[];
  exitCode: ExitCode;
}

/** A preflight answers quickly: one repeat for a transient failure, not a run's patient backoff. */
const DOCTOR_RETRY = { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 };

/**
 * `doctor`: checks, in order, the configuration, each side's DNS, TCP and TLS (Darktrace through
 * the -ep proxy when given), then the Darktrace and ThreatQ APIs. It only reads: nothing is
 * written to either side (a missing event type is reported, not created), the run lock is not
 * taken, the state database is not opened and nothing is prompted. A check whose prerequisite
 * failed is reported as `skip` with the reason.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorOutcome> {
  const { redactor, clock } = options;
  for (const s of secretValuesInEnv(options.env)) redactor.add(s);
  if (options.externalProxy) registerProxySecrets(redactor, options.externalProxy);
  const checks = new CheckList(redactor, options.onResult);
  const logger = options.logger ?? nullLogger;
  const verifyTls = options.disableSsl !== true;

  const config = await checkConfig(checks, { dir: options.configDir, name: options.name, env: options.env, clock });
  if (!config) {
    const later = ['darktrace.dns', 'darktrace.tcp', ...(options.externalProxy ? ['proxy.connect'] : []), 'darktrace.tls', 'threatq.dns', 'threatq.tcp', 'threatq.tls', ...DARKTRACE_API_CHECKS, ...THREATQ_API_CHECKS];
    checks.skipAll(later, 'the configuration is incomplete or invalid');
    return { results: checks.results, exitCode: doctorExitCode(checks.results) };
  }
  for (const s of secretValues(config)) redactor.add(s);

  const common = { verifyTls, lookup: options.lookup ?? systemLookup, timeoutMs: options.connectTimeoutMs ?? 10_000, clock };
  const dtNet = await checkNetwork(checks, endpointOf('darktrace', config.darktrace.host), { ...common, caFile: config.darktrace.caFile, proxyUrl: options.externalProxy });
  // ThreatQ is never reached through the external proxy.
  const tqNet = await checkNetwork(checks, endpointOf('threatq', config.threatq.host), { ...common, caFile: config.threatq.caFile });

  // An unreadable CA file already failed its side's TLS check; leave it out so the other side still gets a transport.
  const clients =
    dtNet.reachable || tqNet.reachable
      ? createApiClients({
          config: {
            darktrace: { ...config.darktrace, caFile: dtNet.caFileUsable ? config.darktrace.caFile : undefined },
            threatq: { ...config.threatq, caFile: tqNet.caFileUsable ? config.threatq.caFile : undefined },
          },
          verifyTls,
          externalProxy: options.externalProxy,
          // Doctor never touches the state database: the login's tokens live in memory only.
          tokenStore: new MemoryTokenStore(),
          clock,
          logger,
          redactor,
          retry: DOCTOR_RETRY,
        })
      : undefined;
  try {
    if (clients && dtNet.reachable) await checkDarktrace(checks, clients.darktrace, { sourceName: config.export.sourceName, clock });
    else checks.skipAll(DARKTRACE_API_CHECKS, 'Darktrace cannot be reached');
    if (clients && tqNet.reachable) await checkThreatQ(checks, clients.threatq, config);
    else checks.skipAll(THREATQ_API_CHECKS, 'ThreatQ cannot be reached');
  } finally {
    await clients?.close().catch(() => undefined);
  }
  return { results: checks.results, exitCode: doctorExitCode(checks.results) };
}

/** The proxy password (raw, decoded, and inside the Basic header); the user name is not a secret, and registering a short one would mangle every message. */
function registerProxySecrets(redactor: Redactor, proxyUrl: string): void {
  try {
    const u = new URL(proxyUrl);
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    if (password) {
      redactor.add(password);
      redactor.add(u.password);
      redactor.add(Buffer.from(`${user}:${password}`).toString('base64'));
    }
  } catch {
    // An unparsable URL was refused by the option parser already.
  }
}
