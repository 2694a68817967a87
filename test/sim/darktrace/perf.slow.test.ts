import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DarktraceStore, seedDarktrace } from '../../../src/sim/darktrace/index.ts';
import { DAY, T0, startHarness } from './harness.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

test('seeding 50,000 breaches, 5,000 events and 20,000 devices takes a few seconds', () => {
  const started = performance.now();
  const store = new DarktraceStore(() => T0);
  const s = seedDarktrace(store, { seed: 1, breaches: 50_000, aiEvents: 5_000, devices: 20_000, days: 30, now: T0 });
  const ms = performance.now() - started;
  assert.deepEqual([s.breaches, s.events, s.devices], [50_000, 5_000, 20_000]);
  assert.ok(ms < 8_000, `seeding took ${Math.round(ms)} ms`);
});

test('a day of 50,000 breaches over HTTP answers quickly', async (t) => {
  const h = await startHarness(t);
  seedDarktrace(h.sim, { seed: 1, breaches: 50_000, aiEvents: 5_000, devices: 20_000, days: 30, now: T0 });
  const started = performance.now();
  const day = await h.get(`/modelbreaches?includeacknowledged=true&starttime=${T0 - DAY}&endtime=${T0}`);
  const ms = performance.now() - started;
  assert.ok(day.length > 1_000 && day.length < 2_500, `${day.length} breaches in a day`);
  assert.ok(ms < 5_000, `one day took ${Math.round(ms)} ms`);
});

test('1,000,000 intel-feed entries: add over HTTP, list, full details and lapse', async (t) => {
  const h = await startHarness(t);
  const names = Array.from({ length: 1_000_000 }, (_, i) => `d${i}.watched.example`);
  let started = performance.now();
  for (let i = 0; i < names.length; i += 100_000) {
    const r = await h.postJson('/intelfeed', { addlist: names.slice(i, i + 100_000).join(','), source: 'ThreatQ', expiry: iso(T0 + DAY) });
    assert.equal(r.json().added, 100_000);
  }
  const addMs = performance.now() - started;
  started = performance.now();
  const list = await h.request('/intelfeed?source=ThreatQ');
  const listMs = performance.now() - started;
  assert.equal(list.json().length, 1_000_000);
  started = performance.now();
  const details = await h.request('/intelfeed?fulldetails=true');
  const detailsMs = performance.now() - started;
  assert.equal(details.status, 200);
  assert.ok(addMs < 15_000, `adding took ${Math.round(addMs)} ms`);
  assert.ok(listMs < 5_000, `listing took ${Math.round(listMs)} ms`);
  assert.ok(detailsMs < 10_000, `full details took ${Math.round(detailsMs)} ms`);
  h.clock.set(T0 + 2 * DAY);
  started = performance.now();
  assert.deepEqual(await h.get('/intelfeed'), []);
  assert.ok(performance.now() - started < 3_000);
});
