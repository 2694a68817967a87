/**
 * Devices modelled on the recorded payloads: network devices with and without hostname, MAC or
 * vendor, IPv6 devices, SaaS users (negative sid, `SaaS::<Platform>: <user>` hostname, no IP,
 * credentials) and a few with hostile names. Early indices force each variant so small seeds
 * still cover them.
 */
import { formatSpaced } from '../http/params.ts';
import type { SimDevice } from '../types.ts';
import { HOSTILE_STRINGS } from './hostile.ts';
import type { Mulberry32 } from './prng.ts';

export type DeviceKind = 'network' | 'ipv6' | 'saas';

export interface SeededDevice {
  device: SimDevice;
  kind: DeviceKind;
}

const DAY = 86_400_000;
const SAAS_PLATFORMS = ['Office365', 'AzureActiveDirectory', 'GoogleWorkspace', 'Salesforce', 'Okta'];
const FIRST = ['sarah', 'li', 'omar', 'anna', 'jose', 'priya', 'tom', 'mei', 'ivan', 'zoe'];
const TYPES: [string, string][] = [
  ['desktop', 'Desktop'],
  ['laptop', 'Laptop'],
  ['server', 'Server'],
  ['mobile', 'Mobile Device'],
  ['iot', 'IoT Device'],
  ['printer', 'Printer'],
];
const VENDORS = ['Apple', 'Dell Inc.', 'Hewlett Packard', 'Cisco Systems', 'Intel Corporate', 'Raspberry Pi Foundation'];
const OSES = ['Linux 3.11 and newer', 'Windows NT kernel', 'Mac OS X', 'iOS', 'Android'];
const LABELS = ['Sarah Development', 'vSensor01', 'Finance Printer', 'Build Agent', 'S1-Lap-Csens'];

export function generateDevice(rng: Mulberry32, index: number, did: number, now: number, days: number): SeededDevice {
  const kind: DeviceKind = index === 1 ? 'saas' : index === 2 ? 'ipv6' : rng.chance(0.06) ? 'saas' : rng.chance(0.05) ? 'ipv6' : 'network';
  const hostile = index === 5 || rng.chance(0.02);
  const firstSeen = now - (days + rng.int(400)) * DAY - rng.int(DAY);
  const lastSeen = Math.max(firstSeen, now - rng.int(Math.max(1, days) * DAY));

  if (kind === 'saas') {
    const platform = rng.pick(SAAS_PLATFORMS);
    const user = `${rng.pick(FIRST)}.${index}@example.com`;
    const device: SimDevice = {
      did,
      sid: rng.pick([-9, -11, -7]),
      hostname: `SaaS::${platform}: ${hostile ? `${rng.pick(HOSTILE_STRINGS)}${user}` : user}`,
      typename: 'saasprovider',
      typelabel: 'SaaS Provider',
      firstSeen,
      lastSeen,
      credentials: [{ credential: user, lastSeen }],
    };
    return { device, kind };
  }

  const sid = 1 + rng.int(150);
  const ip = kind === 'ipv6' ? `2001:db8:${rng.hex(4)}::${rng.hex(4)}` : `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
  const [typename, typelabel] = rng.pick(TYPES);
  const device: SimDevice = { did, sid, ip, typename, typelabel, firstSeen, lastSeen };
  const seenHour = Math.floor(lastSeen / 3_600_000) * 3_600_000;
  // Like the recordings, the latest `ips` entry sometimes differs from `ip`.
  const listedIp = rng.chance(0.1) ? `172.31.${rng.int(256)}.${rng.int(256)}` : ip;
  device.ips = [{ ip: listedIp, timems: seenHour, time: formatSpaced(seenHour), sid }];
  if (index !== 4 && rng.chance(0.85)) device.macaddress = macAddress(rng);
  if (device.macaddress && rng.chance(0.8)) device.vendor = rng.chance(0.15) ? '' : rng.pick(VENDORS);
  if (index !== 3 && rng.chance(0.85)) device.hostname = hostile ? rng.pick(HOSTILE_STRINGS) : `${typename}-${did.toString(36)}.corp.example`;
  if (rng.chance(0.6)) device.os = rng.pick(OSES);
  if (hostile) device.devicelabel = rng.pick(HOSTILE_STRINGS);
  else if (rng.chance(0.2)) device.devicelabel = rng.pick(LABELS);
  if (rng.chance(0.1)) device.priority = 1 + rng.int(5);
  if (rng.chance(0.05)) device.tags = [tag(54, 'Internet Facing System'), tag(29, 'Linux')];
  return { device, kind };
}

function macAddress(rng: Mulberry32): string {
  const hex = rng.hex(12);
  return hex.replace(/(..)(?!$)/g, '$1:');
}

function tag(tid: number, name: string): Record<string, unknown> {
  return { tid, expiry: 0, thid: tid, name, restricted: false, data: { auto: false, color: 110, description: '', visibility: 'Public' }, isReferenced: true };
}
