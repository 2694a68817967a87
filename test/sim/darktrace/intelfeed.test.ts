import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY, T0, startHarness } from './harness.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19);

test('addlist splits on commas and newlines: an injected comma really makes two entries', async (t) => {
  const h = await startHarness(t);
  const r = await h.postJson('/intelfeed', { addlist: 'a.example, b.example\nc.example\r\nevil.example,injected.example', source: 'ThreatQ' });
  assert.deepEqual(r.json(), { added: 5, response: 'SUCCESS', updated: 0 });
  assert.deepEqual(await h.get('/intelfeed'), ['a.example', 'b.example', 'c.example', 'evil.example', 'injected.example']);
});

test('form posts work the same, and re-adding counts as updated', async (t) => {
  const h = await startHarness(t);
  let r = await h.postForm('/intelfeed', { addlist: 'x.example,198.51.100.7', source: 'ThreatQ', description: 'ThreatQ export' });
  assert.deepEqual(r.json(), { added: 2, response: 'SUCCESS', updated: 0 });
  r = await h.postForm('/intelfeed', { addlist: 'x.example,y.example', source: 'ThreatQ' });
  assert.deepEqual(r.json(), { added: 1, response: 'SUCCESS', updated: 1 });
  r = await h.postJson('/intelfeed', { addentry: '203.0.113.0/24', source: 'ThreatQ' });
  assert.deepEqual(r.json(), { added: 1, response: 'SUCCESS', updated: 0 });
  assert.equal((await h.get('/intelfeed?source=ThreatQ')).length, 4);
});

test('sources are per-source sets; sources=true lists labels, emptied ones linger', async (t) => {
  const h = await startHarness(t);
  await h.postJson('/intelfeed', { addlist: 'shared.example,tq.example', source: 'ThreatQ' });
  h.sim.addIntelFeedEntries('Analyst', ['shared.example', 'hand.example']); // a hand edit in the UI
  assert.deepEqual(await h.get('/intelfeed?sources=true'), ['ThreatQ', 'Analyst']);
  assert.deepEqual(await h.get('/intelfeed'), ['shared.example', 'tq.example', 'hand.example']);
  assert.deepEqual(await h.get('/intelfeed?source=Analyst'), ['shared.example', 'hand.example']);

  await h.postJson('/intelfeed', { removeentry: 'shared.example', source: 'ThreatQ' });
  assert.deepEqual(await h.get('/intelfeed?source=ThreatQ'), ['tq.example']);
  assert.deepEqual(await h.get('/intelfeed?source=Analyst'), ['shared.example', 'hand.example']);

  await h.postJson('/intelfeed', { removeentry: 'tq.example', source: 'ThreatQ' });
  assert.deepEqual(await h.get('/intelfeed?sources=true'), ['ThreatQ', 'Analyst']);
});

test('removeentry without a source is refused when several sources exist', async (t) => {
  const h = await startHarness(t);
  await h.postJson('/intelfeed', { addentry: 'one.example', source: 'ThreatQ' });
  await h.postJson('/intelfeed', { removeentry: 'one.example' });
  assert.deepEqual(await h.get('/intelfeed'), [], 'a single source needs no label');
  await h.postJson('/intelfeed', { addentry: 'one.example', source: 'ThreatQ' });
  h.sim.addIntelFeedEntries('Other', ['two.example']);
  const r = await h.postJson('/intelfeed', { removeentry: 'one.example' });
  assert.deepEqual([r.status, r.json()], [400, { intelfeed: 'INPUT ERROR' }]);
  assert.deepEqual(await h.get('/intelfeed?source=ThreatQ'), ['one.example']);
});

test('removeall empties every source, not just the one named', async (t) => {
  const h = await startHarness(t);
  await h.postJson('/intelfeed', { addlist: 'a.example,b.example', source: 'ThreatQ' });
  h.sim.addIntelFeedEntries('Analyst', ['keep-me.example']);
  const r = await h.postJson('/intelfeed', { removeall: true, source: 'ThreatQ', addentry: 'fresh.example' });
  assert.equal(r.status, 200);
  assert.deepEqual(h.sim.intelFeedEntries('Analyst'), []);
  assert.deepEqual(await h.get('/intelfeed'), ['fresh.example']);
});

test('source must be under 64 characters and description under 256', async (t) => {
  const h = await startHarness(t);
  assert.equal((await h.postJson('/intelfeed', { addentry: 'a.example', source: 's'.repeat(63) })).status, 200);
  assert.equal((await h.postJson('/intelfeed', { addentry: 'a.example', source: 's'.repeat(63), description: 'd'.repeat(255) })).status, 200);
  const longSource = await h.postJson('/intelfeed', { addentry: 'b.example', source: 's'.repeat(64) });
  assert.deepEqual([longSource.status, longSource.json()], [400, { intelfeed: 'INPUT ERROR' }]);
  const longDescription = await h.postForm('/intelfeed', { addentry: 'c.example', description: 'd'.repeat(256) });
  assert.equal(longDescription.status, 400);
  assert.deepEqual(await h.get('/intelfeed'), ['a.example']);
});

test('expiry accepts the documented forms and entries lapse when the sim clock passes it', async (t) => {
  const h = await startHarness(t);
  const forms: [string, number][] = [
    [iso(T0 + DAY), T0 + DAY],
    [iso(T0 + 2 * DAY).replace('T', ' '), T0 + 2 * DAY],
    [`${iso(T0 + 3 * DAY)}Z`, T0 + 3 * DAY],
    [`${iso(T0 + 4 * DAY)}+02:00`, T0 + 4 * DAY - 2 * 3_600_000],
  ];
  for (const [i, [expiry]] of forms.entries()) {
    const r = await h.postJson('/intelfeed', { addentry: `e${i}.example`, source: 'ThreatQ', expiry });
    assert.equal(r.status, 200, expiry);
  }
  await h.postJson('/intelfeed', { addentry: 'forever.example', source: 'ThreatQ' });
  assert.deepEqual(
    h.sim.intelFeedEntries('ThreatQ').map((e) => [e.name, e.expiry]),
    [...forms.map(([, ms], i) => [`e${i}.example`, ms]), ['forever.example', null]],
  );
  const details = await h.get('/intelfeed?fulldetails=true&source=ThreatQ');
  assert.deepEqual(details[0], { name: 'e0.example', description: '', expiry: iso(T0 + DAY), strength: 100, iagn: false });

  h.clock.set(T0 + DAY - 1000);
  assert.equal((await h.get('/intelfeed')).length, 5);
  h.clock.set(T0 + DAY + 1000);
  assert.deepEqual(await h.get('/intelfeed'), ['e1.example', 'e2.example', 'e3.example', 'forever.example']);
  h.clock.set(T0 + 10 * DAY);
  assert.deepEqual(await h.get('/intelfeed'), ['forever.example']);
  assert.equal((await h.postJson('/intelfeed', { addentry: 'bad.example', expiry: 'next tuesday' })).status, 400);
});

test('re-adding refreshes the expiry so the entry survives its first expiry', async (t) => {
  const h = await startHarness(t);
  await h.postJson('/intelfeed', { addentry: 'kept.example', source: 'ThreatQ', expiry: iso(T0 + DAY) });
  const r = await h.postJson('/intelfeed', { addentry: 'kept.example', source: 'ThreatQ', expiry: iso(T0 + 5 * DAY), description: 'refreshed' });
  assert.deepEqual(r.json(), { added: 0, response: 'SUCCESS', updated: 1 });
  h.clock.set(T0 + 2 * DAY);
  assert.deepEqual(h.sim.intelFeedEntries('ThreatQ').map((e) => [e.name, e.description, e.expiry]), [['kept.example', 'refreshed', T0 + 5 * DAY]]);
});

test('fulldetails shows description, iagn and hostname flags as posted; quotes are kept literally', async (t) => {
  const h = await startHarness(t);
  await h.postJson('/intelfeed', { addentry: 'host.example', source: 'ThreatQ', description: '"quoted"', iagn: true, hostname: 'true' });
  const [d] = await h.get('/intelfeed?fulldetails=true');
  assert.deepEqual(d, { name: 'host.example', description: '"quoted"', expiry: null, strength: 100, iagn: true });
  assert.equal(h.sim.intelFeedEntries('ThreatQ')[0]?.hostname, true);
});

test('hand removal through the inspection API is seen by the next GET', async (t) => {
  const h = await startHarness(t);
  await h.postJson('/intelfeed', { addlist: 'a.example,b.example', source: 'ThreatQ' });
  assert.equal(h.sim.removeIntelFeedEntries('ThreatQ', ['a.example', 'nope.example']), 1);
  assert.deepEqual(await h.get('/intelfeed?source=ThreatQ'), ['b.example']);
});

test('big lists stream as valid JSON (chunked) with every entry', async (t) => {
  const h = await startHarness(t);
  const names = Array.from({ length: 30_000 }, (_, i) => `host-${i}.example`);
  const r = await h.postJson('/intelfeed', { addlist: names.join('\n'), source: 'ThreatQ', expiry: iso(T0 + DAY) });
  assert.deepEqual(r.json(), { added: 30_000, response: 'SUCCESS', updated: 0 });
  const list = await h.request('/intelfeed');
  assert.equal(list.headers['transfer-encoding'], 'chunked');
  assert.deepEqual(list.json(), names);
  const details = (await h.request('/intelfeed?fulldetails=true')).json();
  assert.equal(details.length, 30_000);
  assert.deepEqual(details[29_999], { name: 'host-29999.example', description: '', expiry: iso(T0 + DAY), strength: 100, iagn: false });
});
