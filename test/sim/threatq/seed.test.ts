import assert from 'node:assert/strict';
import test from 'node:test';
import { ThreatQStore } from '../../../src/sim/threatq/index.ts';
import { seedThreatQ } from '../../../src/sim/threatq/seed.ts';
import type { SeedThreatQOptions } from '../../../src/sim/threatq/seed.ts';
import { fixedClock } from '../../../src/clock.ts';

const OPTIONS: SeedThreatQOptions = {
  seed: 2024,
  collections: [
    { name: 'Export to Darktrace', size: 3000 },
    { name: 'High Confidence', size: 1000 },
  ],
  overlap: 0.25,
  hostileFraction: 0.3,
};

function snapshot(store: ThreatQStore): string {
  return JSON.stringify(store.listIndicators().map((v) => [v.id, v.value, v.typeName, v.statusName, v.score, v.createdAt, v.updatedAt, v.touchedAt, v.tags]));
}

function freshStore(now = Date.UTC(2030, 0, 1)): ThreatQStore {
  return new ThreatQStore({ clock: fixedClock(now) });
}

test('the same seed gives the same data (whatever the clock); another seed gives other data', () => {
  const a = freshStore();
  const b = freshStore(Date.UTC(2031, 5, 5));
  const c = freshStore();
  seedThreatQ(a, OPTIONS);
  seedThreatQ(b, OPTIONS);
  seedThreatQ(c, { ...OPTIONS, seed: 2025 });
  assert.equal(snapshot(a), snapshot(b));
  assert.notEqual(snapshot(a), snapshot(c));
  assert.deepEqual(
    a.savedSearches.map((s) => [s.name, s.hash]),
    b.savedSearches.map((s) => [s.name, s.hash]),
  );
});

test('collections have their exact sizes and the requested overlap', () => {
  const store = freshStore();
  const r = seedThreatQ(store, OPTIONS);
  const [first, second] = r.collections;
  assert.equal(first?.memberIds.length, 3000);
  assert.equal(second?.memberIds.length, 1000);
  const shared = [...(second?.memberIds ?? [])].filter((id) => first?.memberIds.includes(id)).length;
  assert.equal(shared, 250);
  assert.equal(r.created, 3750);
  assert.equal(store.indicators.count, 3750);
  for (const c of r.collections) {
    const ids = [...c.memberIds];
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'member ids ascending');
    assert.equal(new Set(ids).size, ids.length);
  }
});

test('exportable FQDN/IP/IPv6 indicators dominate, other types are present, no duplicates by type+value', () => {
  const store = freshStore();
  seedThreatQ(store, { ...OPTIONS, hostileFraction: 0.05 });
  const all = store.listIndicators();
  const byType = new Map<string, number>();
  for (const v of all) byType.set(v.typeName, (byType.get(v.typeName) ?? 0) + 1);
  for (const t of ['FQDN', 'IP Address', 'IPv6 Address']) assert.ok((byType.get(t) ?? 0) > all.length * 0.1, t);
  for (const t of ['URL', 'MD5', 'Email Address']) assert.ok((byType.get(t) ?? 0) > 0, t);
  assert.equal(new Set(all.map((v) => `${v.typeName}\u0000${v.value}`)).size, all.length);
  const statuses = new Set(all.map((v) => v.statusName));
  assert.ok(statuses.has('Active') && statuses.has('Whitelisted') && statuses.has('Review'));
  const normalIpv6 = all.filter((v) => v.typeName === 'IPv6 Address' && /^[0-9a-f:]+$/.test(v.value));
  assert.ok(normalIpv6.length > 0);
});

test('hostile values cover the catalogue an exporter must survive', () => {
  const store = freshStore();
  const r = seedThreatQ(store, { seed: 9, collections: [{ name: 'Hostile', size: 4000 }], hostileFraction: 1, otherTypeFraction: 0 });
  assert.equal(r.hostile, 4000);
  const values = store.listIndicators().map((v) => ({ type: v.typeName, value: v.value }));
  const fqdn = values.filter((v) => v.type === 'FQDN').map((v) => v.value);
  const ip = values.filter((v) => v.type === 'IP Address').map((v) => v.value);
  const ipv6 = values.filter((v) => v.type === 'IPv6 Address').map((v) => v.value);
  const has = (list: string[], re: RegExp, what: string) => assert.ok(list.some((v) => re.test(v)), what);
  has(fqdn, /,/, 'comma');
  has(fqdn, /\n/, 'newline');
  has(fqdn, /\S \S/, 'inner space');
  has(fqdn, /^\s|\s$/, 'leading/trailing space');
  has(fqdn, /^https?:\/\//, 'URL stored as FQDN');
  has(fqdn, /^\*\./, 'wildcard');
  has(fqdn, /:\d+$/, 'port');
  has(fqdn, /[A-Z]/, 'uppercase');
  has(fqdn, /\.$/, 'trailing dot');
  has(fqdn, /ü/, 'IDN');
  has(fqdn, /[^.]{64,}/, 'label over 63 characters');
  assert.ok(fqdn.some((v) => v.length > 253), 'name over 253 characters');
  has(fqdn, /<script>/, 'script');
  has(ip, /\/\d+$/, 'CIDR');
  has(ip, /:\d+$/, 'IP with port');
  has(ipv6, /[A-F]/, 'uppercase IPv6');
  has(ipv6, /:0000:/, 'zero-padded IPv6');
  has(ipv6, /%/, 'zone id');
  has(ipv6, /\/\d+$/, 'IPv6 CIDR');
  has(ipv6, /^\[/, 'bracketed IPv6');
});

test('seeding next to existing indicators skips clashing values and rejects bad fractions', () => {
  const store = freshStore();
  store.upsertIndicator({ value: 'keep.example', type: 'FQDN', status: 'Active' });
  const r = seedThreatQ(store, { seed: 1, collections: [{ name: 'C', size: 50 }] });
  assert.equal(r.collections[0]?.memberIds.length, 50);
  assert.equal(store.indicators.count, 51);
  assert.throws(() => seedThreatQ(freshStore(), { seed: 1, collections: [], overlap: 2 }), RangeError);
});
