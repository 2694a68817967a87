import assert from 'node:assert/strict';
import test from 'node:test';
import { seedThreatQ } from '../../../src/sim/threatq/seed.ts';
import { items, startThreatQ } from './helpers.ts';

test('a million-indicator collection seeds in seconds and pages completely over HTTP in O(page)', async (t) => {
  const tq = await startThreatQ(t);
  let started = performance.now();
  const r = seedThreatQ(tq.sim, {
    seed: 5,
    collections: [
      { name: 'Big', size: 1_000_000 },
      { name: 'Small', size: 20_000 },
    ],
    overlap: 0.5,
    hostileFraction: 0.05,
  });
  const seedMs = performance.now() - started;
  assert.equal(r.created, 1_010_000);
  assert.ok(seedMs < 15_000, `seeding took ${Math.round(seedMs)} ms`);

  const big = r.collections[0] as { hash: string; memberIds: Int32Array };
  started = performance.now();
  let cursor = '*';
  let seen = 0;
  let last = 0;
  for (;;) {
    // What an exporter needs (value and type) projected, as threatqsdk users ask for it.
    const res = await tq.call('GET', `/api/indicators/query/hash/${big.hash}?limit=5000&fields=id,value,type&cursorMark=${encodeURIComponent(cursor)}`);
    const page = items(res);
    if (page.length === 0) break;
    for (const x of page) {
      assert.equal(typeof x.type, 'string');
      assert.ok(x.id > last, 'ascending, never repeated');
      last = x.id;
    }
    seen += page.length;
    cursor = res.json.nextCursorMark;
  }
  const walkMs = performance.now() - started;
  assert.equal(seen, 1_000_000);
  assert.ok(walkMs < 45_000, `cursor walk took ${Math.round(walkMs)} ms`);

  // A late page costs no more than an early one: offsets are sliced, not scanned.
  const time = async (offset: number) => {
    const s = performance.now();
    const res = await tq.call('GET', `/api/indicators/query/hash/${big.hash}?limit=1000&offset=${offset}`);
    assert.equal(items(res).length, 1000);
    return performance.now() - s;
  };
  await time(0);
  const early = Math.min(await time(1000), await time(2000));
  const late = Math.min(await time(998_000), await time(997_000));
  assert.ok(late < early * 5 + 20, `late page ${late.toFixed(1)} ms vs early ${early.toFixed(1)} ms`);
});

test('ingest-sized load: 55,000 events consumed in batches of 500 with related indicators', async (t) => {
  const tq = await startThreatQ(t);
  await tq.call('POST', '/api/event/types', { body: { name: 'Model Breach' } });
  const started = performance.now();
  for (let b = 0; b < 110; b++) {
    const events = Array.from({ length: 500 }, (_, i) => ({
      title: `Breach ${b * 500 + i}`,
      type: { name: 'Model Breach' },
      happened_at: '2024-01-01 00:00:00',
      attributes: [{ name: 'Darktrace Alert ID', value: `pbid-${b * 500 + i}` }],
    }));
    const created = items(await tq.call('POST', '/api/events/consume', { body: events }));
    assert.equal(created.length, 500);
    const indicators = created.map((e: any, i: number) => ({ value: `10.${b}.${i >> 8}.${i & 255}`, type: { name: 'IP Address' }, status: { name: 'Review' }, events: [{ id: e.id }] }));
    assert.equal((await tq.call('POST', '/api/indicators/consume', { body: indicators })).status, 200);
  }
  const ms = performance.now() - started;
  assert.equal(tq.sim.store.events.length, 55_000);
  assert.equal(tq.sim.store.countEventsByTitle('Breach 54999'), 1);
  assert.equal(tq.sim.store.eventView(55_000)?.indicators.length, 1);
  assert.ok(ms < 60_000, `ingest took ${Math.round(ms)} ms`);
});
