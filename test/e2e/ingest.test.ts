/**
 * Ingest end to end (Darktrace alerts → ThreatQ events, indicators, assets) through the CLI
 * against both simulators over HTTPS: the public fixtures and generated data mapped as the
 * spec says, a rerun that writes nothing, late-created breaches, backfill, alert changes
 * updating (never duplicating) their events, hostile text escaped, quarantine, filters, and
 * the runs row agreeing with the summary line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startHarness, type Harness } from './harness.ts';
import { BREACH_ID, AIA_ID, alertsIn, assertExactlyOnce, tqSnapshot, tqWrites } from './ingestKillSupport.ts';
import type { EventView } from '../../src/sim/threatq/index.ts';

const NOW = Date.now();
const HOUR = 3_600_000;
const FIXTURES = '/work/shared/fixtures/darktrace';
const SEED = { breaches: 40, aiEvents: 8, devices: 20, days: 0.9, now: NOW };

function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

async function seeded(t: Parameters<typeof startHarness>[0], env: Record<string, string> = {}, seed: Record<string, number> = SEED): Promise<Harness> {
  return startHarness(t, { darktrace: { seedCounts: seed }, env: { TQDT_INGEST_BATCH_SIZE: '10', ...env } });
}

async function ingestOk(h: Harness, args: string[] = ['-hist', '1'], env: Record<string, string> = {}): Promise<string> {
  const r = await h.run(['ingest', ...args], env);
  assert.equal(r.code, 0, `ingest exits 0; stdout: ${r.stdout} stderr: ${r.stderr}`);
  return r.stdout;
}

type Summary = Record<'fetched' | 'created' | 'updated' | 'unchanged' | 'quarantined' | 'failed', number> & Record<string, number>;

function summaryCounts(stdout: string): Summary {
  const line = stdout.split('\n').find((l) => l.startsWith('Ingest:'));
  assert.ok(line, `a summary line in: ${stdout}`);
  const counts = Object.fromEntries([...line.matchAll(/(\w+) (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  for (const k of ['fetched', 'created', 'updated', 'unchanged', 'quarantined', 'failed']) assert.equal(typeof counts[k], 'number', `the summary line shows ${k}: ${line}`);
  return counts as Summary;
}

function lastRun(h: Harness): { status: string; counts: Record<string, any> } {
  const db = h.db();
  try {
    const row = db.sqlite.prepare('SELECT status, counts_json FROM runs ORDER BY id DESC LIMIT 1').get() as { status: string; counts_json: string };
    return { status: row.status, counts: JSON.parse(row.counts_json) };
  } finally {
    db.close();
  }
}

/** The runs row says what the summary line said. */
function assertRunMatchesSummary(h: Harness, stdout: string): void {
  const shown = summaryCounts(stdout);
  const stored = lastRun(h).counts.ingest;
  for (const [k, v] of Object.entries(shown)) assert.equal(stored[k], v, `runs row ${k} equals the summary line`);
}

function eventFor(h: Harness, name: string, value: string): EventView {
  const found = h.sims.threatq.sim.store.listEvents().filter((e) => e.attributes.some((a) => a.name === name && a.value === value));
  assert.equal(found.length, 1, `exactly one event with ${name}=${value}`);
  return found[0]!;
}

function attr(e: EventView, name: string): string[] {
  return e.attributes.filter((a) => a.name === name).map((a) => a.value);
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

test('public fixtures: event types, UTC happened_at, source, attributes, device indicators and assets; none for system and SaaS pseudo-devices', async (t) => {
  const h = await startHarness(t, { env: { TQ_STATUS: 'Active' } });
  // The recorded payloads answer the first slices' fetches, exactly as the appliances sent them.
  const dt = h.sims.darktrace.faults;
  const json = (name: string) => ({ kind: 'status' as const, status: 200, contentType: 'application/json', body: fixture(name) });
  ['modelbreaches.xsoar-fetch-list.json', 'modelbreaches.rapid7-system-packet-loss.json', 'modelbreaches.elastic-historicmodelonly.json'].forEach((f, i) =>
    dt.add({ match: { path: '/modelbreaches', nth: i + 1 }, fault: json(f) }),
  );
  ['aianalyst-incidentevents.xsoar-saas-hijack.json', 'aianalyst-incidentevents.elastic-legacy-details.json'].forEach((f, i) =>
    dt.add({ match: { path: '/aianalyst/incidentevents', nth: i + 1 }, fault: json(f) }),
  );
  const out = await ingestOk(h);
  assert.deepEqual(summaryCounts(out).created, 7, out);
  const store = h.sims.threatq.sim.store;
  const events = store.listEvents();
  assert.equal(events.length, 7);
  for (const e of events) {
    assert.deepEqual(e.sources, ['Darktrace'], `${e.title}: source Darktrace`);
    assert.match(e.happenedAt, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    for (const i of e.indicators) assert.equal(i.statusName, 'Active', `${i.value} has the configured status`);
  }

  const watched = eventFor(h, BREACH_ID, '30960');
  assert.equal(watched.typeName, 'Model Breach');
  assert.equal(watched.happenedAt, utc(1674522265000), 'happened_at is the breach time in UTC');
  assert.match(watched.title, /Compromise::Watched Domain/);
  assert.match(watched.title, /30960/);
  assert.deepEqual(attr(watched, 'Darktrace Model'), ['Compromise::Watched Domain']);
  assert.deepEqual(attr(watched, 'Darktrace Acknowledged'), ['No']);
  assert.equal(attr(watched, 'Darktrace Score').length, 1);
  assert.equal(attr(watched, 'Darktrace Link').length, 1);
  assert.deepEqual(watched.indicators.map((i) => `${i.typeName}:${i.value}`), ['IP Address:192.168.16.100']);
  assert.deepEqual(watched.assets.map((a) => a.value), ['192.168.16.100'], 'a device without a hostname is named by its IP');

  const system = eventFor(h, BREACH_ID, '11');
  assert.deepEqual([system.indicators, system.assets], [[], []], 'a system breach (did -1) gets no indicator or asset');
  const cloud = eventFor(h, BREACH_ID, '30953');
  assert.deepEqual([cloud.indicators, cloud.assets], [[], []], 'a pseudo-device (negative sid) gets no indicator or asset');

  const recon = eventFor(h, BREACH_ID, '6');
  assert.deepEqual(recon.indicators.map((i) => `${i.typeName}:${i.value}`).sort(), ['FQDN:localhost.local', 'IP Address:81.2.69.192']);
  assert.deepEqual(attr(recon, 'MITRE ATT&CK Technique').length > 0, true, 'MITRE techniques from the payload');

  const saas = eventFor(h, AIA_ID, 'bc64f242-ce29-4f35-bc94-230991116564');
  assert.equal(saas.typeName, 'AI Analyst');
  assert.equal(saas.happenedAt, utc(1658853909796));
  assert.deepEqual(attr(saas, 'Darktrace AI Analyst Incident'), ['g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc']);
  assert.deepEqual([saas.indicators, saas.assets], [[], []], 'a SaaS pseudo-device gets no indicator or asset');

  // did 7 appears twice, with different addresses: each alert is related to the address it reported.
  const scan = eventFor(h, AIA_ID, 'eabcdef0-1234-1234-1234-cabcdefghij9');
  assert.deepEqual(scan.indicators.map((i) => `${i.typeName}:${i.value}`).sort(), ['FQDN:linux.local', 'IP Address:175.16.199.1']);
  const ssh = eventFor(h, AIA_ID, 'eabc0011-1234-1234-1234-cabcdefg0011');
  assert.deepEqual(ssh.indicators.map((i) => `${i.typeName}:${i.value}`).sort(), ['FQDN:linux.local', 'IP Address:81.2.69.144']);

  // One asset per device name, related to its events and its indicators.
  assert.deepEqual(store.listAssets().map((a) => a.value).sort(), ['192.168.16.100', 'linux.local', 'localhost.local']);
  for (const a of store.listAssets()) {
    const rel = store.relationsOf('asset', a.id);
    assert.ok(rel.some((r) => r.kind === 'event'), `asset ${a.value} is related to its events`);
    assert.ok(rel.some((r) => r.kind === 'indicator'), `asset ${a.value} is related to its indicators`);
    assert.deepEqual(a.sources, ['Darktrace']);
  }
  assertRunMatchesSummary(h, out);
});

test('generated data: one event per alert, every device indicator kind with the configured status, hostile text escaped, devices written once', async (t) => {
  const h = await seeded(t, { TQ_STATUS: 'Active' });
  // Count the indicator items ThreatQ receives across all consume batches.
  const store = h.sims.threatq.sim.store;
  const upserts: string[] = [];
  const upsert = store.upsertIndicator.bind(store);
  store.upsertIndicator = (input) => {
    upserts.push(`${input.type}:${input.value}`);
    return upsert(input);
  };
  const out = await ingestOk(h);
  const dt = h.sims.darktrace.sim.store;
  const expected = alertsIn(h.sims);
  assert.equal(expected.size, dt.breaches.size + dt.events.size, 'every seeded breach and AI Analyst event became an event');
  assertExactlyOnce(h, expected);
  assert.equal(summaryCounts(out).created, expected.size);

  const events = store.listEvents();
  for (const e of events) {
    const pbid = attr(e, BREACH_ID)[0];
    if (pbid) {
      const b = dt.breach(Number(pbid));
      assert.equal(e.typeName, 'Model Breach');
      assert.equal(e.happenedAt, utc(b.time), `breach ${pbid}: happened_at is its time in UTC`);
      if (b.did === -1) assert.deepEqual([e.indicators, e.assets], [[], []], `system breach ${pbid}: no indicator, no asset`);
    } else assert.equal(e.typeName, 'AI Analyst');
    // Hostile strings: no markup from Darktrace survives unescaped in a description.
    const text = (e.description ?? '').replace(/<\/?(p|strong|br|a)( href="[^"<>]*")?>/g, '');
    assert.ok(!/<script/i.test(e.description ?? ''), `${e.title}: no raw <script`);
    assert.ok(!text.includes('<'), `${e.title}: no unescaped < outside the connector's own tags: ${text.slice(0, 200)}`);
    assert.ok((e.description ?? '').length < 30_000, `${e.title}: the 100 kB text is clipped`);
  }
  assert.ok(events.some((e) => (e.description ?? '').includes('&lt;script&gt;')), 'the hostile model text arrived, escaped');

  const indicators = store.listIndicators();
  const kinds = new Set(indicators.map((i) => i.typeName));
  for (const k of ['IP Address', 'IPv6 Address', 'FQDN', 'MAC Address']) assert.ok(kinds.has(k), `device indicators include ${k}`);
  for (const i of indicators) assert.equal(i.statusName, 'Active', `${i.value}: the configured status`);
  assert.ok(!indicators.some((i) => /saas::/i.test(i.value)), 'no indicator for a SaaS pseudo-device');

  // Devices shared by many alerts: each indicator is sent once in the run.
  assert.equal(new Set(upserts).size, upserts.length, `no indicator sent twice in one run: ${upserts.length} items`);
  assert.ok(indicators.some((i) => store.relationsOf('indicator', i.id).filter((r) => r.kind === 'event').length > 1), 'some device has several alerts');
  // One asset per device, related to the event and to its indicators.
  for (const e of events) {
    for (const a of e.assets) {
      const rel = store.relationsOf('asset', a.id);
      for (const i of e.indicators) {
        const sameDevice = rel.some((r) => r.kind === 'indicator' && r.id === i.id);
        if (i.typeName !== 'FQDN' || i.value === a.value) assert.ok(sameDevice || e.assets.length > 1, `asset ${a.value} is related to ${i.value}`);
      }
    }
  }
  assert.equal(new Set(store.listAssets().map((a) => a.value)).size, store.listAssets().length, 'one asset per name');
  assertRunMatchesSummary(h, out);
});

test('a rerun over the same window writes nothing to ThreatQ (zero POST/PUT, no login)', async (t) => {
  const h = await seeded(t);
  await ingestOk(h);
  const before = tqSnapshot(h.sims);
  const from = h.sims.threatq.requests.length;
  const out = await ingestOk(h);
  assert.deepEqual(tqWrites(h.sims, from), [], 'no write');
  assert.equal(h.sims.threatq.requests.slice(from).filter((r) => r.method !== 'GET').length, 0, 'not even a token request');
  const c = summaryCounts(out);
  assert.equal(c.created, 0);
  assert.equal(c.updated, 0);
  assert.equal(c.unchanged, before.events.length);
  assert.deepEqual(tqSnapshot(h.sims), before);
  assertRunMatchesSummary(h, out);
});

test('a breach created after the checkpoint with a time before it is caught by the next run', async (t) => {
  const h = await seeded(t);
  await ingestOk(h);
  const late = h.sims.darktrace.sim.addLateBreach({ did: [...h.sims.darktrace.sim.store.devices.keys()].find((d) => d > 0)!, delayMs: 8 * HOUR, score: 0.8 });
  const out = await ingestOk(h, []);
  assert.equal(summaryCounts(out).created, 1, out);
  const e = eventFor(h, BREACH_ID, String(late.pbid));
  assert.equal(e.happenedAt, utc(late.time), 'happened_at is the (early) breach time');
  assert.ok(e.indicators.length > 0, 'related to its device');
  assertExactlyOnce(h, alertsIn(h.sims));
});

test('backfill with -hist on a later run loads the older alerts once, without duplicating the recent ones', async (t) => {
  const h = await seeded(t, {}, { ...SEED, days: 4 });
  const first = summaryCounts(await ingestOk(h, ['-hist', '1']));
  const dt = h.sims.darktrace.sim.store;
  const all = dt.breaches.size + dt.events.size;
  assert.ok(first.created > 0 && first.created < all, `the first day holds only some alerts (${first.created}/${all})`);
  // A scheduled run re-reads recent alerts for changes, but never creates older ones than -hist asked for.
  assert.equal(summaryCounts(await ingestOk(h, [])).created, 0, 'a run without -hist does not reach back before the first window');
  const out = await ingestOk(h, ['-hist', '5']);
  const second = summaryCounts(out);
  assert.equal(first.created + second.created, all, 'the backfill creates exactly the missing ones');
  assert.equal(second.unchanged, first.created);
  assert.match(lastRun(h).counts.ingest.window.reason, /backfill/);
  assertExactlyOnce(h, alertsIn(h.sims));
  assertRunMatchesSummary(h, out);
});

test('changes in Darktrace (acknowledged, score, comments, incident merge) update the existing events on the next scheduled run', async (t) => {
  const h = await seeded(t);
  await ingestOk(h);
  const sim = h.sims.darktrace.sim;
  // Alerts of several hours ago, changed now: well outside the checkpoint overlap.
  const old = [...sim.store.breaches.values()].filter((b) => b.time < NOW - 6 * HOUR && b.acknowledged === null && b.acknowledgedStyle !== 'absent' && b.did > 0).map((b) => b.pbid);
  const [acked, rescored, commented] = old;
  sim.acknowledgeBreach(acked!, 'soc.lead');
  sim.setBreachScore(rescored!, 0.987);
  sim.addBreachComment(commented!, 'Escalated');
  sim.addBreachComment(commented!, 'Closed');
  const groups = [...sim.store.groups.values()].filter((g) => g.eventIds.some((id) => sim.store.event(id).createdAt < NOW - 6 * HOUR));
  assert.ok(groups.length >= 2, 'test setup: two older incidents');
  const [from, into] = [groups[0]!, groups[1]!];
  const moved = [...from.eventIds];
  sim.mergeIncident(from.id, into.id);
  const eventsBefore = h.sims.threatq.sim.store.events.length;

  const out = await ingestOk(h, []);
  const c = summaryCounts(out);
  assert.equal(c.created, 0, 'nothing created');
  assert.ok(c.updated >= 3 + moved.length, `the changed alerts are updated: ${out}`);
  assert.equal(h.sims.threatq.sim.store.events.length, eventsBefore, 'no duplicate event');
  assert.deepEqual(attr(eventFor(h, BREACH_ID, String(acked)), 'Darktrace Acknowledged'), ['Yes']);
  assert.deepEqual(attr(eventFor(h, BREACH_ID, String(rescored)), 'Darktrace Score'), ['98.7']);
  assert.deepEqual(attr(eventFor(h, BREACH_ID, String(commented)), 'Darktrace Comment Count'), [String(sim.store.breach(commented!).comments.length)]);
  for (const id of moved) assert.deepEqual(attr(eventFor(h, AIA_ID, id), 'Darktrace AI Analyst Incident'), [into.id], `event ${id} now belongs to ${into.id}`);
  assertExactlyOnce(h, alertsIn(h.sims));

  const db = h.db();
  try {
    const updated = db.sqlite.prepare("SELECT darktrace_id FROM alert_actions WHERE action = 'updated'").all() as Array<{ darktrace_id: string }>;
    assert.ok(updated.some((r) => r.darktrace_id === String(acked)), 'history records the update');
  } finally {
    db.close();
  }
  // And the update itself is stable: another run writes nothing.
  const from2 = h.sims.threatq.requests.length;
  await ingestOk(h, []);
  assert.deepEqual(tqWrites(h.sims, from2), []);
});

test('a record the parser rejects is quarantined, listed by history skipped, and the run carries on', async (t) => {
  const h = await seeded(t);
  const sim = h.sims.darktrace.sim;
  const bad = sim.addBreach({ did: -1, time: NOW - 2 * HOUR, creationTime: NOW - 2 * HOUR + 1000, score: 'high' as unknown as number });
  const r = await h.run(['ingest', '-hist', '1']);
  const c = summaryCounts(r.stdout);
  assert.equal(c.quarantined, 1, r.stdout);
  assert.equal(c.created, sim.store.breaches.size - 1 + sim.store.events.size, 'every other alert is created');
  assert.ok([0, 3].includes(r.code), `exit code ${r.code} (${r.stderr})`);
  assertRunMatchesSummary(h, r.stdout);
  const skipped = await h.run(['history', 'skipped']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, new RegExp(String(bad.pbid)));
  assert.match(skipped.stdout, /score/);
  assert.equal(h.sims.threatq.sim.store.countEventsByAttribute(BREACH_ID, String(bad.pbid)), 0);
});

test('filters: minimum breach score and model include/exclude globs from the environment', async (t) => {
  const h = await seeded(t, { DARKTRACE_MIN_BREACH_SCORE: '40', DARKTRACE_INCLUDE_MODELS: 'Device*,Compromise::*,Anomalous*', DARKTRACE_EXCLUDE_MODELS: '*Watched*' });
  const out = await ingestOk(h);
  const dt = h.sims.darktrace.sim.store;
  const wanted = [...dt.breaches.values()].filter((b) => {
    const name = b.model.then.name;
    return b.score >= 0.4 && /^(device|compromise::|anomalous)/i.test(name) && !/watched/i.test(name);
  });
  assert.ok(wanted.length > 0 && wanted.length < dt.breaches.size, `test setup: the filters keep some breaches (${wanted.length}/${dt.breaches.size})`);
  const store = h.sims.threatq.sim.store;
  const breachEvents = store.listEvents({ typeName: 'Model Breach' });
  assert.deepEqual(breachEvents.map((e) => Number(attr(e, BREACH_ID)[0])).sort(), wanted.map((b) => b.pbid).sort(), 'exactly the breaches passing every filter');
  assert.equal(store.listEvents({ typeName: 'AI Analyst' }).length, dt.events.size, 'AI Analyst events are not filtered by the breach filters');
  const c = summaryCounts(out);
  assert.equal(c.created, wanted.length + dt.events.size);
  assertRunMatchesSummary(h, out);
});
