/**
 * Deterministic ThreatQ data: Threat Library collections of FQDN, IP Address and IPv6 Address
 * indicators (plus URL, MD5, e-mail… that an export must skip), overlapping between
 * collections, with a chosen share of hostile values. Same seed and options, same store
 * content — ids, values, statuses and dates (dates count back from `baseTime`, not the clock).
 * A million indicators take a few seconds.
 */
import { parseTqDate } from './dates.ts';
import { normalFqdn, normalIpv4, normalIpv6, hostileFqdn, hostileIpv4, hostileIpv6, otherTypeValue, OTHER_TYPES } from './hostileValues.ts';
import { Prng } from './prng.ts';
import type { ThreatQStore } from './store.ts';

export interface SeedCollectionSpec {
  name: string;
  /** Members of the collection (shared ones included). */
  size: number;
  /** Optional saved-search `filters`, e.g. `{"+and":[{"status_name":"Active"}]}`. */
  filters?: unknown;
}

export interface SeedThreatQOptions {
  seed: number;
  collections: SeedCollectionSpec[];
  /** Share of each later collection's members taken from earlier collections (0..1, default 0.1). */
  overlap?: number;
  /** Share of FQDN/IP/IPv6 values that are hostile (0..1, default 0.05). */
  hostileFraction?: number;
  /** Share of indicators of types the export must skip (0..1, default 0.1). */
  otherTypeFraction?: number;
  /** Newest possible created/updated time, seconds since the epoch (default 2024-06-01 00:00:00 UTC). */
  baseTime?: number;
}

export interface SeededCollection {
  id: number;
  name: string;
  hash: string;
  size: number;
  /** Member indicator ids, ascending. */
  memberIds: Int32Array;
}

export interface SeedResult {
  collections: SeededCollection[];
  /** Indicators this call created. */
  created: number;
  /** How many of them carry hostile values. */
  hostile: number;
}

const STATUS_WEIGHTS: ReadonlyArray<[string, number]> = [
  ['Active', 0.8],
  ['Review', 0.08],
  ['Expired', 0.05],
  ['Indirect', 0.04],
  ['Whitelisted', 0.03],
];

const DEFAULT_BASE = parseTqDate('2024-06-01 00:00:00') as number;
const YEAR = 365 * 86_400;

function fraction(name: string, v: number | undefined, fallback: number): number {
  const x = v ?? fallback;
  if (!(x >= 0 && x <= 1)) throw new RangeError(`seedThreatQ: ${name} must be between 0 and 1, got ${String(v)}`);
  return x;
}

export function seedThreatQ(target: ThreatQStore | { store: ThreatQStore }, options: SeedThreatQOptions): SeedResult {
  const store = 'store' in target ? target.store : target;
  const overlap = fraction('overlap', options.overlap, 0.1);
  const hostileFraction = fraction('hostileFraction', options.hostileFraction, 0.05);
  const otherFraction = fraction('otherTypeFraction', options.otherTypeFraction, 0.1);
  const base = options.baseTime ?? DEFAULT_BASE;
  const rng = new Prng(options.seed);
  const table = store.indicators;

  const typeId = (name: string) => {
    const t = store.indicatorType(name);
    if (!t) throw new Error(`seedThreatQ: indicator type '${name}' is missing`);
    return t.id;
  };
  const fqdn = typeId('FQDN');
  const ip = typeId('IP Address');
  const ipv6 = typeId('IPv6 Address');
  const others = OTHER_TYPES.map((name) => ({ name, id: typeId(name) }));
  const statuses = STATUS_WEIGHTS.map(([name, w]) => {
    const s = store.status(name);
    if (!s) throw new Error(`seedThreatQ: indicator status '${name}' is missing`);
    return { id: s.id, w };
  });
  const pickStatus = () => {
    let r = rng.next();
    for (const s of statuses) {
      if (r < s.w) return s.id;
      r -= s.w;
    }
    return (statuses[0] as { id: number }).id;
  };

  const total = options.collections.reduce((sum, c) => sum + Math.max(0, Math.floor(c.size)), 0);
  table.reserve(total);
  const firstId = table.count + 1;
  let serial = table.count + 1;
  let hostile = 0;
  // Generated values never repeat, so only indicators that existed before can clash.
  const mayClash = table.count > 0;

  const createOne = (): number => {
    for (;;) {
      const n = serial++;
      let type: number;
      let value: string;
      const roll = rng.next();
      const bad = rng.next() < hostileFraction;
      if (roll < otherFraction) {
        const o = rng.pick(others);
        type = o.id;
        value = otherTypeValue(o.name, n, rng);
      } else {
        const r = rng.next();
        if (r < 0.55) {
          type = fqdn;
          value = bad ? hostileFqdn(n, rng) : normalFqdn(n, rng);
        } else if (r < 0.85) {
          type = ip;
          value = bad ? hostileIpv4(n, rng) : normalIpv4(n, rng);
        } else {
          type = ipv6;
          value = bad ? hostileIpv6(n, rng) : normalIpv6(n, rng);
        }
      }
      const createdAt = base - rng.int(YEAR);
      const updatedAt = createdAt + rng.int(base - createdAt + 1);
      const touchedAt = updatedAt + rng.int(base - updatedAt + 1);
      const statusId = pickStatus();
      const score = rng.int(11);
      // Values are unique by construction; an indicator a test added before seeding may still clash.
      if (mayClash && table.find(type, value) !== undefined) continue;
      if (bad && roll >= otherFraction) hostile++;
      return table.insert({ value, typeId: type, statusId, score, createdAt, updatedAt, touchedAt });
    }
  };

  const collections: SeededCollection[] = [];
  for (const spec of options.collections) {
    const size = Math.max(0, Math.floor(spec.size));
    const poolSize = table.count + 1 - firstId;
    const shared = collections.length === 0 ? 0 : Math.min(poolSize, Math.round(size * overlap));
    const members = new Int32Array(size);
    if (shared > 0) {
      // Partial Fisher-Yates over the ids seeded so far: `shared` distinct earlier indicators.
      const pool = new Int32Array(poolSize);
      for (let k = 0; k < poolSize; k++) pool[k] = firstId + k;
      for (let k = 0; k < shared; k++) {
        const j = k + rng.int(poolSize - k);
        const tmp = pool[k] as number;
        pool[k] = pool[j] as number;
        pool[j] = tmp;
      }
      members.set(pool.subarray(0, shared).sort());
    }
    for (let k = shared; k < size; k++) members[k] = createOne();
    const search = store.createCollection(spec.name, { filters: spec.filters });
    store.tagIndicatorsBulk(members, spec.name);
    collections.push({ id: search.id, name: search.name, hash: search.hash, size, memberIds: members });
  }
  store.indicatorVersion++;
  return { collections, created: table.count + 1 - firstId, hostile };
}
