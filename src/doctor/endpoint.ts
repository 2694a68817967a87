import { isIP } from 'node:net';

export type Side = 'darktrace' | 'threatq';

/** Where one side lives and how messages name its settings. */
export interface Endpoint {
  side: Side;
  /** "Darktrace" / "ThreatQ". */
  label: string;
  /** Host name or IP literal, without IPv6 brackets. */
  hostname: string;
  port: number;
  /** false only for http:// (allowed for loopback). */
  tls: boolean;
  hostSetting: string;
  caSetting: string;
}

const SETTINGS: Record<Side, { label: string; hostSetting: string; caSetting: string }> = {
  darktrace: { label: 'Darktrace', hostSetting: 'the Darktrace host setting (darktrace.host / DARKTRACE_HOST)', caSetting: 'the Darktrace CA file setting (darktrace.caFile / DARKTRACE_CA_FILE)' },
  threatq: { label: 'ThreatQ', hostSetting: 'the ThreatQ host setting (threatq.host / TQ_HOST)', caSetting: 'the ThreatQ CA file setting (threatq.caFile / TQ_CA_FILE)' },
};

/** From a normalised base URL (`https://host[:port]`, as loadConfig returns it). */
export function endpointOf(side: Side, baseUrl: string): Endpoint {
  const u = new URL(baseUrl);
  const tls = u.protocol === 'https:';
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  return { side, ...SETTINGS[side], hostname, port: u.port === '' ? (tls ? 443 : 80) : Number(u.port), tls };
}

/** `host:port`, with brackets around an IPv6 literal. */
export function hostPort(hostname: string, port: number): string {
  return `${isIP(hostname) === 6 ? `[${hostname}]` : hostname}:${port}`;
}
