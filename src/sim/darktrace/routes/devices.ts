/**
 * `GET /devices`: an array of `/devices`-shaped devices (last seen within `seensince`, default
 * 7 days), or with `did=` that one device as an object.
 */
import { sendJson, sendJsonArray } from '../http/respond.ts';
import { devicesEndpointJson } from '../present/device.ts';
import type { SimDevice } from '../types.ts';
import { inputError } from './context.ts';
import type { RouteContext } from './context.ts';
import { DAY_MS } from './window.ts';

const UNIT_MS: Record<string, number> = { min: 60_000, hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS };

export async function listDevices(ctx: RouteContext): Promise<void> {
  const { params, store } = ctx;
  const includeTags = params.bool('includetags') === true;
  const did = params.number('did');
  if (did !== undefined) {
    const d = store.devices.get(did);
    // No evidence of an error body for an unknown did; an empty hover card is the gentlest guess.
    sendJson(ctx.responder, 200, d ? devicesEndpointJson(d, includeTags) : {});
    return;
  }
  const seenSince = params.string('seensince');
  const sinceMs = seenSince === undefined ? 7 * DAY_MS : parseSeenSince(seenSince);
  if (sinceMs === undefined) throw inputError(ctx);
  const ip = params.string('ip');
  const mac = params.string('mac')?.toLowerCase();
  const sid = params.number('sid');
  const count = params.number('count');
  const cutoff = ctx.now - sinceMs;
  function* matching(): Generator<SimDevice> {
    let n = 0;
    for (const d of store.devices.values()) {
      if (d.lastSeen < cutoff) continue;
      if (ip !== undefined && d.ip !== ip && !d.ips?.some((x) => x.ip === ip)) continue;
      if (mac !== undefined && d.macaddress?.toLowerCase() !== mac) continue;
      if (sid !== undefined && d.sid !== sid) continue;
      if (count !== undefined && n >= count) return;
      n++;
      yield d;
    }
  }
  await sendJsonArray(ctx.responder, matching(), (d) => JSON.stringify(devicesEndpointJson(d, includeTags)));
}

/** Seconds, or `5min` / `2hour` / `3day` / `1week`. */
function parseSeenSince(text: string): number | undefined {
  const m = /^(\d+)\s*(min|hour|day|week)?s?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2]?.toLowerCase();
  return Number(m[1]) * (unit ? (UNIT_MS[unit] as number) : 1000);
}
