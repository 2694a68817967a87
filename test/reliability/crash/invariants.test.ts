/**
 * The campaign's checks have teeth: after a converged run they pass, and each kind of damage a
 * crash could leave — a second event for an alert, an update that never arrived, a desired entry
 * missing, a stray entry, a stuck lock — is counted and refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BREACH_ID } from '../../e2e/ingestKillSupport.ts';
import { SOURCE, withDb } from '../../e2e/exportSupport.ts';
import { CrashScene } from './scene.ts';
import { rngFor } from './rng.ts';
import { runClean } from './killChild.ts';
import { assertExportConverged, assertIngestConverged, assertStateSound, countExportDamage, countIngestDamage } from './invariants.ts';

async function converged(t: { after(fn: () => unknown): void }): Promise<CrashScene> {
  const scene = await CrashScene.start(11);
  t.after(() => scene.close());
  scene.evolve(rngFor(11, 1, 'scene'));
  const r = await runClean(scene.h, ['run', '-hist', '1']);
  assert.equal(r.code, 0, r.stderr);
  assertIngestConverged(scene, '');
  assertExportConverged(scene, '');
  assertStateSound(scene, '', true);
  assert.deepEqual(countIngestDamage(scene), { lost: 0, duplicated: 0 });
  assert.deepEqual(countExportDamage(scene), { lost: 0, duplicated: 0 });
  return scene;
}

test('the checks refuse each kind of damage a crash could leave', async (t) => {
  // One converged world; each step below damages one more thing and checks that it is caught.
  const scene = await converged(t);
  const dt = scene.h.sims.darktrace.sim;
  const store = scene.h.sims.threatq.sim.store;

  await t.test('a lock left behind', () => {
    withDb(scene.h, (db) => db.sqlite.prepare("INSERT INTO run_lock (id, pid, hostname, proc_start, acquired_at, command) VALUES (1, 1, 'h', '', 0, 'run')").run());
    assert.throws(() => assertStateSound(scene, '', true), /run lock is free/);
  });

  await t.test('a desired entry missing from the feed, and a stray one', () => {
    dt.removeIntelFeedEntries(SOURCE, [scene.desired()[0]!]);
    dt.addIntelFeedEntries(SOURCE, ['stray.crash.example']);
    assert.deepEqual(countExportDamage(scene), { lost: 1, duplicated: 1 });
    assert.throws(() => assertExportConverged(scene, ''), /equal the desired set/);
  });

  await t.test('an alert change that never reached ThreatQ', () => {
    dt.setBreachScore([...dt.store.breaches.keys()][0]!, 0.123);
    assert.throws(() => assertIngestConverged(scene, ''), /score reached ThreatQ/);
  });

  await t.test('a new alert without an event', () => {
    dt.addBreach({ did: [...dt.store.devices.keys()].find((d) => d > 0)! });
    assert.equal(countIngestDamage(scene).lost, 1);
    assert.throws(() => assertIngestConverged(scene, ''), /exactly one ThreatQ event/);
  });

  await t.test('a second ThreatQ event for an alert', () => {
    const first = store.listEvents().find((e) => e.attributes.some((a) => a.name === BREACH_ID))!;
    const copy = store.createEvent({ title: first.title, typeId: store.eventType(first.typeName)!.id, happenedAt: Date.now() });
    store.addAttribute('event', copy.id, { name: BREACH_ID, value: first.attributes.find((a) => a.name === BREACH_ID)?.value ?? '1' });
    assert.equal(countIngestDamage(scene).duplicated, 1);
  });
});
