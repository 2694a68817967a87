/**
 * The two device shapes: the one embedded in breaches (`firstSeen`/`lastSeen`) and the `/devices`
 * one (`id`, `time`/`endtime`). Missing attributes are omitted, never null.
 */
import type { SimDevice } from '../types.ts';

export function breachDeviceJson(did: number, device: SimDevice | undefined): Record<string, unknown> {
  if (did === -1 || !device) return { did };
  const out: Record<string, unknown> = { did: device.did };
  copy(out, device, 'macaddress', 'vendor', 'ip', 'ips', 'sid', 'hostname');
  out.firstSeen = device.firstSeen;
  out.lastSeen = device.lastSeen;
  copy(out, device, 'os', 'devicelabel', 'typename', 'typelabel', 'credentials', 'tags');
  return out;
}

export function devicesEndpointJson(device: SimDevice, includeTags: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: device.did, did: device.did };
  copy(out, device, 'macaddress', 'vendor', 'ip', 'ips', 'sid', 'hostname');
  out.time = device.firstSeen;
  out.endtime = device.lastSeen;
  copy(out, device, 'os', 'devicelabel', 'typename', 'typelabel');
  if (device.priority) out.priority = device.priority;
  copy(out, device, 'credentials');
  if (includeTags) out.tags = device.tags ?? [];
  return out;
}

function copy(out: Record<string, unknown>, device: SimDevice, ...keys: (keyof SimDevice)[]): void {
  for (const k of keys) if (device[k] !== undefined) out[k] = device[k];
}
