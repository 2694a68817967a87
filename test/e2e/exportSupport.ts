/**
 * Shared pieces of the export end-to-end tests: small hand-made collections in the ThreatQ
 * simulator, a spy on what reached Darktrace's intel feed (every addlist after Darktrace's own
 * comma/newline split, every removeentry, every removeall), and views of the ledger.
 */
import assert from 'node:assert/strict';
import type { Harness } from './harness.ts';
import type { Sims } from '../../src/sim/startSims.ts';
import type { StateDb } from '../../src/state/openStateDb.ts';

export const SOURCE = 'ThreatQ';

export interface IndicatorSpec {
  type: 'FQDN' | 'IP Address' | 'IPv6 Address' | 'URL' | 'MD5';
  value: string;
}

export const fqdn = (value: string): IndicatorSpec => ({ type: 'FQDN', value });
export const ip = (value: string): IndicatorSpec => ({ type: 'IP Address', value });

/** Creates (or extends) a collection with these indicators; returns their ids in order. */
export function addToCollection(sims: Sims, collection: string, indicators: IndicatorSpec[]): number[] {
  const store = sims.threatq.sim.store;
  if (!store.savedSearchByName(collection)) store.createCollection(collection);
  const ids = indicators.map((i) => store.upsertIndicator({ type: i.type, value: i.value, status: 'Active' }).id);
  store.addToCollection(collection, ids);
  return ids;
}

export function removeFromCollection(sims: Sims, collection: string, values: string[]): void {
  const store = sims.threatq.sim.store;
  const ids = values.flatMap((v) => store.indicators.idsWithValue(v));
  assert.ok(ids.length >= values.length, `test setup: not every value exists in ThreatQ: ${values.join(', ')}`);
  store.removeFromCollection(collection, ids);
}

/** What Darktrace holds under a source, sorted. */
export function feedNames(sims: Sims, source = SOURCE): string[] {
  return sims.darktrace.sim
    .intelFeedEntries(source)
    .map((e) => e.name)
    .sort();
}

export function feedExpiry(sims: Sims, name: string, source = SOURCE): number | null | undefined {
  return sims.darktrace.sim.intelFeedEntries(source).find((e) => e.name === name)?.expiry;
}

export interface FeedWrite {
  kind: 'add' | 'remove' | 'removeAll';
  source?: string;
  names: string[];
  expiry?: number | null;
}

/**
 * Records every change that reached the simulated intel feed through its store: the route
 * splits `addlist` on commas and newlines before calling `add`, so `names` is exactly what a
 * real appliance would have stored. Hand edits through the sim API are recorded too, so call
 * `clear()` after setting a scene.
 */
export function spyOnFeed(sims: Sims): { writes: FeedWrite[]; clear(): void; added(): string[] } {
  const feed = sims.darktrace.sim.store.intelFeed;
  const writes: FeedWrite[] = [];
  const add = feed.add.bind(feed);
  const remove = feed.remove.bind(feed);
  const removeAll = feed.removeAll.bind(feed);
  feed.add = (source, names, options) => {
    const list = [...names];
    writes.push({ kind: 'add', source, names: list, expiry: options?.expiry ?? null });
    return add(source, list, options);
  };
  feed.remove = (source, names) => {
    const list = [...names];
    writes.push({ kind: 'remove', source, names: list });
    return remove(source, list);
  };
  feed.removeAll = () => {
    writes.push({ kind: 'removeAll', names: [] });
    return removeAll();
  };
  return {
    writes,
    clear: () => void writes.splice(0),
    added: () => writes.filter((w) => w.kind === 'add').flatMap((w) => w.names),
  };
}

/** POST /intelfeed requests in the simulator's request log since `from`. */
export function intelFeedPosts(sims: Sims, from = 0): number {
  return sims.darktrace.requests.slice(from).filter((r) => r.method === 'POST' && r.path === '/intelfeed').length;
}

export interface LedgerRow {
  value: string;
  state: string;
  collections_json: string;
  expires_at: number | null;
  first_added_at: number | null;
  last_pushed_at: number | null;
  removed_at: number | null;
  first_run_id: number;
  last_run_id: number;
}

export function withDb<T>(h: Harness, fn: (db: StateDb) => T): T {
  const db = h.db();
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function ledger(h: Harness): LedgerRow[] {
  return withDb(h, (db) => db.sqlite.prepare('SELECT * FROM export_ledger ORDER BY value').all() as LedgerRow[]);
}

/** The export tables as text, for byte-for-byte comparisons. */
export function dumpExportState(h: Harness): string {
  return withDb(h, (db) =>
    JSON.stringify({
      ledger: db.sqlite.prepare('SELECT * FROM export_ledger ORDER BY value').all(),
      actions: db.sqlite.prepare('SELECT * FROM export_actions ORDER BY id').all(),
      skips: db.sqlite.prepare('SELECT * FROM export_skips ORDER BY raw_value, reason').all(),
    }),
  );
}

export function actions(h: Harness, value?: string): Array<{ run_id: number; value: string; action: string; collections_json: string; expires_at: number | null }> {
  return withDb(h, (db) =>
    value === undefined
      ? (db.sqlite.prepare('SELECT * FROM export_actions ORDER BY id').all() as never)
      : (db.sqlite.prepare('SELECT * FROM export_actions WHERE value = ? ORDER BY id').all(value) as never),
  );
}

export interface RunRow {
  id: number;
  command: string;
  status: string;
  exit_code: number | null;
  counts_json: string | null;
  differential: number;
}

export function runs(h: Harness): RunRow[] {
  return withDb(h, (db) => db.sqlite.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[]);
}

export function lastExportCounts(h: Harness): Record<string, number> & { differential?: boolean } {
  const all = runs(h);
  const last = all[all.length - 1];
  assert.ok(last, 'a run was recorded');
  const counts = JSON.parse(last.counts_json ?? '{}') as { export?: Record<string, number> };
  assert.ok(counts.export, `the run recorded export counts: ${last.counts_json}`);
  return counts.export;
}

/**
 * The whole invariant after a converged run: Darktrace's entries under our source are exactly
 * `desired`, the ledger says 'present' for each of them and 'removed' for everything else it
 * knows, with no removed value left in Darktrace.
 */
export function assertConverged(h: Harness, desired: string[], message = ''): void {
  const want = [...desired].sort();
  assert.deepEqual(feedNames(h.sims), want, `${message} Darktrace's entries under '${SOURCE}' equal the desired set`);
  const rows = ledger(h);
  const present = rows.filter((r) => r.state === 'present').map((r) => r.value);
  assert.deepEqual(present, want, `${message} the ledger says 'present' for exactly the desired set`);
  const other = rows.filter((r) => r.state !== 'present');
  for (const r of other) assert.equal(r.state, 'removed', `${message} ledger row ${r.value} is 'removed'`);
  const inFeed = new Set(feedNames(h.sims));
  for (const r of other) assert.ok(!inFeed.has(r.value), `${message} removed value ${r.value} is absent from Darktrace`);
}

/** Entries of another source, placed by hand, that no export may touch. */
export function seedOtherSource(sims: Sims, source: string, names: string[]): void {
  sims.darktrace.sim.addIntelFeedEntries(source, names, { description: 'placed by hand', expiry: null });
}

export function assertOtherSourceIntact(sims: Sims, source: string, names: string[]): void {
  assert.deepEqual(feedNames(sims, source), [...names].sort(), `entries of source '${source}' are untouched`);
}
