/**
 * Both pipelines fed a hostile corpus end to end, through the CLI against the simulators.
 *
 * Ingest: seeded breaches and AI Analyst events mixed with hostile but valid ones (markup and
 * script in every text, 100 kB descriptions, 200-deep nesting, lone surrogates, devices whose
 * fields have the wrong types) and unusable ones (wrong-typed score, no model name, ids that are
 * not ids). Exit 0 (quarantine is not a failure), every good alert lands exactly once with no
 * markup but the connector's own, every unusable one is quarantined with its reason in
 * `history skipped`, and a rerun writes nothing.
 *
 * Export: a collection of generated hostile indicator values (and some good ones). Exit 0, only
 * single valid entries reach Darktrace, exactly the wanted ones, every skip has its reason.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startHarness } from '../../e2e/harness.ts';
import { BREACH_ID, AIA_ID, tqSnapshot, tqWrites } from '../../e2e/ingestKillSupport.ts';
import { addToCollection, assertConverged, spyOnFeed, withDb, type IndicatorSpec } from '../../e2e/exportSupport.ts';
import { HUGE_TEXT } from '../../../src/sim/darktrace/seed/hostile.ts';
import type { SimModel } from '../../../src/sim/darktrace/index.ts';
import { normaliseIndicator } from '../../../src/export/normaliseIndicator.ts';
import { splitAddList } from '../../../src/sim/darktrace/routes/intelfeed.ts';
import { tally } from '../tally.ts';
import { deepNest, hostileString, SEED } from './arbitraries.ts';

const NOW = Date.now();
const HOUR = 3_600_000;
const EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> & "q" \'s\' \ud800 \u0000 \u202e';
let inputsTried = 0;
let runs = 0;
after(() => tally('bad input', { inputsTried, runs }));
const OWN_TAGS = /<\/?(?:p|strong|br)>|<a href="https?:\/\/[^"<>\s]*">|<\/a>/g;

test('ingest: hostile and unusable Darktrace records among good ones — good ones land once, escaped; bad ones are quarantined with a reason; a rerun writes nothing', async (t) => {
  const h = await startHarness(t, { darktrace: { seedCounts: { breaches: 12, aiEvents: 4, devices: 6, days: 0.5, now: NOW } }, env: { TQDT_INGEST_BATCH_SIZE: '10' } });
  const sim = h.sims.darktrace.sim;
  const seededModel = [...sim.store.breaches.values()][0]!.model.then;
  const model = (name: unknown, extra: Partial<SimModel> = {}) => {
    const m = { ...seededModel, name, description: `${HUGE_TEXT}\\n${EVIL}`, category: EVIL, ...extra } as SimModel;
    return { then: m, now: m };
  };
  sim.store.putDevice({
    did: 9001, sid: 1, ip: EVIL, hostname: `${EVIL}${HUGE_TEXT}`, macaddress: { nested: deepNest(200) } as unknown as string,
    devicelabel: EVIL, typename: 'desktop', typelabel: 'Desktop', firstSeen: NOW - 9 * HOUR, lastSeen: NOW - HOUR,
    ips: [{ ip: 'fe80::1%eth0', timems: 1, time: EVIL, sid: 1 }], tags: [deepNest(200, 'tag', true) as Record<string, unknown>],
  });
  sim.store.putDevice({ did: 9002, sid: 1, ip: 12345 as unknown as string, hostname: '\u0000\u0001', typename: 'server', typelabel: 'Server', firstSeen: NOW - 9 * HOUR, lastSeen: NOW - HOUR });
  const at = (h2: number) => ({ time: NOW - h2 * HOUR, creationTime: NOW - h2 * HOUR + 1000 });
  const good = [
    sim.addBreach({ ...at(2), did: 9001, model: model(`Custom::${EVIL}`), mitreTechniques: [{ technique: EVIL, techniqueID: 'T1059' }], triggeredComponents: [{ nested: deepNest(200) }] }),
    sim.addBreach({ ...at(3), did: 9002, model: model('Custom::Wrong types', { priority: 'high' as unknown as number, category: 42 as unknown as SimModel['category'] }) }),
    sim.addBreach({ ...at(4), did: -1, model: model(`x${'\ud83d\ude80'.repeat(200)}`), comments: [{ time: 1, username: EVIL, message: EVIL, commentid: 1 }] }),
  ];
  const bad = [
    { b: sim.addBreach({ ...at(2.5), did: 9001, score: 'high' as unknown as number }), reason: /score/ },
    { b: sim.addBreach({ ...at(2.6), did: 9001, score: deepNest(200) as unknown as number }), reason: /score/ },
    { b: sim.addBreach({ ...at(2.7), did: 9001, model: model(null) }), reason: /model name/ },
    { b: sim.addBreach({ ...at(2.8), did: 9001, model: model(' \n ') }), reason: /model name/ },
  ];
  const goodEvents = [
    sim.addEvent({ createdAt: NOW - 2 * HOUR, title: EVIL, summary: `${HUGE_TEXT}${EVIL}`, mitreTactics: [EVIL, 'x'.repeat(5000)], breachDevices: [
      { identifier: EVIL, hostname: EVIL, ip: '10.9.9.9/24', mac: EVIL, subnet: null, did: 9001, sid: 1 },
      { identifier: null, hostname: null, ip: null, mac: null, subnet: null, did: null, sid: null },
    ], relatedBreaches: [{ modelName: EVIL, pbid: good[0]!.pbid, threatScore: 50, timestamp: NOW }] }),
    sim.addEvent({ createdAt: NOW - 3 * HOUR, title: '\ud800'.repeat(300), summary: EVIL, sender: EVIL }),
  ];
  const badEvents = [
    { e: sim.addEvent({ id: `bad id ${EVIL}`, createdAt: NOW - 2 * HOUR }), reason: /not usable/ },
    { e: sim.addEvent({ id: 'x'.repeat(300), createdAt: NOW - 2 * HOUR }), reason: /not usable/ },
  ];

  const first = await h.run(['ingest', '-hist', '1']);
  assert.equal(first.code, 0, `quarantine is not a failure: exit 0 (${first.stderr})`);
  assert.match(first.stdout, new RegExp(`quarantined ${bad.length + badEvents.length}, failed 0`));
  const store = h.sims.threatq.sim.store;
  const dt = sim.store;
  const badPbids = new Set(bad.map((x) => x.b.pbid));
  const badIds = new Set(badEvents.map((x) => x.e.id));
  for (const b of dt.breaches.values()) assert.equal(store.countEventsByAttribute(BREACH_ID, String(b.pbid)), badPbids.has(b.pbid) ? 0 : 1, `breach ${b.pbid}: ${badPbids.has(b.pbid) ? 'none' : 'exactly one event'}`);
  for (const e of dt.events.values()) assert.equal(store.countEventsByAttribute(AIA_ID, e.id), badIds.has(e.id) ? 0 : 1, `event ${e.id.slice(0, 40)}`);
  assert.equal(store.listEvents().length, dt.breaches.size - bad.length + dt.events.size - badEvents.length);
  for (const e of store.listEvents()) {
    const d = e.description ?? '';
    assert.ok(!/[<>]/.test(d.replace(OWN_TAGS, '')), `${e.title.slice(0, 60)}: no markup but the connector's own`);
    assert.ok(d.length <= 65_500, `${e.title.slice(0, 60)}: description fits ThreatQ (${d.length})`);
    assert.ok(e.title.length <= 255 && !/[\u0000-\u001f]/.test(e.title), `title ${JSON.stringify(e.title.slice(0, 60))}`);
  }
  assert.ok(store.listEvents().some((e) => (e.description ?? '').includes('&lt;script&gt;alert(&quot;x&quot;)')), 'the hostile text arrived, escaped');
  for (const i of store.listIndicators()) assert.match(i.value, /^[0-9a-z.:_-]+$/, `device indicator ${JSON.stringify(i.value)}`);

  const skipped = await h.run(['history', 'skipped', '--format', 'json', '--limit', '1000']);
  assert.equal(skipped.code, 0, skipped.stderr);
  const rows = (JSON.parse(skipped.stdout) as { skipped: Array<{ id: string; reason: string }> }).skipped;
  for (const { b, reason } of bad) assert.ok(rows.some((r) => r.id.includes(String(b.pbid)) && reason.test(r.reason)), `breach ${b.pbid} skipped with its reason`);
  for (const { e, reason } of badEvents) assert.ok(rows.some((r) => reason.test(r.reason) && (r.id === e.id || r.reason.includes(e.id.slice(0, 20)))), `event ${e.id.slice(0, 30)} skipped with its reason`);

  const before = tqSnapshot(h.sims);
  const from = h.sims.threatq.requests.length;
  const again = await h.run(['ingest', '-hist', '1']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(tqWrites(h.sims, from), [], 'a rerun writes nothing to ThreatQ');
  assert.deepEqual(tqSnapshot(h.sims), before, 'a rerun changes nothing in ThreatQ');
  inputsTried += good.length + bad.length + goodEvents.length + badEvents.length + 2;
  runs += 2;
});

test('export: a collection of hostile indicator values — only single valid entries reach Darktrace, exactly the wanted ones, every skip has a reason', async (t) => {
  const h = await startHarness(t, { collections: ['Export to Darktrace'] });
  const values = fc.sample(
    fc.oneof(hostileString, fc.domain(), fc.ipV4(), fc.ipV6(), fc.tuple(fc.domain(), fc.constantFrom(',', '\n', ' ', '\r\n', '\u2028', ':443', '/x', '*.')).map(([d, s]) => (s === '*.' ? s + d : d + s + d))),
    { seed: SEED, numRuns: 400 },
  );
  const specs: IndicatorSpec[] = values
    // What ThreatQ holds after the value crossed HTTP as UTF-8: a lone surrogate arrives as U+FFFD.
    .map((v) => v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
    .filter((v) => v.trim() !== '')
    .map((value, i) => ({ type: (['FQDN', 'IP Address', 'IPv6 Address', 'URL'] as const)[i % 4]!, value }));
  addToCollection(h.sims, 'Export to Darktrace', specs);
  const spy = spyOnFeed(h.sims);
  const r = await h.run(['export']);
  assert.equal(r.code, 0, r.stderr);

  const wanted = new Set<string>();
  const refused = new Set<string>();
  for (const s of specs) {
    const n = normaliseIndicator(s.type, s.value);
    if (n.ok) wanted.add(n.value);
    else if (s.type !== 'URL') refused.add(s.value);
  }
  assert.ok(wanted.size > 50 && refused.size > 50, `the corpus has both (${wanted.size} wanted, ${refused.size} refused)`);
  for (const name of spy.added()) {
    assert.deepEqual(splitAddList(name), [name], `sent as one entry: ${JSON.stringify(name)}`);
    assert.ok(wanted.has(name), `only wanted entries are sent: ${JSON.stringify(name)}`);
  }
  assertConverged(h, [...wanted], 'the feed holds exactly the wanted entries, no stray one');
  const skips = withDb(h, (db) => db.sqlite.prepare('SELECT raw_value, reason FROM export_skips').all() as Array<{ raw_value: string; reason: string }>);
  for (const v of refused) {
    const row = skips.find((s) => s.raw_value === v);
    assert.ok(row && row.reason.length > 5, `the skip of ${JSON.stringify(v.slice(0, 60))} has a reason`);
  }

  const posts = spy.writes.length;
  const again = await h.run(['export']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(spy.writes.length, posts, 'a rerun sends nothing');
  assertConverged(h, [...wanted]);
  inputsTried += specs.length;
  runs += 2;
});
