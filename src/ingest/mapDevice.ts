import { isIPv4, isIPv6 } from 'node:net';
import { clipText, oneLine } from './escapeHtml.ts';

/** The facts about one device that the mapping uses, whatever Darktrace payload they came from. */
export interface DeviceFacts {
  did?: number | null;
  ip?: string | null;
  hostname?: string | null;
  mac?: string | null;
  sid?: number | null;
  label?: string | null;
}

export interface MappedIndicator {
  typeName: 'IP Address' | 'IPv6 Address' | 'FQDN' | 'MAC Address';
  value: string;
}

export interface MappedDevice {
  /** Stable identity within a run: `did:<n>` or, without a device id, `ip:<address>`. */
  key: string;
  indicators: MappedIndicator[];
  /** Asset name: hostname, else IP, else "Darktrace device <did>". */
  assetName: string;
}

const FQDN = /^(?=.{4,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAC = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/;

/**
 * A device becomes its indicators and one asset. System breaches (did -1) and SaaS or other
 * virtual pseudo-devices (negative subnet id, `SaaS::` names) have no address or host of
 * their own, so they yield nothing rather than bogus indicators.
 */
export function mapDevice(d: DeviceFacts): MappedDevice | undefined {
  const did = typeof d.did === 'number' && Number.isFinite(d.did) ? d.did : undefined;
  if (did !== undefined && did < 0) return undefined;
  const hostname = typeof d.hostname === 'string' ? d.hostname.trim() : '';
  if ((typeof d.sid === 'number' && d.sid < 0) || /^saas::/i.test(hostname)) return undefined;
  const indicators: MappedIndicator[] = [];
  const ip = addressOf(d.ip);
  if (ip) indicators.push({ typeName: isIPv4(ip) ? 'IP Address' : 'IPv6 Address', value: ip });
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host && FQDN.test(host) && !isIPv4(host)) indicators.push({ typeName: 'FQDN', value: host });
  const mac = typeof d.mac === 'string' ? d.mac.trim().toLowerCase().replace(/-/g, ':') : '';
  if (MAC.test(mac) && mac !== '00:00:00:00:00:00') indicators.push({ typeName: 'MAC Address', value: mac });
  if (did === undefined && indicators.length === 0) return undefined;
  const key = did !== undefined ? `did:${did}` : ip ? `ip:${ip}` : indicators[0]!.typeName === 'FQDN' ? `ip:${host}` : `mac:${mac}`;
  // A hostname is untrusted text: one line, and at most 255 characters (a pair never split).
  const assetName = oneLine(hostname) || ip || (did !== undefined ? `Darktrace device ${did}` : mac);
  return { key, indicators, assetName: clipText(assetName, 255).trimEnd() };
}

/** An address as Darktrace sends it, possibly CIDR-like (`175.16.199.1/24`), in canonical form. */
function addressOf(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const addr = value.trim().split('/')[0]!;
  if (isIPv4(addr)) return addr;
  if (isIPv6(addr) && !addr.includes('%')) return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  return undefined;
}
