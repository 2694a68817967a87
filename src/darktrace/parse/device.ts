import { isIPv6 } from 'node:net';
import type { Device, ParseResult } from '../types.ts';
import { parseList, type RecordOutcome } from './result.ts';
import { asArray, asObj, int, ms, str, text } from './values.ts';

/**
 * Reads a device from any endpoint: a breach's `device`, an AI Analyst `breachDevices[]` entry
 * (any field may be null) or a `/devices` entry (`time`/`endtime` for first/last seen, omitted
 * fields). Returns undefined only for something that is not an object.
 */
export function parseDevice(raw: unknown): Device | undefined {
  const d = asObj(raw);
  if (!d) return undefined;
  const did = int(d.did ?? d.id);
  const sid = int(d.sid);
  const hostname = text(d.hostname);
  const ip = text(d.ip);
  const device: Device = {
    did,
    ip,
    hostname,
    mac: text(d.macaddress) ?? text(d.mac),
    sid,
    label: text(d.devicelabel) ?? text(d.label),
    isSystem: did === -1,
    isSaas: (sid !== null && sid < 0) || (hostname !== null && /^saas::/i.test(hostname.trim())),
  };
  const ipv6 = firstIpv6(ip, d.ips);
  if (ipv6) device.ipv6 = ipv6;
  if ('identifier' in d) device.identifier = str(d.identifier);
  if ('typename' in d) device.typeName = str(d.typename);
  const firstSeen = ms(d.firstSeen ?? d.time);
  const lastSeen = ms(d.lastSeen ?? d.endtime);
  if (firstSeen !== null) device.firstSeen = firstSeen;
  if (lastSeen !== null) device.lastSeen = lastSeen;
  return device;
}

/** `GET /devices` list answer. */
export function parseDevices(body: unknown): ParseResult<Device> {
  return parseList(body, parseDeviceRecord, 'device');
}

export function parseDeviceRecord(raw: unknown): RecordOutcome<Device> {
  const device = parseDevice(raw);
  if (!device) return { ok: false, reason: 'device is not an object' };
  if (device.did === null) return { ok: false, reason: 'device has no usable did' };
  return { ok: true, record: device };
}

function firstIpv6(ip: string | null, ips: unknown): string | undefined {
  const candidates = [ip, ...asArray(ips).map((e) => str(asObj(e)?.ip))];
  for (const c of candidates) {
    const addr = c?.trim().split('/')[0];
    if (addr && isIPv6(addr)) return addr;
  }
  return undefined;
}
