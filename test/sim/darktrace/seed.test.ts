import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedClock } from '../../../src/clock.ts';
import { DarktraceStore, createDarktraceSim, seedDarktrace } from '../../../src/sim/darktrace/index.ts';
import { DAY, T0, startHarness } from './harness.ts';

const COUNTS = { breaches: 400, aiEvents: 150, devices: 300, days: 7, now: T0 };

function snapshot(store: DarktraceStore): string {
  return JSON.stringify({
    devices: [...store.devices.values()],
    breaches: [...store.breaches.values()],
    events: [...store.events.values()],
    groups: [...store.groups.values()],
  });
}

test('the same seed gives the same data; another seed gives other data', () => {
  const a = new DarktraceStore(() => T0);
  const b = new DarktraceStore(() => T0);
  const c = new DarktraceStore(() => T0);
  seedDarktrace(a, { seed: 42, ...COUNTS });
  seedDarktrace(b, { seed: 42, ...COUNTS });
  seedDarktrace(c, { seed: 43, ...COUNTS });
  assert.equal(snapshot(a), snapshot(b));
  assert.notEqual(snapshot(a), snapshot(c));
});

test('seeding a sim fills its store, inside the requested time span', () => {
  const sim = createDarktraceSim({ clock: fixedClock(T0) });
  const summary = seedDarktrace(sim, { seed: 1, breaches: 50, aiEvents: 20, devices: 30, days: 3 });
  assert.deepEqual([summary.breaches, summary.events, summary.devices], [50, 20, 30]);
  assert.equal(sim.store.breaches.size, 50);
  for (const b of sim.store.breaches.values()) {
    assert.ok(b.time >= T0 - 3 * DAY && b.time <= T0, `breach time ${b.time}`);
    assert.ok(b.creationTime >= b.time && b.creationTime <= T0);
  }
  for (const e of sim.store.events.values()) assert.ok(e.createdAt >= T0 - 3 * DAY - 4 * 3_600_000 && e.createdAt <= T0);
});

test('seeded data over HTTP covers every documented quirk and hostile strings', async (t) => {
  const h = await startHarness(t);
  seedDarktrace(h.sim, { seed: 7, ...COUNTS });
  const breaches: any[] = await h.get(`/modelbreaches?includeacknowledged=true&starttime=${T0 - 8 * DAY}`);
  const devices: any[] = await h.get('/devices?seensince=3650day');
  const events: any[] = await h.get(`/aianalyst/incidentevents?includeacknowledged=true&starttime=${T0 - 8 * DAY}`);
  const text = JSON.stringify([breaches, devices, events]);

  assert.equal(breaches.length, 400);
  assert.ok(breaches.some((b) => b.device.did === -1 && Object.keys(b.device).length === 1), 'system breach {did:-1}');
  assert.ok(breaches.some((b) => b.device.sid < 0 && /^SaaS::\w+: /.test(b.device.hostname)), 'SaaS user with negative sid');
  assert.ok(devices.some((d) => d.ip?.includes(':')), 'IPv6 device');
  assert.ok(devices.some((d) => d.ip && !('hostname' in d)), 'device without hostname');
  assert.ok(devices.some((d) => d.ip && !('macaddress' in d)), 'device without MAC');
  assert.ok(breaches.some((b) => b.acknowledged === true), 'boolean acknowledged');
  assert.ok(breaches.some((b) => typeof b.acknowledged === 'object' && b.acknowledged.username), 'object acknowledged');
  assert.ok(breaches.some((b) => !('acknowledged' in b)), 'absent acknowledged');
  assert.ok(breaches.some((b) => b.creationTime - b.time > 3_600_000), 'late-created breach');
  assert.ok(breaches.some((b) => b.commentCount > 0), 'breach with comments');
  assert.ok(breaches.some((b) => b.model.then !== b.model.now && b.model.then.phid !== b.model.now.phid), 'model edited since');
  assert.ok(breaches.some((b) => Array.isArray(b.model.then.actions.setTag) && b.model.then.actions.tagTTL), 'setTag array + tagTTL');
  assert.ok(breaches.some((b) => typeof b.model.then.actions.setTag === 'number'), 'setTag number');
  assert.ok(breaches.some((b) => b.model.then.description.includes('\\n')), 'literal \\n in a description');
  assert.ok(breaches.some((b) => b.model.then.description.length >= 100 * 1024), '100 kB description');
  assert.ok(breaches.some((b) => b.model.then.name.includes('::') && b.model.then.name.includes('<script>')), 'hostile model name');
  assert.ok(breaches.some((b) => b.model.then.name.includes(' / ')), 'slash-style model name');
  assert.ok(breaches.some((b) => b.model.then.name === 'Compromise::Watched Domain'), 'watched domain breach');
  assert.ok(events.some((e) => typeof e.groupScore === 'string') && events.some((e) => typeof e.groupScore === 'number'), 'string and number groupScore');
  assert.ok(events.some((e) => e.groupPreviousGroups === null) && events.some((e) => Array.isArray(e.groupPreviousGroups)), 'null and [] previous groups');
  assert.ok(events.some((e) => e.breachDevices.some((d: any) => d.ip === null || d.mac === null || d.identifier === null)), 'null breachDevices fields');
  assert.ok(events.some((e) => Array.isArray(e.details[0])) && events.some((e) => e.details[0]?.blockType), 'both details layouts');
  assert.ok(events.some((e) => e.sender && e.breachDevices.length === 0), 'email-sourced event');
  assert.ok(events.some((e) => e.summary.length >= 100 * 1024), '100 kB summary');
  assert.ok(events.some((e) => e.pinned), 'pinned event');
  for (const needle of ['<script>', '<img src=x onerror', '"', "'", '日本語', '\\u0000', '\u202e']) {
    assert.ok(text.includes(needle), `hostile ${needle}`);
  }
});

test('AI Analyst events link to real breaches and back', () => {
  const store = new DarktraceStore(() => T0);
  seedDarktrace(store, { seed: 3, ...COUNTS });
  let links = 0;
  for (const e of store.events.values()) {
    assert.ok(store.groups.get(e.currentGroup)?.eventIds.includes(e.id), 'event listed in its group');
    for (const r of e.relatedBreaches) {
      const b = store.breaches.get(r.pbid);
      assert.ok(b, `related breach ${r.pbid} exists`);
      assert.equal(r.modelName, b.model.then.name);
      assert.ok(b.aianalystData?.some((a) => a.uuid === e.id));
      links++;
    }
  }
  assert.ok(links > 0);
});

test('the quirks show up even in a small demo-sized seed', () => {
  const store = new DarktraceStore(() => T0);
  seedDarktrace(store, { seed: 99, breaches: 25, aiEvents: 10, devices: 15, now: T0 });
  const breaches = [...store.breaches.values()];
  const devices = [...store.devices.values()];
  assert.ok(breaches.some((b) => b.did === -1));
  assert.ok(breaches.some((b) => b.model.then.name.includes('<script>')));
  assert.ok(breaches.some((b) => b.creationTime - b.time > 3_600_000));
  assert.ok(devices.some((d) => d.sid < 0) && devices.some((d) => d.ip?.includes(':')));
  assert.ok([...store.events.values()].some((e) => e.groupScoreAsString));
});
