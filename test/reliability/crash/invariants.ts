/**
 * What must hold after every clean rerun, whatever the kills before it did:
 * - ingest: exactly one ThreatQ event per Darktrace alert, carrying the alert's current state,
 *   and an alert ledger that names those events;
 * - export: the intel feed under our source equals the desired set of the current collections,
 *   and the export ledger agrees with it (values and expiries);
 * - neither side's other data touched; the state database intact; the run lock free; no run
 *   left 'running'.
 * `count*` give the lost / duplicated figures before the assertions say what is wrong.
 */
import assert from 'node:assert/strict';
import { AIA_ID, BREACH_ID, alertKeyOf, assertExactlyOnce } from '../../e2e/ingestKillSupport.ts';
import { SOURCE, assertConverged, assertOtherSourceIntact, feedNames, ledger, withDb } from '../../e2e/exportSupport.ts';
import { OTHER_ENTRIES, OTHER_SOURCE, type CrashScene } from './scene.ts';

export interface Damage {
  /** Alerts without a ThreatQ event; desired entries missing from the feed. */
  lost: number;
  /** Events beyond the first per alert, events of no alert; feed entries nobody wants. */
  duplicated: number;
}

export function countIngestDamage(scene: CrashScene): Damage {
  const perAlert = new Map<string, number>();
  let duplicated = 0;
  for (const e of scene.h.sims.threatq.sim.store.listEvents()) {
    const key = alertKeyOf(e.attributes);
    if (key === undefined) duplicated++;
    else perAlert.set(key, (perAlert.get(key) ?? 0) + 1);
  }
  let lost = 0;
  for (const key of scene.alertKeys()) {
    const n = perAlert.get(key) ?? 0;
    if (n === 0) lost++;
    else duplicated += n - 1;
    perAlert.delete(key);
  }
  for (const n of perAlert.values()) duplicated += n; // events of alerts Darktrace does not have
  return { lost, duplicated };
}

export function countExportDamage(scene: CrashScene): Damage {
  const want = new Set(scene.desired());
  const have = new Set(feedNames(scene.h.sims));
  return { lost: [...want].filter((v) => !have.has(v)).length, duplicated: [...have].filter((v) => !want.has(v)).length };
}

export function assertIngestConverged(scene: CrashScene, note: string): void {
  const store = scene.h.sims.threatq.sim.store;
  const keys = scene.alertKeys();
  // Titles come from ThreatQ once each alert is known to have exactly one event there.
  const titles = new Map(store.listEvents().map((e) => [alertKeyOf(e.attributes), e.title]));
  const expected = new Map<string, string>();
  for (const key of keys) {
    const [kind, id] = split(key);
    const name = kind === 'model_breach' ? BREACH_ID : AIA_ID;
    assert.equal(store.countEventsByAttribute(name, id), 1, `${note}exactly one ThreatQ event for ${key}`);
    expected.set(key, titles.get(key)!);
  }
  assertExactlyOnce(scene.h, expected, note);
  assertAlertStateReached(scene, note);
}

/** The changes made in Darktrace reached the events: acknowledged, score, comments, pinned. */
function assertAlertStateReached(scene: CrashScene, note: string): void {
  const dt = scene.h.sims.darktrace.sim.store;
  for (const e of scene.h.sims.threatq.sim.store.listEvents()) {
    const key = alertKeyOf(e.attributes)!;
    const attrs = new Map<string, string[]>();
    for (const a of e.attributes) attrs.set(a.name, [...(attrs.get(a.name) ?? []), a.value]);
    const one = (name: string) => {
      const values = attrs.get(name) ?? [];
      assert.equal(values.length, 1, `${note}${key}: one '${name}' attribute (${values.join(' | ')})`);
      return values[0];
    };
    const [kind, id] = split(key);
    if (kind === 'model_breach') {
      const b = dt.breaches.get(Number(id))!;
      // A record whose payload omits `acknowledged` reads as not acknowledged.
      const acknowledged = b.acknowledged !== null && b.acknowledgedStyle !== 'absent';
      assert.equal(one('Darktrace Acknowledged'), acknowledged ? 'Yes' : 'No', `${note}${key}: acknowledged state reached ThreatQ`);
      assert.equal(one('Darktrace Score'), String(Math.round(b.score * 1000) / 10), `${note}${key}: score reached ThreatQ`);
      assert.equal(one('Darktrace Comment Count'), String(b.comments.length), `${note}${key}: comment count reached ThreatQ`);
    } else {
      const ev = dt.events.get(id)!;
      assert.equal(one('Darktrace Acknowledged'), ev.acknowledged ? 'Yes' : 'No', `${note}${key}: acknowledged state reached ThreatQ`);
      assert.equal(one('Darktrace Pinned'), ev.pinned ? 'Yes' : 'No', `${note}${key}: pinned state reached ThreatQ`);
    }
  }
}

export function assertExportConverged(scene: CrashScene, note: string): void {
  const { h, spy } = scene;
  assertConverged(h, scene.desired(), note);
  // The ledger's expiry is Darktrace's: a refresh accepted just before a kill is adopted.
  const expiry = new Map(h.sims.darktrace.sim.intelFeedEntries(SOURCE).map((e) => [e.name, e.expiry]));
  for (const row of ledger(h).filter((r) => r.state === 'present')) {
    assert.equal(row.expires_at, expiry.get(row.value), `${note} ledger expiry of ${row.value} is the one Darktrace holds`);
  }
  assertOtherSourceIntact(h.sims, OTHER_SOURCE, OTHER_ENTRIES);
  assert.ok(!spy.writes.some((w) => w.kind === 'removeAll'), `${note} removeall never sent`);
  const foreign = spy.writes.filter((w) => w.kind !== 'removeAll' && w.source !== SOURCE);
  assert.deepEqual(foreign, [], `${note} every intel-feed write is under our own source`);
}

/** ThreatQ indicators the analysts curate in collections keep their status whatever ingest does. */
export function assertCollectionsUntouched(scene: CrashScene, note: string): void {
  const store = scene.h.sims.threatq.sim.store;
  for (const item of scene.collectionValues()) {
    const id = store.findIndicator(item.type, item.value);
    assert.ok(id !== undefined, `${note} collection indicator ${item.value} still exists`);
    assert.equal(store.indicatorView(id)!.statusName, 'Active', `${note} collection indicator ${item.value} keeps its status`);
  }
}

/** The state database survived: integrity_check ok, the lock free, no run left 'running'. */
export function assertStateSound(scene: CrashScene, note: string, afterCleanRun: boolean): void {
  withDb(scene.h, (db) => {
    const check = db.sqlite.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    assert.deepEqual(check.map((r) => r.integrity_check), ['ok'], `${note} the state database passes PRAGMA integrity_check`);
    if (!afterCleanRun) return;
    const lock = db.sqlite.prepare('SELECT pid, command FROM run_lock').all();
    assert.deepEqual(lock, [], `${note} the run lock is free after a clean run`);
    const running = db.sqlite.prepare("SELECT id, command FROM runs WHERE status = 'running'").all();
    assert.deepEqual(running, [], `${note} no run is left 'running' in history`);
    const last = db.sqlite.prepare('SELECT status, exit_code FROM runs ORDER BY id DESC LIMIT 1').get() as { status: string; exit_code: number } | undefined;
    assert.equal(last?.status, 'success', `${note} the clean run is recorded as a success`);
  });
}

function split(key: string): [string, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}
