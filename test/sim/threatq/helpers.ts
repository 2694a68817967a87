/** Runs a ThreatQ simulator behind a real node:http server on 127.0.0.1:0 and talks to it with fetch. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { createThreatQSim } from '../../../src/sim/threatq/index.ts';
import type { ThreatQSim, ThreatQSimOptions } from '../../../src/sim/threatq/index.ts';

export interface Answer {
  status: number;
  json: any;
  text: string;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (e.g. a form), sent as is. */
  raw?: string;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface RunningThreatQ {
  sim: ThreatQSim;
  url: string;
  /** Password grant as threatqsdk sends it; returns the access token. */
  login(): Promise<string>;
  /** An authenticated call with the token from login() unless `token` is given (null = no header). */
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export async function request(url: string, method: string, options: CallOptions & { token?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization ??= `Bearer ${options.token}`;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

export async function startThreatQ(t: TestContext, options: ThreatQSimOptions = {}, sim: ThreatQSim = createThreatQSim(options)): Promise<RunningThreatQ> {
  const server = createServer(sim.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  t.after(close);
  let token: string | undefined;
  const login = async () => {
    const { clientId, email, password } = sim.credentials;
    const r = await request(`${url}/api/token?grant_type=password&client_id=${encodeURIComponent(clientId)}`, 'POST', { body: { email, password } });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    token = r.json.access_token as string;
    return token;
  };
  const call = async (method: string, path: string, options: CallOptions = {}) => {
    if (options.token === undefined && token === undefined) await login();
    return request(`${url}${path}`, method, { ...options, token: options.token === undefined ? token : options.token });
  };
  return { sim, url, login, call, close };
}

/** Every item of a list answer (`data: {}` on a last cursor page counts as none). */
export function items(answer: Answer): any[] {
  const d = answer.json?.data;
  return Array.isArray(d) ? d : [];
}
