/**
 * Both simulators on loopback (HTTPS, self-signed) and a throw-away config directory holding
 * their CA files, with the connector's settings as environment variables, for the Deno checks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { startSims, type Sims } from '../../src/sim/startSims.ts';

export interface Site {
  sims: Sims;
  dir: string;
  env: Record<string, string>;
  caFiles: string[];
  /** `host:port` of ThreatQ and Darktrace. */
  hosts: { threatq: string; darktrace: string };
}

export async function startSite(t: TestContext, label: string): Promise<Site> {
  const sims = await startSims({
    tls: true,
    seed: 7,
    darktrace: { seedCounts: { breaches: 12, aiEvents: 3, devices: 5, days: 2 } },
    threatq: { seedCollections: [{ name: 'Export to Darktrace', size: 20 }] },
  });
  t.after(() => sims.close());
  const dir = mkdtempSync(path.join(os.tmpdir(), `tqdt-deno-${label}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFiles = [path.join(dir, 'threatq-ca.pem'), path.join(dir, 'darktrace-ca.pem')];
  writeFileSync(caFiles[0]!, sims.threatq.caPem ?? '');
  writeFileSync(caFiles[1]!, sims.darktrace.caPem ?? '');
  const env = {
    TQ_HOST: sims.threatq.url,
    TQ_CLIENT_ID: sims.threatq.credentials.clientId,
    TQ_USERNAME: sims.threatq.credentials.email,
    TQ_PASSWORD: sims.threatq.credentials.password,
    TQ_STATUS: 'Review',
    TQ_CA_FILE: caFiles[0]!,
    DARKTRACE_HOST: sims.darktrace.url,
    DARKTRACE_PUBLIC_TOKEN: sims.darktrace.credentials.publicToken,
    DARKTRACE_PRIVATE_TOKEN: sims.darktrace.credentials.privateToken,
    DARKTRACE_CA_FILE: caFiles[1]!,
    DARKTRACE_COLLECTIONS: 'Export to Darktrace',
    DARKTRACE_SOURCE_NAME: 'ThreatQ',
  };
  return { sims, dir, env, caFiles, hosts: { threatq: new URL(sims.threatq.url).host, darktrace: new URL(sims.darktrace.url).host } };
}
