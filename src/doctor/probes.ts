import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net, { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import { hostPort } from './endpoint.ts';

/** Resolves a host name to its addresses; injected so tests never ask a real DNS server. */
export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (hostname) => (await dnsLookup(hostname, { all: true })).map((a) => a.address);

/** An error with a Node-style `code`, so classifyFailure reads it like any socket error. */
function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function withTimeout<T>(socket: Socket, timeoutMs: number, start: (done: (error: Error | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const done = (error: Error | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(value as T);
    };
    const timer = setTimeout(() => done(codedError('ETIMEDOUT', `no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.on('error', (e) => done(e));
    start(done);
  });
}

/** Opens and closes a TCP connection; resolves with the remote address and how long it took. */
export async function probeTcp(hostname: string, port: number, timeoutMs: number): Promise<{ address: string; ms: number }> {
  const started = performance.now();
  const socket = net.connect({ host: hostname, port });
  const address = await withTimeout<string>(socket, timeoutMs, (done) => socket.once('connect', () => done(undefined, socket.remoteAddress ?? hostname)));
  socket.destroy();
  return { address, ms: Math.round(performance.now() - started) };
}

export interface TlsProbeOptions {
  hostname: string;
  port: number;
  /** An open connection to talk TLS over (a proxy tunnel); otherwise one is opened. */
  socket?: Socket;
  /** Trusted CAs (system ones plus the CA file), or undefined for the system ones. */
  ca?: string[];
  timeoutMs: number;
}

export interface TlsProbeResult {
  /** Whether the certificate verified (chain and host name) against `ca`. */
  authorized: boolean;
  /** OpenSSL/Node code of the verification failure, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  authorizationError: string | undefined;
  protocol: string | null;
  subject: string | undefined;
  /** Epoch ms of the certificate's notAfter. */
  validTo: number | undefined;
}

/**
 * Completes a TLS handshake and reports whether the certificate verifies, without trusting it:
 * verification is evaluated, not enforced, so doctor can say both "this fails" and why, and no
 * request is ever sent over the connection.
 */
export async function probeTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const socket = tls.connect({
    host: options.hostname,
    port: options.port,
    ...(options.socket ? { socket: options.socket } : {}),
    ...(isIP(options.hostname) === 0 ? { servername: options.hostname } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    rejectUnauthorized: false,
  });
  try {
    return await withTimeout<TlsProbeResult>(socket, options.timeoutMs, (done) =>
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const validTo = cert?.valid_to ? Date.parse(cert.valid_to) : NaN;
        const authError = socket.authorizationError as unknown;
        done(undefined, {
          authorized: socket.authorized,
          authorizationError: authError === null || authError === undefined ? undefined : String((authError as { code?: string }).code ?? authError),
          protocol: socket.getProtocol(),
          subject: typeof cert?.subject?.CN === 'string' ? cert.subject.CN : undefined,
          validTo: Number.isFinite(validTo) ? validTo : undefined,
        });
      }),
    );
  } finally {
    socket.destroy();
    options.socket?.destroy();
  }
}

/** The proxy answered CONNECT with something other than 200. */
export class ProxyRefusal extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`the proxy answered CONNECT with HTTP ${status}`);
    this.status = status;
  }
}

export interface TunnelOptions {
  /** http(s)://[user:password@]host:port */
  proxyUrl: string;
  targetHost: string;
  targetPort: number;
  /** For an https:// proxy: verify its certificate. */
  verifyTls: boolean;
  ca?: string[];
  timeoutMs: number;
}

/** Opens a CONNECT tunnel through the proxy; resolves with the tunnel's socket (the caller closes it). */
export function openTunnel(options: TunnelOptions): Promise<Socket> {
  const proxy = new URL(options.proxyUrl);
  const target = hostPort(options.targetHost, options.targetPort);
  const headers: Record<string, string> = { host: target };
  if (proxy.username !== '' || proxy.password !== '') {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const secure = proxy.protocol === 'https:';
  const request = (secure ? https : http).request({
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port === '' ? (secure ? 443 : 80) : Number(proxy.port),
    method: 'CONNECT',
    path: target,
    headers,
    agent: false,
    ...(secure ? { rejectUnauthorized: options.verifyTls, ...(options.ca ? { ca: options.ca } : {}) } : {}),
  });
  return new Promise<Socket>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settle(codedError('ETIMEDOUT', `the proxy did not answer within ${options.timeoutMs / 1000} s`));
      request.destroy();
    }, options.timeoutMs);
    const settle = (error: Error | undefined, socket?: Socket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(socket as Socket);
    };
    request.once('connect', (res, socket) => {
      if (res.statusCode === 200) settle(undefined, socket);
      else {
        socket.destroy();
        settle(new ProxyRefusal(res.statusCode ?? 0));
      }
    });
    // A server that is not a proxy may answer CONNECT as a plain request.
    request.once('response', (res) => {
      res.resume();
      settle(new ProxyRefusal(res.statusCode ?? 0));
    });
    request.on('error', (e) => settle(e));
    request.end();
  });
}
