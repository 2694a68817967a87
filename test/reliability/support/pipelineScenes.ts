/**
 * The runs the pipeline fault matrix disturbs: small seeded scenes (the kill-test sizes, several
 * consume and addlist batches each), brought to the moment just before the run under test, and
 * the checks that a run converged — measured first (lost / duplicated), then asserted.
 */
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../e2e/harness.ts';
import { alertKeyOf, alertsIn, assertExactlyOnce, AIA_ID, BREACH_ID, changeScene, killSceneOptions, tqSnapshot, type TqSnapshot } from '../../e2e/ingestKillSupport.ts';
import { addToCollection, assertConverged, assertOtherSourceIntact, feedNames, fqdn, removeFromCollection, seedOtherSource } from '../../e2e/exportSupport.ts';
import { TIMEOUT_SECONDS } from '../../api/support.ts';

export interface Cleanup {
  after(fn: () => unknown): void;
}

/** What a converged state looks like, captured from a fault-free reference run. */
export interface Reference {
  alerts: Map<string, string>;
  tq: TqSnapshot;
}

export interface Damage {
  lost: number;
  duplicated: number;
}

export interface Scene {
  name: string;
  pipeline: 'ingest' | 'export';
  /** The command line of the run under test (the harness adds `-c`). */
  args: readonly string[];
  /** Fresh simulators and config, brought to the moment just before the run under test. */
  prepare(t: Cleanup): Promise<Harness>;
  /** What is missing or doubled compared with the reference (the reliability figures). */
  measure(h: Harness, ref: Reference): Damage;
  /** Asserts the whole converged state: objects, their links, the ledger, other sources untouched. */
  check(h: Harness, ref: Reference, note: string): void;
}

// Fixed for the whole file: every case's scene holds the same alerts, so every run makes the
// same requests in the same order and "the nth request of a route" means the same thing.
const NOW = Date.now();

/** Short request timeouts (the API fault matrix's), so hangs and stalls cost a second each. */
const TIMEOUTS = { DARKTRACE_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS), TQ_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) };

/** A ThreatQ indicator no Darktrace alert mentions: ingest must leave it exactly as it is. */
const BYSTANDER = { type: 'FQDN', value: 'analyst-only.example', status: 'Active' };

function ingestHarness(t: Cleanup): Promise<Harness> {
  const scene = killSceneOptions(NOW);
  return startHarness(t, { ...scene, env: { ...scene.env, ...TIMEOUTS } }).then((h) => {
    h.sims.threatq.sim.store.upsertIndicator(BYSTANDER);
    return h;
  });
}

function measureIngest(h: Harness, ref: Reference): Damage {
  const store = h.sims.threatq.sim.store;
  let lost = 0;
  let duplicated = 0;
  for (const key of ref.alerts.keys()) {
    const i = key.indexOf(':');
    const n = store.countEventsByAttribute(key.slice(0, i) === 'model_breach' ? BREACH_ID : AIA_ID, key.slice(i + 1));
    if (n === 0) lost++;
    else duplicated += n - 1;
  }
  duplicated += store.listEvents().filter((e) => !ref.alerts.has(alertKeyOf(e.attributes) ?? '')).length;
  return { lost, duplicated };
}

function checkIngest(h: Harness, ref: Reference, note: string): void {
  assertExactlyOnce(h, ref.alerts, note);
  assert.deepEqual(tqSnapshot(h.sims), ref.tq, `${note}ThreatQ holds exactly what a fault-free run leaves (attributes, links, the bystander indicator untouched)`);
}

export const INGEST_FIRST: Scene = {
  name: 'ingest, first run',
  pipeline: 'ingest',
  args: ['ingest', '-hist', '1'],
  prepare: ingestHarness,
  measure: measureIngest,
  check: checkIngest,
};

export const INGEST_CHANGES: Scene = {
  name: 'ingest, changes after a first run',
  pipeline: 'ingest',
  args: ['ingest'],
  async prepare(t) {
    const h = await ingestHarness(t);
    const first = await h.run([...INGEST_FIRST.args, '-ll', h.dir]);
    assert.equal(first.code, 0, `scene set-up: the first ingest succeeds: ${first.stderr}`);
    changeScene(h.sims, NOW);
    return h;
  },
  measure: measureIngest,
  check: checkIngest,
};

const A = 'Export to Darktrace';
const B = 'Watch List';
const OTHER_SOURCE = 'Analyst';
const OTHER = ['a.example', 'c.example', 'mine-not.example'];
/** After the change: a, b left collection A; h..k joined B. */
export const DESIRED = ['c.example', 'd.example', 'e.example', 'f.example', 'g.example', 'h.example', 'i.example', 'j.example', 'k.example'];

export const EXPORT_CHANGES: Scene = {
  name: 'export, adds and removals after a first run',
  pipeline: 'export',
  args: ['export'],
  async prepare(t) {
    // Two entries per addlist: the run under test adds in two batches and removes two entries.
    const h = await startHarness(t, { collections: [A, B], env: { TQDT_EXPORT_BATCH_SIZE: '2', ...TIMEOUTS } });
    addToCollection(h.sims, A, ['a', 'b', 'c', 'd', 'e'].map((x) => fqdn(`${x}.example`)));
    addToCollection(h.sims, B, [fqdn('f.example'), fqdn('g.example')]);
    seedOtherSource(h.sims, OTHER_SOURCE, OTHER);
    const first = await h.run(['export', '-ll', h.dir]);
    assert.equal(first.code, 0, `scene set-up: the first export succeeds: ${first.stderr}`);
    removeFromCollection(h.sims, A, ['a.example', 'b.example']);
    addToCollection(h.sims, B, ['h', 'i', 'j', 'k'].map((x) => fqdn(`${x}.example`)));
    return h;
  },
  measure(h) {
    const feed = feedNames(h.sims);
    const lost = DESIRED.filter((v) => !feed.includes(v)).length;
    const duplicated = feed.length - new Set(feed).size + feed.filter((v) => !DESIRED.includes(v)).length;
    return { lost, duplicated };
  },
  check(h, _ref, note) {
    assertConverged(h, DESIRED, note);
    assertOtherSourceIntact(h.sims, OTHER_SOURCE, OTHER);
  },
};

export const SCENES = { ingest: [INGEST_FIRST, INGEST_CHANGES], export: [EXPORT_CHANGES] } as const;

/** The reference state of a scene after a fault-free run. */
export function referenceOf(h: Harness): Reference {
  return { alerts: alertsIn(h.sims), tq: tqSnapshot(h.sims) };
}
