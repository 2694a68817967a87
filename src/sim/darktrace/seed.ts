/**
 * Deterministic data for the Darktrace simulator: the same seed, counts and `now` always give
 * the same devices, breaches, AI Analyst incidents and (optionally) intel-feed entries. Records
 * carry every payload quirk of darktrace-api.md §6 and hostile strings in a fixed fraction; the
 * first few indices force each variant so even a 25-breach demo shows them.
 */
import type { DarktraceSim } from './createSim.ts';
import { generateBreach } from './seed/breaches.ts';
import type { DevicePools } from './seed/breaches.ts';
import { generateDevice } from './seed/devices.ts';
import { generateIncident } from './seed/events.ts';
import { Mulberry32 } from './seed/prng.ts';
import { DarktraceStore } from './store/store.ts';
import type { SimBreach, SimDevice } from './types.ts';

export interface SeedDarktraceOptions {
  /** PRNG seed (default 1). */
  seed?: number;
  breaches?: number;
  /** AI Analyst incident events. */
  aiEvents?: number;
  /** Alias of aiEvents. */
  events?: number;
  devices?: number;
  /** Records are spread over the last `days` days (default 7). */
  days?: number;
  /** Reference time (default: the simulator's clock). Pass it for reproducible timestamps. */
  now?: number;
  /** Intel-feed entries put under `intelFeedSource` (default 0). */
  intelFeedEntries?: number;
  /** Default `Default`. */
  intelFeedSource?: string;
  /** First pbid (default: after the highest stored, at least 1000); 13-digit values mimic Unified View. */
  pbidBase?: number;
}

export interface SeedSummary {
  devices: number;
  breaches: number;
  events: number;
  groups: number;
  intelFeedEntries: number;
}

export function seedDarktrace(target: DarktraceSim | DarktraceStore, options: SeedDarktraceOptions = {}): SeedSummary {
  const store = target instanceof DarktraceStore ? target : target.store;
  const rng = new Mulberry32(options.seed ?? 1);
  const now = options.now ?? store.now();
  const days = options.days ?? 7;
  const deviceCount = options.devices ?? 0;
  const breachCount = options.breaches ?? 0;
  const eventCount = options.aiEvents ?? options.events ?? 0;

  // Separate streams per record kind: changing one count does not reshuffle the others.
  const deviceRng = new Mulberry32(rng.next() * 2 ** 32);
  const breachRng = new Mulberry32(rng.next() * 2 ** 32);
  const eventRng = new Mulberry32(rng.next() * 2 ** 32);

  let did = 100;
  for (const d of store.devices.keys()) did = Math.max(did, d + 1);
  const pools: DevicePools = { network: [], saas: [] };
  const devices: SimDevice[] = [];
  for (let i = 0; i < deviceCount; i++) {
    const { device, kind } = generateDevice(deviceRng, i, did++, now, days);
    store.putDevice(device);
    devices.push(device);
    (kind === 'saas' ? pools.saas : pools.network).push(device.did);
  }

  let pbid = options.pbidBase ?? Math.max(1000, store.nextPbid());
  const breaches: SimBreach[] = [];
  for (let i = 0; i < breachCount; i++) {
    const b = generateBreach(breachRng, i, pbid++, now, days, pools);
    store.putBreach(b);
    breaches.push(b);
  }

  let made = 0;
  let groups = 0;
  while (made < eventCount) {
    const size = Math.min(eventCount - made, 1 + eventRng.int(eventRng.chance(0.7) ? 1 : 4));
    const { group, events } = generateIncident(eventRng, made, size, now, days, devices, breaches);
    for (const e of events) store.putEvent(e, group);
    made += events.length;
    groups++;
  }

  const feedCount = options.intelFeedEntries ?? 0;
  if (feedCount > 0) {
    const names: string[] = [];
    for (let i = 0; i < feedCount; i++) names.push(i % 5 === 4 ? `198.51.${(i >> 8) & 255}.${i & 255}` : `seed-${i}.watched.example`);
    store.intelFeed.add(options.intelFeedSource ?? 'Default', names, { description: 'Seeded entry' });
  }
  return { devices: deviceCount, breaches: breachCount, events: made, groups, intelFeedEntries: feedCount };
}
