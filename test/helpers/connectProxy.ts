/**
 * A real CONNECT proxy in its own process (test/http/connectProxy.mjs), optionally demanding
 * Basic credentials, that logs one "<target> <status>" line per CONNECT.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const PROXY_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'http', 'connectProxy.mjs');

export interface ConnectProxy {
  port: number;
  /** `http://[user:pass@]127.0.0.1:port` with the credentials it was started with. */
  url: string;
  /** "<target> <status>" per CONNECT, oldest first. */
  log(): string[];
}

export async function startConnectProxy(t: TestContext, credentials?: { user: string; pass: string }): Promise<ConnectProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tqdt-proxy-'));
  const logFile = path.join(dir, 'connect.log');
  const auth = credentials ? [`${credentials.user}:${credentials.pass}`] : [];
  const child = spawn(process.execPath, [PROXY_SCRIPT, logFile, ...auth], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`the proxy exited early with code ${code}`)));
  });
  const userinfo = credentials ? `${credentials.user}:${credentials.pass}@` : '';
  return {
    port,
    url: `http://${userinfo}127.0.0.1:${port}`,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean) : []),
  };
}
