/**
 * The Darktrace client against the Darktrace simulator over HTTPS, built by createApiClients:
 * signatures for every query shape, token and clock problems, permissions, API access, and the
 * intel-feed round trip.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../src/errors.ts';
import { rejection, startWorld, type World } from './support.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

function window(days = 3) {
  const now = Date.now();
  return { startMs: now - days * DAY, endMs: now + MINUTE };
}

/** Statuses the simulator answered, oldest first (requests still open count as 0). */
function statuses(w: World): number[] {
  return w.sims.darktrace.requests.map((r) => r.status);
}

test('the simulator accepts the signature of every request shape the client sends', async (t) => {
  const w = await startWorld(t, { sims: { darktrace: { seedCounts: { breaches: 12, aiEvents: 4, devices: 4, days: 2 } } } });
  const dt = w.clients.darktrace;
  const sim = w.sims.darktrace.sim;
  const source = 'ThreatQ & Co / Überwachung = on';

  assert.ok((await dt.status()).version);
  const breaches = await dt.modelBreaches(window());
  assert.ok(breaches.records.length > 0, 'seeded breaches are listed');
  await dt.modelBreaches(window(), { creationTime: false, includeAcknowledged: false, minScore: 0.35 });
  const pbid = breaches.records[0]!.pbid;
  assert.equal((await dt.modelBreach(pbid))?.pbid, pbid);
  const events = await dt.aiAnalystEvents(window());
  assert.ok(events.records.length > 0, 'seeded AI Analyst events are listed');
  await dt.aiAnalystEvents(window(), { minGroupScore: 20, includeAcknowledged: false });
  assert.equal((await dt.aiAnalystEvent(events.records[0]!.id))?.id, events.records[0]!.id);
  await dt.aiAnalystGroups(window(), { minGroupScore: 10 });
  const did = [...sim.store.devices.keys()][0]!;
  assert.equal((await dt.device(did))?.did, did);
  await dt.addIntelFeedEntries({
    source,
    entries: ['evil.example', '203.0.113.9', '2001:db8::/48'],
    description: 'From ThreatQ: "Watch List" & more = 100% ünïcode',
    expiresAt: Date.now() + 7 * DAY,
  });
  await dt.addIntelFeedEntries({ source, entries: ['no-expiry.example'], description: 'never expires' });
  assert.deepEqual((await dt.intelFeedNames({ source })).sort(), ['2001:db8::/48', '203.0.113.9', 'evil.example', 'no-expiry.example']);
  assert.ok((await dt.intelFeedNames()).includes('evil.example'));
  assert.equal((await dt.intelFeedDetails({ source })).records.length, 4);
  await dt.intelFeedDetails();
  assert.ok((await dt.intelFeedSources()).includes(source));
  await dt.removeIntelFeedEntry({ source, entry: '2001:db8::/48' });

  assert.ok(statuses(w).length >= 17);
  assert.deepEqual(
    w.sims.darktrace.requests.filter((r) => r.status !== 200).map((r) => `${r.method} ${r.path}?${r.query} -> ${r.status}`),
    [],
    'every request was accepted at once',
  );
  assert.deepEqual(w.logger.events('darktrace.date_retry'), []);
});

test('a wrong private token → E_DT_SIGNATURE (exit 3), with neither token in the message', async (t) => {
  const wrong = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';
  const w = await startWorld(t, { edit: (c) => void (c.darktrace.privateToken = wrong) });
  const err = await rejection(() => w.clients.darktrace.modelBreaches(window()));
  assert.equal(err.code, 'E_DT_SIGNATURE');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.message, /signature/);
  assert.match(err.hint ?? '', /token pair/);
  for (const secret of [wrong, w.config.darktrace.publicToken, w.sims.darktrace.credentials.privateToken]) {
    assert.ok(!`${err.message} ${err.hint}`.includes(secret), 'a token appears in the error');
    assert.ok(!w.logger.dump().includes(secret), 'a token appears in the log');
  }
  assert.deepEqual(statuses(w), [400], 'a signature error is not retried');
});

test('a Darktrace clock 10 min ahead: measured from the Date header, and later requests are dated in its time', async (t) => {
  const w = await startWorld(t, { sims: { darktrace: { clockOffsetMs: 10 * MINUTE } } });
  const dt = w.clients.darktrace;
  assert.equal(dt.clockSkewMs(), undefined, 'nothing measured before the first answer');
  await dt.status();
  const skew = dt.clockSkewMs();
  assert.ok(skew !== undefined && Math.abs(skew - 10 * MINUTE) < 2_000, `skew ${skew} ms`);
  const warnings = w.logger.events('darktrace.clock_skew');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /10 minutes behind/);

  // 35 min ahead now: only a request dated 10 min into the future lands inside the ±30 min window.
  w.sims.darktrace.sim.configure({ clockOffsetMs: 35 * MINUTE });
  await dt.modelBreaches(window());
  await dt.intelFeedSources();
  assert.deepEqual(statuses(w), [200, 200, 200], 'no request was refused for its date');
  assert.equal(w.logger.events('darktrace.clock_skew').length, 1, 'warned once');
});

test('a Darktrace clock 40 min ahead: one date error, then corrected from its Date header for good', async (t) => {
  const w = await startWorld(t, { sims: { darktrace: { clockOffsetMs: 40 * MINUTE } } });
  const dt = w.clients.darktrace;
  await dt.status();
  assert.deepEqual(statuses(w), [400, 200], 'refused once, accepted when dated in Darktrace time');
  const skew = dt.clockSkewMs();
  assert.ok(skew !== undefined && Math.abs(skew - 40 * MINUTE) < 2_000, `skew ${skew} ms`);
  const retry = w.logger.events('darktrace.date_retry');
  assert.equal(retry.length, 1);
  assert.match(retry[0]!.message, /40 minutes behind/);
  await dt.modelBreaches(window());
  assert.deepEqual(statuses(w), [400, 200, 200], 'later requests are right the first time');
});

test('a date Darktrace refuses even in its own time → E_DT_DATE naming the skew in minutes', async (t) => {
  const w = await startWorld(t, { sims: { darktrace: { clockOffsetMs: 40 * MINUTE, rejectDateFormats: ['compact', 'spaced'] } } });
  const err = await rejection(() => w.clients.darktrace.status());
  assert.equal(err.code, 'E_DT_DATE');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.message, /40 minutes behind Darktrace's/);
  assert.match(err.hint ?? '', /NTP/);
  assert.ok(Math.abs(((err as { skewMs?: number }).skewMs ?? 0) - 40 * MINUTE) < 2_000);
  assert.deepEqual(statuses(w), [400, 400], 'retried once, not in a loop');
});

for (const style of ['forbidden', 'legacyRedirect'] as const) {
  test(`no permission for /intelfeed (${style}) → E_DT_PERMISSION naming the permission; other endpoints still work`, async (t) => {
    const w = await startWorld(t, { sims: { darktrace: { permissions: { deny: ['/intelfeed'], style } } } });
    const dt = w.clients.darktrace;
    const err = await rejection(() => dt.addIntelFeedEntries({ source: 'ThreatQ', entries: ['evil.example'], description: 'x' }));
    assert.equal(err.code, 'E_DT_PERMISSION');
    assert.equal(err.exitCode, EXIT.auth);
    assert.match(err.message, /\/intelfeed/);
    assert.match(err.hint ?? '', /'Edit Domains'/);
    const read = await rejection(() => dt.intelFeedNames());
    assert.equal(read.code, 'E_DT_PERMISSION');
    await dt.modelBreaches(window());
    assert.deepEqual(statuses(w), [style === 'forbidden' ? 403 : 302, style === 'forbidden' ? 403 : 302, 200]);
  });
}

test('a token without API access (HTML login page with 200) → E_DT_NO_API_ACCESS', async (t) => {
  const w = await startWorld(t, { sims: { darktrace: { htmlLoginPage: true } } });
  const err = await rejection(() => w.clients.darktrace.status());
  assert.equal(err.code, 'E_DT_NO_API_ACCESS');
  assert.equal(err.exitCode, EXIT.auth);
  assert.match(err.hint ?? '', /API Access/);
  assert.deepEqual(statuses(w), [200], 'not retried');
});

test('intel feed round trip: add with expiry, list, lapse, remove from one source only', async (t) => {
  const w = await startWorld(t);
  const dt = w.clients.darktrace;
  const sim = w.sims.darktrace.sim;
  const source = 'ThreatQ';
  const expiresAt = Date.now() + 2 * DAY;
  const soon = Date.now() + 30_000;

  assert.deepEqual(await dt.addIntelFeedEntries({ source, entries: ['a.example', '198.51.100.1', '198.51.100.0/24'], description: 'From collection X', expiresAt }), { added: 3, updated: 0 });
  await dt.addIntelFeedEntries({ source, entries: ['forever.example'], description: 'No expiry', expiresAt: null });
  await dt.addIntelFeedEntries({ source, entries: ['soon.example'], description: 'Lapses', expiresAt: soon });
  await dt.addIntelFeedEntries({ source: 'Analyst', entries: ['a.example'], description: 'Added by hand' });

  const details = new Map((await dt.intelFeedDetails({ source })).records.map((e) => [e.name, e]));
  assert.deepEqual([...details.keys()].sort(), ['198.51.100.0/24', '198.51.100.1', 'a.example', 'forever.example', 'soon.example']);
  assert.equal(details.get('a.example')?.expiresAt, Math.floor(expiresAt / 1000) * 1000, 'expiry read back to the second');
  assert.equal(details.get('a.example')?.description, 'From collection X');
  assert.equal(details.get('forever.example')?.expiresAt, null);
  assert.deepEqual((await dt.intelFeedSources()).sort(), ['Analyst', 'ThreatQ']);

  // Re-adding refreshes instead of duplicating.
  assert.deepEqual(await dt.addIntelFeedEntries({ source, entries: ['a.example'], description: 'From collection X', expiresAt }), { added: 0, updated: 1 });

  // A minute later (on Darktrace's clock) the short-lived entry is gone by itself.
  sim.configure({ clockOffsetMs: MINUTE });
  assert.deepEqual((await dt.intelFeedNames({ source })).sort(), ['198.51.100.0/24', '198.51.100.1', 'a.example', 'forever.example']);

  await dt.removeIntelFeedEntry({ source, entry: 'a.example' });
  assert.deepEqual((await dt.intelFeedNames({ source })).sort(), ['198.51.100.0/24', '198.51.100.1', 'forever.example']);
  assert.deepEqual(await dt.intelFeedNames({ source: 'Analyst' }), ['a.example'], "the analyst's entry stays");
  assert.deepEqual(sim.intelFeedEntries(source).map((e) => e.name).sort(), ['198.51.100.0/24', '198.51.100.1', 'forever.example']);
});

test('entries that are not single values are refused before anything is sent', async (t) => {
  const w = await startWorld(t);
  const dt = w.clients.darktrace;
  await dt.status();
  const before = w.sims.darktrace.sim.requestCount('/intelfeed');
  for (const entry of ['a.example,b.example', 'a.example b.example', 'a.example\nb.example', '']) {
    const err = await rejection(() => dt.addIntelFeedEntries({ source: 'ThreatQ', entries: ['fine.example', entry], description: 'x' }));
    assert.equal(err.code, 'E_DT_INTELFEED_INPUT', JSON.stringify(entry));
    assert.equal(err.exitCode, EXIT.usage);
  }
  const source = await rejection(() => dt.addIntelFeedEntries({ source: 'x'.repeat(64), entries: ['fine.example'], description: 'x' }));
  assert.equal(source.code, 'E_DT_INTELFEED_INPUT');
  const remove = await rejection(() => dt.removeIntelFeedEntry({ source: 'ThreatQ', entry: 'a.example,b.example' }));
  assert.equal(remove.code, 'E_DT_INTELFEED_INPUT');
  assert.equal(w.sims.darktrace.sim.requestCount('/intelfeed'), before, 'nothing reached Darktrace');
  assert.deepEqual(w.sims.darktrace.sim.intelFeedEntries(), []);
});
