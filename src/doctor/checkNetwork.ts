import { rootCertificates } from 'node:tls';
import { isIP, type Socket } from 'node:net';
import { ConnectorError, EXIT } from '../errors.ts';
import { classifyFailure } from '../http/classifyFailure.ts';
import { readCaFile } from '../http/readCaFile.ts';
import { displayOrigin } from '../http/redactUrl.ts';
import type { CheckList } from './checkList.ts';
import { hostPort, type Endpoint } from './endpoint.ts';
import { openTunnel, probeTcp, probeTls, ProxyRefusal, type HostLookup } from './probes.ts';

export interface NetworkCheckOptions {
  verifyTls: boolean;
  caFile: string | undefined;
  lookup: HostLookup;
  timeoutMs: number;
  /** -ep: Darktrace only. Then the proxy resolves and reaches the host, and TLS runs through its tunnel. */
  proxyUrl?: string | undefined;
  clock: { now(): number };
}

export interface NetworkOutcome {
  /** DNS, TCP (or the proxy tunnel) and TLS all passed: the API checks can run. */
  reachable: boolean;
  /** The CA file could be read (else the transport must be built without it). */
  caFileUsable: boolean;
}

/** Certificates this close to expiry are a warning: appliances are often renewed by hand. */
const EXPIRY_WARN_MS = 14 * 86_400_000;

/** `<side>.dns`, `<side>.tcp` (or `proxy.connect`), `<side>.tls`, in that order; a failure skips the rest. */
export async function checkNetwork(checks: CheckList, endpoint: Endpoint, options: NetworkCheckOptions): Promise<NetworkOutcome> {
  const { side, label } = endpoint;
  const target = hostPort(endpoint.hostname, endpoint.port);
  const unreachableFix = `Check ${endpoint.hostSetting}, DNS, firewall and routes from this host`;
  let tunnel: Socket | undefined;

  let ca: string[] | undefined;
  let caProblem: unknown;
  if (options.caFile) {
    try {
      ca = [...rootCertificates, readCaFile(options.caFile, endpoint.caSetting)];
    } catch (error) {
      caProblem = error;
    }
  }

  if (options.proxyUrl) {
    checks.skip(`${side}.dns`, `resolved by the proxy ${displayOrigin(options.proxyUrl)} (-ep)`);
    checks.skip(`${side}.tcp`, `reached through the proxy ${displayOrigin(options.proxyUrl)} (-ep)`);
    tunnel = await checkProxy(checks, endpoint, options, ca);
    if (!tunnel) {
      checks.skip(`${side}.tls`, 'the proxy tunnel could not be opened');
      return { reachable: false, caFileUsable: caProblem === undefined };
    }
  } else {
    if (isIP(endpoint.hostname) !== 0) {
      checks.skip(`${side}.dns`, `${endpoint.hostname} is an IP address: nothing to resolve`);
    } else {
      try {
        const addresses = await options.lookup(endpoint.hostname);
        if (addresses.length === 0) throw Object.assign(new Error('no addresses'), { code: 'ENOTFOUND' });
        const shown = addresses.slice(0, 3).join(', ') + (addresses.length > 3 ? ` and ${addresses.length - 3} more` : '');
        checks.ok(`${side}.dns`, `${endpoint.hostname} resolves to ${shown}`);
      } catch (error) {
        const failure = classifyFailure(error);
        checks.fail(`${side}.dns`, `Cannot resolve the ${label} host ${endpoint.hostname}: ${failure.reason} (${failure.code})`, `Check ${endpoint.hostSetting} for typos, and this host's DNS configuration (/etc/resolv.conf, /etc/hosts)`, EXIT.unavailable);
        checks.skipAll([`${side}.tcp`, `${side}.tls`], 'the host name does not resolve');
        return { reachable: false, caFileUsable: caProblem === undefined };
      }
    }
    try {
      const { address, ms } = await probeTcp(endpoint.hostname, endpoint.port, options.timeoutMs);
      checks.ok(`${side}.tcp`, `connected to ${hostPort(address, endpoint.port)} in ${ms} ms`);
    } catch (error) {
      const failure = classifyFailure(error);
      checks.fail(`${side}.tcp`, `Cannot connect to ${label} at ${target}: ${failure.reason} (${failure.code})`, unreachableFix, EXIT.unavailable);
      checks.skip(`${side}.tls`, 'no TCP connection');
      return { reachable: false, caFileUsable: caProblem === undefined };
    }
  }

  if (!endpoint.tls) {
    tunnel?.destroy();
    checks.skip(`${side}.tls`, `${label} is configured with http:// (allowed for loopback only): no TLS`);
    return { reachable: true, caFileUsable: true };
  }
  if (caProblem !== undefined) {
    tunnel?.destroy();
    checks.failure(`${side}.tls`, caProblem);
    return { reachable: false, caFileUsable: false };
  }
  try {
    const tls = await probeTls({ hostname: endpoint.hostname, port: endpoint.port, socket: tunnel, ca, timeoutMs: options.timeoutMs });
    const cert = describeCert(tls.subject, tls.validTo);
    if (!options.verifyTls) {
      const would = tls.authorized ? 'it would verify' : `it would not verify: ${classifyFailure({ code: tls.authorizationError }).reason}`;
      checks.warn(`${side}.tls`, `${tls.protocol ?? 'TLS'} handshake completed, ${cert}; certificate verification disabled (-ds), ${would}`, `Set ${endpoint.caSetting} to the CA certificate (PEM) and run without -ds, so the server's identity is checked`);
      return { reachable: true, caFileUsable: true };
    }
    if (!tls.authorized) {
      const failure = classifyFailure({ code: tls.authorizationError ?? 'CERT_UNTRUSTED' });
      const mismatch = failure.code === 'ERR_TLS_CERT_ALTNAME_INVALID';
      checks.fail(
        `${side}.tls`,
        `Cannot verify the TLS certificate of ${label} at ${target} (${cert}): ${failure.reason} (${failure.code})`,
        `${mismatch ? `Use the host name the certificate was issued for in ${endpoint.hostSetting}, or ` : ''}set ${endpoint.caSetting} to the PEM certificate of the CA that signed it (for a self-signed appliance, its own certificate), or run with -ds to disable verification (not recommended)`,
        EXIT.unavailable,
      );
      return { reachable: false, caFileUsable: true };
    }
    const via = options.caFile ? `verified with the CA file ${options.caFile}` : 'verified with the system CAs';
    if (tls.validTo !== undefined && tls.validTo - options.clock.now() < EXPIRY_WARN_MS) {
      checks.warn(`${side}.tls`, `${tls.protocol ?? 'TLS'} ${cert}, ${via}, but it expires soon`, `Renew the ${label} certificate before it expires; the connector stops at that moment`);
    } else {
      checks.ok(`${side}.tls`, `${tls.protocol ?? 'TLS'}, ${cert}, ${via}`);
    }
    return { reachable: true, caFileUsable: true };
  } catch (error) {
    if (ConnectorError.is(error)) throw error;
    const failure = classifyFailure(error);
    checks.fail(`${side}.tls`, `The TLS handshake with ${label} at ${target} failed: ${failure.reason} (${failure.code})`, failure.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? `Check ${endpoint.hostSetting}: give the HTTPS port of the server` : unreachableFix, EXIT.unavailable);
    return { reachable: false, caFileUsable: true };
  }
}

/** `proxy.connect`: the proxy answers and opens a CONNECT tunnel to the host. Never names the credentials. */
async function checkProxy(checks: CheckList, endpoint: Endpoint, options: NetworkCheckOptions, ca: string[] | undefined): Promise<Socket | undefined> {
  const proxyUrl = options.proxyUrl as string;
  const proxy = displayOrigin(proxyUrl);
  const target = hostPort(endpoint.hostname, endpoint.port);
  try {
    const socket = await openTunnel({ proxyUrl, targetHost: endpoint.hostname, targetPort: endpoint.port, verifyTls: options.verifyTls, ca, timeoutMs: options.timeoutMs });
    checks.ok('proxy.connect', `the proxy ${proxy} opened a tunnel to ${endpoint.label} at ${target}`);
    return socket;
  } catch (error) {
    if (error instanceof ProxyRefusal) {
      const why =
        error.status === 407
          ? 'it requires credentials, or rejected the ones in the proxy URL'
          : `it refused to open a tunnel to ${target}`;
      checks.fail(
        'proxy.connect',
        `The proxy ${proxy} answered CONNECT ${target} with HTTP ${error.status}: ${why}`,
        error.status === 407
          ? 'Give the proxy credentials in the -ep URL as http://user:password@host:port'
          : `Ask the proxy's administrator to allow CONNECT to ${target}, or check ${endpoint.hostSetting}`,
        EXIT.unavailable,
      );
    } else {
      const failure = classifyFailure(error);
      checks.fail('proxy.connect', `Cannot reach the proxy ${proxy}: ${failure.reason} (${failure.code})`, 'Check the -ep proxy URL (host and port), and that the proxy is up and reachable from this host', EXIT.unavailable);
    }
    return undefined;
  }
}

function describeCert(subject: string | undefined, validTo: number | undefined): string {
  const name = subject ? `certificate for '${subject}'` : 'certificate';
  return validTo === undefined ? name : `${name} valid until ${new Date(validTo).toISOString().slice(0, 10)}`;
}
