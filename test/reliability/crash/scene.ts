/**
 * The crash campaign's world: both simulators and a config directory that live for a whole
 * campaign, and a model of what the ThreatQ collections hold, changed between runs the way real
 * life changes them — Darktrace alerts arrive, get acknowledged, scored, commented and merged;
 * indicators join and leave collections; intel-feed entries get deleted by hand, lapse, near
 * their expiry, or appear under our source by mistake. The model, not the connector, says what
 * the intel feed must hold afterwards.
 */
import { startHarness, type Harness } from '../../e2e/harness.ts';
import { SOURCE, spyOnFeed, type IndicatorSpec } from '../../e2e/exportSupport.ts';
import { MODEL_CATALOGUE } from '../../../src/sim/darktrace/seed/models.ts';
import { rngFor, sample, type Rng } from './rng.ts';

export const COLLECTION_A = 'Export to Darktrace';
export const COLLECTION_B = 'Watch List';
/** Exists in ThreatQ but is not configured: nothing in it alone may reach Darktrace. */
export const NOT_EXPORTED = 'Not Exported';
export const OTHER_SOURCE = 'Analyst';
/** Hand-placed entries of another source, two of them values our collections also hold. */
export const OTHER_ENTRIES = ['analyst-only.crash.example', 'n1.crash.example', '198.51.100.2'];

/** Small batches: every run makes many requests, so kills land between many different writes. */
export const CRASH_ENV = { TQDT_INGEST_BATCH_SIZE: '6', TQDT_EXPORT_BATCH_SIZE: '3' };

export interface PoolItem extends IndicatorSpec {
  /** The intel-feed entry it becomes, or null when the connector must skip it. */
  entry: string | null;
}

/** Raw spellings whose entry is known: normalisation and skipping take part in every run. */
const SPECIAL: PoolItem[] = [
  { type: 'FQDN', value: 'Mixed.Crash.Example.', entry: 'mixed.crash.example' },
  { type: 'FQDN', value: 'bad,split.crash.example', entry: null },
  { type: 'FQDN', value: 'http://url.crash.example/x', entry: null },
  { type: 'IPv6 Address', value: '2001:DB8:0:0:0:0:0:AA', entry: '2001:db8::aa' },
];

type Cleanup = () => unknown;

export class CrashScene {
  readonly h: Harness;
  readonly spy: ReturnType<typeof spyOnFeed>;
  /** Collection → raw values of its members. */
  readonly members = new Map<string, Set<string>>([
    [COLLECTION_A, new Set()],
    [COLLECTION_B, new Set()],
    [NOT_EXPORTED, new Set()],
  ]);
  readonly #items = new Map<string, PoolItem>();
  readonly #cleanups: Cleanup[];
  #minted = 0;
  #strays = 0;

  private constructor(h: Harness, cleanups: Cleanup[]) {
    this.h = h;
    this.#cleanups = cleanups;
    for (const [name] of this.members) if (!h.sims.threatq.sim.store.savedSearchByName(name)) h.sims.threatq.sim.store.createCollection(name);
    h.sims.darktrace.sim.addIntelFeedEntries(OTHER_SOURCE, OTHER_ENTRIES, { description: 'placed by hand', expiry: null });
    for (const item of SPECIAL) this.#items.set(item.value, item);
    this.spy = spyOnFeed(h.sims);
  }

  /** A fresh world: 40 breaches and 8 AI Analyst events from the last 5 hours, about 20 indicators in collections. */
  static async start(seed: number): Promise<CrashScene> {
    const cleanups: Cleanup[] = [];
    try {
      const h = await startHarness(
        { after: (fn) => cleanups.push(fn) },
        {
          seed,
          collections: [COLLECTION_A, COLLECTION_B],
          darktrace: { seedCounts: { breaches: 40, aiEvents: 8, devices: 20, days: 0.2 } },
          env: CRASH_ENV,
        },
      );
      const scene = new CrashScene(h, cleanups);
      scene.#populate(rngFor(seed, 0, 'populate'));
      return scene;
    } catch (error) {
      for (const fn of cleanups) await fn();
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const fn of this.#cleanups.splice(0)) await fn();
  }

  /** Intel-feed entries the configured collections call for, sorted. */
  desired(): string[] {
    const out = new Set<string>();
    for (const name of [COLLECTION_A, COLLECTION_B]) {
      for (const raw of this.members.get(name)!) {
        const entry = this.#items.get(raw)!.entry;
        if (entry !== null) out.add(entry);
      }
    }
    return [...out].sort();
  }

  /** Raw values of indicators the collections hold (to check nothing else changed them). */
  collectionValues(): PoolItem[] {
    const raws = new Set<string>();
    for (const set of this.members.values()) for (const raw of set) raws.add(raw);
    return [...raws].map((r) => this.#items.get(r)!);
  }

  /** `kind:id` of every alert Darktrace holds: each must end up as exactly one ThreatQ event. */
  alertKeys(): string[] {
    const store = this.h.sims.darktrace.sim.store;
    return [...[...store.breaches.keys()].map((p) => `model_breach:${p}`), ...[...store.events.keys()].map((id) => `ai_analyst:${id}`)].sort();
  }

  /**
   * One step of real life. Returns a short description of what changed (for the progress line).
   * Every choice comes from `rng` and from the scene's own model, never from what the connector
   * did, so a replay makes the same changes.
   */
  evolve(rng: Rng): string {
    const notes = [...this.#evolveAlerts(rng), ...this.#evolveCollections(rng), ...this.#evolveFeed(rng)];
    this.spy.clear();
    return notes.join(', ') || 'no change';
  }

  #evolveAlerts(rng: Rng): string[] {
    const dt = this.h.sims.darktrace.sim;
    const store = dt.store;
    const now = dt.now();
    const notes: string[] = [];
    const dids = [...store.devices.keys()].filter((d) => d > 0).sort((a, b) => a - b);
    const pbids = () => [...store.breaches.keys()].sort((a, b) => a - b);
    const models = MODEL_CATALOGUE.filter((m) => m.kind === 'network' || m.kind === 'saas' || m.kind === 'watched');
    const newBreaches = rng.int(4);
    for (let i = 0; i < newBreaches; i++) {
      const time = now - rng.int(2 * 3_600_000) - 60_000;
      const input = { did: rng.pick(dids), time, creationTime: time + 5_000, score: Math.round(rng.next() * 100) / 100, modelName: rng.pick(models).then.name };
      if (rng.chance(0.2)) dt.addLateBreach({ ...input, delayMs: 3 * 3_600_000, creationTime: now - 30_000, time: undefined });
      else dt.addBreach(input);
    }
    if (newBreaches) notes.push(`+${newBreaches} breaches`);
    const acked = sample(rng, pbids(), rng.int(3));
    for (const p of acked) dt.acknowledgeBreach(p, 'soc.analyst');
    if (rng.chance(0.1)) dt.unacknowledgeBreach(rng.pick(pbids()));
    const rescored = sample(rng, pbids(), rng.int(3));
    for (const p of rescored) dt.setBreachScore(p, Math.round(rng.next() * 100) / 100);
    if (rng.chance(0.4)) dt.addBreachComment(rng.pick(pbids()), `Looked at in step ${rng.hex(4)}`, 'soc.analyst');
    if (acked.length + rescored.length) notes.push(`${acked.length + rescored.length} breaches changed`);

    const events = [...store.events.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    if (rng.chance(0.25)) {
      const like = rng.pick(events.filter((e) => e.breachDevices.length > 0));
      dt.addEvent({ createdAt: now - rng.int(3_600_000) - 60_000, breachDevices: structuredClone(like.breachDevices), aiaScore: 10 + rng.int(90), title: like.title, summary: like.summary, summariser: like.summariser });
      notes.push('+1 AI Analyst event');
    }
    if (rng.chance(0.15)) {
      const e = rng.pick(events);
      if (rng.chance(0.5)) dt.acknowledgeEvent(e.id, !e.acknowledged);
      else dt.pinEvent(e.id, !e.pinned);
    }
    const groups = [...store.groups.values()].filter((g) => g.eventIds.length > 0).map((g) => g.id).sort();
    if (groups.length >= 2 && rng.chance(0.1)) {
      const [from, into] = sample(rng, groups, 2) as [string, string];
      dt.mergeIncident(from, into);
      notes.push('incident merge');
    }
    return notes;
  }

  /** The collections before the first run: enough for several addlist batches, the special spellings included. */
  #populate(rng: Rng): void {
    const put = (collection: string, raw: string) => {
      const item = this.#items.get(raw)!;
      const { id } = this.h.sims.threatq.sim.store.upsertIndicator({ type: item.type, value: item.value, status: 'Active' });
      this.h.sims.threatq.sim.store.addToCollection(collection, [id]);
      this.members.get(collection)!.add(raw);
    };
    for (const item of SPECIAL) put(rng.pick([COLLECTION_A, COLLECTION_B]), item.value);
    for (let i = 0; i < 14; i++) put(COLLECTION_A, this.#mint(rng).value);
    for (let i = 0; i < 6; i++) put(COLLECTION_B, this.#mint(rng).value);
    put(COLLECTION_B, rng.pick([...this.members.get(COLLECTION_A)!].sort()));
    for (let i = 0; i < 3; i++) put(NOT_EXPORTED, this.#mint(rng).value);
    this.spy.clear();
  }

  #evolveCollections(rng: Rng): string[] {
    const store = this.h.sims.threatq.sim.store;
    const exported = [COLLECTION_A, COLLECTION_B];
    let added = 0;
    let removed = 0;
    const joins = rng.int(5);
    for (let i = 0; i < joins; i++) {
      const collection = rng.chance(0.1) ? NOT_EXPORTED : rng.pick(exported);
      const members = this.members.get(collection)!;
      const outside = [...this.#items.keys()].filter((raw) => !members.has(raw)).sort();
      // Mostly new indicators; sometimes one that left earlier comes back (restore paths).
      const raw = outside.length > 0 && rng.chance(0.35) ? rng.pick(outside) : this.#mint(rng).value;
      const item = this.#items.get(raw)!;
      const { id } = store.upsertIndicator({ type: item.type, value: item.value, status: 'Active' });
      store.addToCollection(collection, [id]);
      members.add(raw);
      added++;
    }
    const leaves = rng.int(4);
    for (let i = 0; i < leaves; i++) {
      const collection = rng.pick([...exported, ...exported, NOT_EXPORTED]);
      const members = this.members.get(collection)!;
      if (members.size === 0) continue;
      const raw = rng.pick([...members].sort());
      const item = this.#items.get(raw)!;
      const id = store.findIndicator(item.type, item.value);
      if (id === undefined) throw new Error(`crash scene: indicator '${raw}' vanished from ThreatQ`);
      store.removeFromCollection(collection, [id]);
      members.delete(raw);
      removed++;
    }
    return added + removed ? [`collections +${added}/-${removed}`] : [];
  }

  #evolveFeed(rng: Rng): string[] {
    const dt = this.h.sims.darktrace.sim;
    const ours = dt.intelFeedEntries(SOURCE).map((e) => e.name).sort();
    const notes: string[] = [];
    if (ours.length > 0 && rng.chance(0.15)) {
      dt.removeIntelFeedEntries(SOURCE, [rng.pick(ours)]);
      notes.push('entry deleted by hand');
    }
    if (ours.length > 0 && rng.chance(0.1)) {
      // Re-added with an expiry already past: the appliance drops it, as if it had lapsed.
      dt.addIntelFeedEntries(SOURCE, [rng.pick(ours)], { expiry: dt.now() - 1_000 });
      notes.push('entry lapsed');
    }
    if (ours.length > 0 && rng.chance(0.2)) {
      dt.addIntelFeedEntries(SOURCE, [rng.pick(ours)], { expiry: dt.now() + 3_600_000, description: 'about to lapse' });
      notes.push('entry near expiry');
    }
    if (rng.chance(0.1)) {
      dt.addIntelFeedEntries(SOURCE, [`stray${++this.#strays}.crash.example`], { expiry: null, description: 'added by hand under our source' });
      notes.push('stray entry');
    }
    return notes;
  }

  /** A new indicator for the pool: domains, IPv4 and IPv6, some spelt so normalisation matters. */
  #mint(rng: Rng): PoolItem {
    const n = ++this.#minted;
    const roll = rng.int(10);
    let item: PoolItem;
    if (roll < 5) item = { type: 'FQDN', value: `n${n}.crash.example`, entry: `n${n}.crash.example` };
    else if (roll < 6) item = { type: 'FQDN', value: `N${n}.Upper.Crash.Example.`, entry: `n${n}.upper.crash.example` };
    else if (roll < 8) {
      const v = `${n % 2 ? '198.51.100' : '203.0.113'}.${Math.floor(n / 2) % 250}`;
      item = { type: 'IP Address', value: v, entry: v };
    } else if (roll < 9) item = { type: 'IPv6 Address', value: `2001:db8::${n.toString(16)}`, entry: `2001:db8::${n.toString(16)}` };
    else item = { type: 'FQDN', value: `n${n}.crash.example:8080`, entry: null };
    // IPv4 values repeat after 500 mints: keep the first item of that value.
    if (!this.#items.has(item.value)) this.#items.set(item.value, item);
    return this.#items.get(item.value)!;
  }
}
