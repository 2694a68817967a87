import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Sims } from './startSims.ts';

/**
 * The connector's settings for a pair of running simulators, as environment variables (the way
 * cron with a secret store configures it). Writes both CA files into `dir`, so TLS is verified
 * exactly as against a real self-signed appliance.
 */
export function connectorEnvFor(sims: Sims, dir: string, collections: string[]): Record<string, string> {
  const tqCa = path.join(dir, 'threatq-ca.pem');
  const dtCa = path.join(dir, 'darktrace-ca.pem');
  writeFileSync(dtCa, sims.darktrace.caPem ?? '', { mode: 0o600 });
  writeFileSync(tqCa, sims.threatq.caPem ?? '', { mode: 0o600 });
  return {
    TQ_HOST: sims.threatq.url,
    TQ_CLIENT_ID: sims.threatq.credentials.clientId,
    TQ_USERNAME: sims.threatq.credentials.email,
    TQ_PASSWORD: sims.threatq.credentials.password,
    TQ_STATUS: 'Review',
    TQ_CA_FILE: tqCa,
    DARKTRACE_HOST: sims.darktrace.url,
    DARKTRACE_PUBLIC_TOKEN: sims.darktrace.credentials.publicToken,
    DARKTRACE_PRIVATE_TOKEN: sims.darktrace.credentials.privateToken,
    DARKTRACE_CA_FILE: dtCa,
    DARKTRACE_COLLECTIONS: collections.join(','),
    DARKTRACE_SOURCE_NAME: 'ThreatQ',
    DARKTRACE_EXPIRATION_DAYS: '30',
  };
}
