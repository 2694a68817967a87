/**
 * Export end to end (ThreatQ collections → Darktrace intel feed) through the CLI against both
 * simulators over HTTPS: first run, no-change rerun, membership changes, hand edits in
 * Darktrace, other sources, expiry refresh and expiry 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './harness.ts';
import {
  SOURCE,
  actions,
  addToCollection,
  assertConverged,
  assertOtherSourceIntact,
  dumpExportState,
  feedExpiry,
  feedNames,
  fqdn,
  intelFeedPosts,
  ip,
  lastExportCounts,
  ledger,
  removeFromCollection,
  runs,
  seedOtherSource,
  spyOnFeed,
} from './exportSupport.ts';

const A = 'Export to Darktrace';
const B = 'Watch List';
const DAY = 86_400_000;

async function setup(t: Parameters<typeof startHarness>[0], env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness(t, { collections: [A, B], env });
  addToCollection(h.sims, A, [fqdn('Alpha.Example.COM.'), fqdn('beta.example.net'), ip('203.0.113.7'), { type: 'IPv6 Address', value: '2001:DB8:0:0:0:0:0:1' }, { type: 'URL', value: 'https://x.example/a' }]);
  addToCollection(h.sims, B, [fqdn('beta.example.net'), fqdn('gamma.example.org'), ip('198.51.100.0/24')]);
  return h;
}

const FIRST_SET = ['2001:db8::1', '198.51.100.0/24', '203.0.113.7', 'alpha.example.com', 'beta.example.net', 'gamma.example.org'];

async function exportOk(h: Harness, args: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const r = await h.run(['export', ...args]);
  assert.equal(r.code, 0, `export exits 0; stderr: ${r.stderr}`);
  return r;
}

test('first export: the feed under the source equals the normalised desired set exactly, with the configured expiry', async (t) => {
  const h = await setup(t);
  const spy = spyOnFeed(h.sims);
  const before = Date.now();
  const r = await exportOk(h);
  assertConverged(h, FIRST_SET);
  assert.match(r.stdout, /added 6/);
  for (const name of FIRST_SET) {
    const expiry = feedExpiry(h.sims, name)!;
    assert.ok(expiry >= Math.floor((before + 30 * DAY) / 1000) * 1000 && expiry <= Date.now() + 30 * DAY, `${name} expires in 30 days`);
  }
  const rows = ledger(h);
  assert.deepEqual(JSON.parse(rows.find((x) => x.value === 'beta.example.net')!.collections_json), [A, B], 'the ledger names both collections');
  assert.equal(spy.writes.filter((w) => w.kind !== 'add').length, 0, 'a first export removes nothing');
  const c = lastExportCounts(h);
  assert.equal(c.added, 6);
  assert.equal(c.desired, 6);
  assert.equal(actions(h).filter((a) => a.action === 'added').length, 6, 'one added action per entry');
});

test('no-change rerun writes nothing to Darktrace (zero POST /intelfeed)', async (t) => {
  const h = await setup(t);
  await exportOk(h);
  const from = h.sims.darktrace.requests.length;
  const state = dumpExportState(h);
  const r = await exportOk(h);
  assert.equal(intelFeedPosts(h.sims, from), 0, 'no POST /intelfeed on an unchanged rerun');
  assert.equal(dumpExportState(h), state, 'nothing to record either: ledger, actions and skips unchanged');
  assert.match(r.stdout, /added 0, restored 0, refreshed 0, removed 0, unchanged 6/);
  assertConverged(h, FIRST_SET);
});

test('membership changes add and remove; an indicator in two collections stays until it leaves both; other sources untouched', async (t) => {
  const h = await setup(t);
  // Another source, also holding some of the very same values.
  const other = ['beta.example.net', 'alpha.example.com', 'unrelated.example'];
  seedOtherSource(h.sims, 'Analyst', other);
  const spy = spyOnFeed(h.sims);
  await exportOk(h);

  // beta leaves A but is still in B; alpha leaves A (its only collection); delta joins B.
  removeFromCollection(h.sims, A, ['beta.example.net', 'Alpha.Example.COM.']);
  addToCollection(h.sims, B, [fqdn('delta.example.com')]);
  await exportOk(h);
  const second = FIRST_SET.filter((v) => v !== 'alpha.example.com').concat('delta.example.com');
  assertConverged(h, second);
  assert.deepEqual(JSON.parse(ledger(h).find((x) => x.value === 'beta.example.net')!.collections_json), [B], 'beta is now wanted by B only');
  let c = lastExportCounts(h);
  assert.equal(c.added, 1);
  assert.equal(c.removed, 1);

  // beta leaves B too: now it leaves Darktrace (our source only).
  removeFromCollection(h.sims, B, ['beta.example.net']);
  await exportOk(h);
  assertConverged(h, second.filter((v) => v !== 'beta.example.net'));
  c = lastExportCounts(h);
  assert.equal(c.removed, 1);
  assertOtherSourceIntact(h.sims, 'Analyst', other);
  assert.ok(!spy.writes.some((w) => w.kind === 'removeAll'), 'removeall is never sent');
  assert.ok(spy.writes.filter((w) => w.kind !== 'add').every((w) => w.source === SOURCE), 'every removal is scoped to our source');
  assert.deepEqual(
    actions(h, 'beta.example.net').map((a) => a.action),
    ['added', 'removed'],
    'history of beta: added, then removed when it left both collections',
  );
});

test('an entry removed by hand in Darktrace is restored, and history says restored', async (t) => {
  const h = await setup(t);
  await exportOk(h);
  h.sims.darktrace.sim.removeIntelFeedEntries(SOURCE, ['gamma.example.org']);
  const r = await exportOk(h);
  assert.match(r.stdout, /restored 1/);
  assertConverged(h, FIRST_SET);
  assert.deepEqual(
    actions(h, 'gamma.example.org').map((a) => a.action),
    ['added', 'restored'],
  );
  const hist = await h.run(['history', 'indicator', 'gamma.example.org']);
  assert.equal(hist.code, 0, hist.stderr);
  assert.match(hist.stdout, /restored/);
});

test('an entry placed under our source by hand, wanted by no collection, is removed; the same value under another source stays', async (t) => {
  const h = await setup(t);
  await exportOk(h);
  h.sims.darktrace.sim.addIntelFeedEntries(SOURCE, ['stray.example'], { expiry: null });
  seedOtherSource(h.sims, 'Analyst', ['stray.example']);
  await exportOk(h);
  assertConverged(h, FIRST_SET);
  assertOtherSourceIntact(h.sims, 'Analyst', ['stray.example']);
});

test('expiry refresh: entries due to lapse are re-sent with a later expiry, and are not due again on the next run', async (t) => {
  const h = await setup(t);
  // First run with 1-day expiry: everything expires tomorrow.
  await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '1' }).then((r) => assert.equal(r.code, 0, r.stderr));
  const short = feedExpiry(h.sims, 'beta.example.net')!;
  assert.ok(short <= Date.now() + DAY);
  // Rerun at 1 day: refreshed when less than half the period is left — not yet.
  let from = h.sims.darktrace.requests.length;
  await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '1' }).then((r) => assert.equal(r.code, 0, r.stderr));
  assert.equal(intelFeedPosts(h.sims, from), 0, 'not due yet: nothing sent');

  // One entry about to lapse (as if time passed); the setting moves to 30 days.
  h.sims.darktrace.sim.addIntelFeedEntries(SOURCE, ['gamma.example.org'], { expiry: Date.now() + 3_600_000, description: 'x' });
  const spy = spyOnFeed(h.sims);
  from = h.sims.darktrace.requests.length;
  const r = await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '30' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /refreshed 6/, 'all entries expiring within a week are refreshed');
  const later = feedExpiry(h.sims, 'gamma.example.org')!;
  assert.ok(later > Date.now() + 29 * DAY, 'refreshed entry expires in 30 days');
  assert.ok(feedExpiry(h.sims, 'beta.example.net')! > short, 'the expiry moved later');
  assert.ok(spy.writes.every((w) => w.kind === 'add'), 'a refresh only adds');
  assertConverged(h, FIRST_SET);
  assert.equal(ledger(h).find((x) => x.value === 'gamma.example.org')!.expires_at, later, 'the ledger records the new expiry');
  assert.ok(actions(h, 'gamma.example.org').some((a) => a.action === 'refreshed'));

  // Refreshed entries are not due again on the next run.
  from = h.sims.darktrace.requests.length;
  await exportOk(h);
  assert.equal(intelFeedPosts(h.sims, from), 0);
});

test('expiry 0: entries are sent without expiry; switching an expiring set to 0 re-sends it without expiry', async (t) => {
  const h = await setup(t);
  await exportOk(h);
  assert.ok(feedExpiry(h.sims, 'alpha.example.com'));
  const r = await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '0' });
  assert.equal(r.code, 0, r.stderr);
  for (const name of FIRST_SET) assert.equal(feedExpiry(h.sims, name), null, `${name} never expires`);
  assert.ok(ledger(h).every((x) => x.expires_at === null), 'the ledger records no expiry');
  const from = h.sims.darktrace.requests.length;
  await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '0' }).then((x) => assert.equal(x.code, 0, x.stderr));
  assert.equal(intelFeedPosts(h.sims, from), 0, 'entries without expiry are never refreshed');
  assertConverged(h, FIRST_SET);
});

test('fresh start with expiry 0 and the runs row counts equal the printed summary', async (t) => {
  const h = await setup(t, { DARKTRACE_EXPIRATION_DAYS: '0' });
  const r = await exportOk(h);
  for (const name of FIRST_SET) assert.equal(feedExpiry(h.sims, name), null);
  const c = lastExportCounts(h);
  const m = /added (\d+), restored (\d+), refreshed (\d+), removed (\d+), unchanged (\d+), skipped (\d+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.deepEqual(
    [c.added, c.restored, c.refreshed, c.removed, c.unchanged, c.skipped],
    m.slice(1).map(Number),
  );
  const row = runs(h).at(-1)!;
  assert.equal(row.status, 'success');
  assert.equal(row.differential, 1);
});

test('entries that lapsed in Darktrace (no run for longer than the expiry) are restored with a fresh expiry', async (t) => {
  // Darktrace's clock can be moved ahead between runs, as if days passed with no export.
  let ahead = 0;
  const h = await startHarness(t, { collections: [A, B], darktrace: { clock: { now: () => Date.now() + ahead } } });
  addToCollection(h.sims, A, [fqdn('alpha.example.com'), fqdn('beta.example.net')]);
  addToCollection(h.sims, B, [fqdn('gamma.example.org')]);
  await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '2' }).then((r) => assert.equal(r.code, 0, r.stderr));
  ahead = 3 * DAY;
  assert.deepEqual(feedNames(h.sims), [], 'every entry lapsed by itself');
  ahead = 0;
  const r = await h.run(['export'], { DARKTRACE_EXPIRATION_DAYS: '2' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /restored 3/);
  assertConverged(h, ['alpha.example.com', 'beta.example.net', 'gamma.example.org']);
  assert.ok(feedExpiry(h.sims, 'alpha.example.com')! > Date.now() + DAY, 'restored with a fresh expiry');
});

test('a source label with spaces and symbols: read back under the same label, so an unchanged rerun writes nothing', async (t) => {
  const source = 'TQ & Co: intel/feed #1 ü';
  const h = await startHarness(t, { collections: [A], env: { DARKTRACE_SOURCE_NAME: source } });
  addToCollection(h.sims, A, [fqdn('alpha.example.com'), ip('203.0.113.7')]);
  seedOtherSource(h.sims, 'TQ', ['alpha.example.com']);
  await exportOk(h);
  assert.deepEqual(feedNames(h.sims, source), ['203.0.113.7', 'alpha.example.com']);
  const from = h.sims.darktrace.requests.length;
  const r = await exportOk(h);
  assert.equal(intelFeedPosts(h.sims, from), 0, r.stdout);
  removeFromCollection(h.sims, A, ['203.0.113.7']);
  await exportOk(h);
  assert.deepEqual(feedNames(h.sims, source), ['alpha.example.com']);
  assertOtherSourceIntact(h.sims, 'TQ', ['alpha.example.com']);
});

test('the same value in two collections, written differently, is one entry wanted by both', async (t) => {
  const h = await startHarness(t, { collections: [A, B] });
  addToCollection(h.sims, A, [fqdn('Evil.Example.COM'), { type: 'IPv6 Address', value: '2001:0db8:0000::0001' }]);
  addToCollection(h.sims, B, [fqdn('evil.example.com.'), { type: 'IPv6 Address', value: '2001:db8::1' }]);
  const spy = spyOnFeed(h.sims);
  await exportOk(h);
  assert.deepEqual(spy.added().sort(), ['2001:db8::1', 'evil.example.com'], 'each entry sent once');
  assertConverged(h, ['2001:db8::1', 'evil.example.com']);
  for (const row of ledger(h)) assert.deepEqual(JSON.parse(row.collections_json), [A, B]);
  // Leaving one collection keeps it; the ledger follows the membership.
  removeFromCollection(h.sims, A, ['Evil.Example.COM']);
  const from = h.sims.darktrace.requests.length;
  await exportOk(h);
  assert.equal(intelFeedPosts(h.sims, from), 0, 'still wanted: nothing to send');
  assert.deepEqual(JSON.parse(ledger(h).find((r) => r.value === 'evil.example.com')!.collections_json), [B]);
});
