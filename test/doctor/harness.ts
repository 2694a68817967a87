import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { systemClock, type Clock } from '../../src/clock.ts';
import { doctor, type DoctorCommandOptions } from '../../src/cli/commands/doctor.ts';
import type { CheckStatus } from '../../src/doctor/checkList.ts';
import { connectorEnvFor } from '../../src/sim/connectorEnv.ts';
import { startSims, type Sims, type SimsOptions } from '../../src/sim/startSims.ts';

/** Canary secrets: the simulators' real credentials, so every run proves they never reach any output. */
export const CANARY_PASSWORD = 'canary-TQ-pw-5e1d!';
export const CANARY_PRIVATE = 'canaryDTpriv9c4f27';

export const COLLECTIONS = ['Export A', 'Export B'];

export interface DoctorSims {
  sims: Sims;
  /** Temporary config directory (no file in it: settings come from the environment). */
  dir: string;
  /** Every setting, pointing at the simulators with their CA files. */
  env: Record<string, string | undefined>;
}

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'h9-doctor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Both simulators over HTTPS with self-signed certificates, two collections, canary credentials. */
export async function doctorSims(t: TestContext, options: { darktrace?: SimsOptions['darktrace']; threatq?: SimsOptions['threatq'] } = {}): Promise<DoctorSims> {
  const sims = await startSims({
    darktrace: { credentials: { privateToken: CANARY_PRIVATE }, ...options.darktrace },
    threatq: { credentials: { password: CANARY_PASSWORD }, seedCollections: COLLECTIONS.map((name) => ({ name, size: 2 })), ...options.threatq },
  });
  t.after(() => sims.close());
  const dir = tempDir(t);
  const env = connectorEnvFor(sims, dir, COLLECTIONS);
  return { sims, dir, env };
}

export interface DoctorRun {
  code: number;
  text: string;
  /** Status of each check id, in output order (repeated ids keep the worst one). */
  statuses: Map<string, CheckStatus>;
  /** The text line(s) of one check, fix included. */
  line(check: string): string;
}

/** Runs the command module directly, as the CLI would, and asserts no canary secret appears. */
export async function runDoctorText(options: Partial<DoctorCommandOptions> & { env: Record<string, string | undefined>; configDir: string; clock?: Clock }): Promise<DoctorRun> {
  let text = '';
  const code = await doctor({ name: 'tq-conn-darktrace', clock: systemClock, out: (s) => (text += s), ...options });
  assertNoCanary(text);
  const statuses = new Map<string, CheckStatus>();
  const lines = text.split('\n');
  for (const l of lines) {
    const m = /^(ok|warn|fail|skip|info)\s+(\S+)\s/.exec(l);
    if (m && statuses.get(m[2] as string) !== 'fail') statuses.set(m[2] as string, m[1] as CheckStatus);
  }
  const line = (check: string) => {
    const out: string[] = [];
    lines.forEach((l, i) => {
      if (new RegExp(`^\\S+\\s+${check.replace('.', '\\.')}\\s`).test(l)) {
        out.push(l);
        if (lines[i + 1]?.startsWith('      fix: ')) out.push(lines[i + 1] as string);
      }
    });
    assert.ok(out.length > 0, `no line for ${check} in:\n${text}`);
    return out.join('\n');
  };
  return { code, text, statuses, line };
}

export function assertNoCanary(text: string): void {
  for (const canary of [CANARY_PASSWORD, CANARY_PRIVATE, encodeURIComponent(CANARY_PASSWORD), 'proxy-canary-pw']) {
    assert.ok(!text.includes(canary), `a secret leaked into the output:\n${text}`);
  }
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An in-process HTTP CONNECT proxy for loopback targets, with Basic credentials; logs each CONNECT target. */
export async function startConnectProxy(t: TestContext, credentials: string): Promise<{ url: (user: string, password: string) => string; targets: string[] }> {
  const targets: string[] = [];
  const expected = `Basic ${Buffer.from(credentials).toString('base64')}`;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    const target = req.url ?? '';
    targets.push(target);
    if (req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\n\r\n');
      return;
    }
    const sep = target.lastIndexOf(':');
    const host = target.slice(0, sep);
    if (host !== '127.0.0.1') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(target.slice(sep + 1)), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const port = (server.address() as net.AddressInfo).port;
  return { url: (user, password) => `http://${user}:${password}@127.0.0.1:${port}`, targets };
}
