/**
 * Export end to end, the guard rails: hostile values never reach Darktrace, an unknown
 * collection writes nothing, `-d` leaves the ledger alone, `--dry-run` writes nothing anywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import { startHarness, type Harness } from './harness.ts';
import { seedThreatQ } from '../../src/sim/threatq/seed.ts';
import { normaliseIndicator } from '../../src/export/normaliseIndicator.ts';
import {
  SOURCE,
  addToCollection,
  assertConverged,
  assertOtherSourceIntact,
  dumpExportState,
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
  withDb,
  type IndicatorSpec,
} from './exportSupport.ts';

const A = 'Export to Darktrace';
const B = 'Watch List';

/** An intel-feed entry as Darktrace stores it: one domain, address or CIDR range, nothing else. Written independently of the connector's normaliser. */
function isSingleEntry(s: string): boolean {
  if (isIPv4(s)) return true;
  if (isIPv6(s)) return s === s.toLowerCase();
  const cidr = /^(.+)\/(\d{1,3})$/.exec(s);
  if (cidr) return (isIPv4(cidr[1]!) && Number(cidr[2]) < 32) || (isIPv6(cidr[1]!) && Number(cidr[2]) < 128);
  return s.length <= 253 && /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(s);
}

const HOSTILE: Array<IndicatorSpec & { reason: RegExp }> = [
  { ...fqdn('one.example,two.example'), reason: /comma/ },
  { ...fqdn('three.example\nfour.example'), reason: /line break/ },
  { ...fqdn('five.example\r\nsix.example'), reason: /line break/ },
  { ...fqdn('seven.example\u2028eight.example'), reason: /line break/ },
  { ...fqdn('https://evil.example/login?next=/a,b'), reason: /comma/ },
  { ...fqdn('https://evil.example/login'), reason: /URL/ },
  { ...fqdn('*.wild.example'), reason: /wildcard/ },
  { ...fqdn('port.example:8080'), reason: /port/ },
  { ...fqdn(`${'a'.repeat(64)}.example`), reason: /label longer than 63/ },
  { ...fqdn(`${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example`), reason: /longer than 253/ },
  { ...fqdn('<script>alert(1)</script>.example'), reason: /URL|characters/ },
  { ...fqdn('evil.example"><img src=x>'), reason: /white space|characters/ },
  { ...fqdn('two words.example'), reason: /white space/ },
  { ...fqdn('user@mail.example'), reason: /email/ },
  { ...fqdn('nodots'), reason: /two labels/ },
  { ...ip('10.0.0.1,10.0.0.2'), reason: /comma/ },
  { ...ip('203.0.113.5:443'), reason: /not a valid IP/ },
  { ...ip('999.1.1.1'), reason: /ambiguous|not a valid IP/ },
  { ...ip('198.51.100.7/24'), reason: /network address/ },
];
const CLEAN: IndicatorSpec[] = [fqdn('  Spaced.Example.COM. '), fqdn('bücher.example'), ip('192.0.2.10/32'), fqdn('ok.example')];
const CLEAN_NORMALISED = ['192.0.2.10', 'ok.example', 'spaced.example.com', 'xn--bcher-kva.example'];

test('hostile values never reach Darktrace; each skip is recorded with its reason and shown by history skipped', async (t) => {
  const h = await startHarness(t, { collections: [A, 'Seeded'] });
  addToCollection(h.sims, A, [...HOSTILE, ...CLEAN]);
  // And a generated collection where half the exportable values are hostile.
  seedThreatQ(h.sims.threatq.sim, { seed: 11, collections: [{ name: 'Seeded', size: 600 }], hostileFraction: 0.5 });
  const spy = spyOnFeed(h.sims);
  const r = await h.run(['export']);
  assert.equal(r.code, 0, r.stderr);

  // The oracle: every member of an exported type without a separator character, normalised.
  const store = h.sims.threatq.sim.store;
  const seededIds = store.tagMembers(store.tagByName('Seeded')!.id)!.view();
  const members = [...HOSTILE, ...CLEAN, ...Array.from(seededIds, (id) => ({ type: store.indicatorView(id)!.typeName, value: store.indicators.value(id) }))];
  const allowed = new Set<string>();
  for (const m of members) {
    if (/[,\r\n\u2028\u2029\u0085]/.test(m.value)) continue;
    const n = normaliseIndicator(m.type, m.value);
    if (n.ok) allowed.add(n.value);
  }
  const sent = spy.added();
  assert.ok(sent.length > 300, `a real export happened (${sent.length} entries)`);
  for (const name of sent) {
    assert.ok(isSingleEntry(name), `only single valid entries are sent: ${JSON.stringify(name)}`);
    assert.ok(allowed.has(name), `every entry sent is one wanted indicator, not a fragment of one: ${JSON.stringify(name)}`);
  }
  for (const v of CLEAN_NORMALISED) assert.ok(sent.includes(v), `${v} was exported`);
  assertConverged(h, [...allowed]);

  const skips = withDb(h, (db) => db.sqlite.prepare('SELECT raw_value, reason, indicator_type, collections_json FROM export_skips').all() as Array<{ raw_value: string; reason: string; indicator_type: string; collections_json: string }>);
  for (const hv of HOSTILE) {
    const row = skips.find((s) => s.raw_value === hv.value);
    assert.ok(row, `skip of ${JSON.stringify(hv.value)} recorded`);
    assert.match(row.reason, hv.reason, `reason for ${JSON.stringify(hv.value)}`);
    assert.deepEqual(JSON.parse(row.collections_json), [A]);
  }
  const c = lastExportCounts(h);
  assert.equal(c.skipped, skips.length, 'the run counts every skip');
  assert.match(r.stdout, new RegExp(`skipped ${skips.length}`));

  const hist = await h.run(['history', 'skipped', '--format', 'json', '--limit', '100000']);
  assert.equal(hist.code, 0, hist.stderr);
  const shown = (JSON.parse(hist.stdout) as { skipped: Array<{ id: string; reason: string }> }).skipped;
  for (const hv of HOSTILE) assert.ok(shown.some((s) => s.id === hv.value && hv.reason.test(s.reason)), `history skipped shows ${JSON.stringify(hv.value)}`);
  const table = await h.run(['history', 'skipped', '--limit', '1000']);
  assert.match(table.stdout, /wildcards are not supported/);
});

test('an unknown collection: exit 2, the message lists the collections that exist, nothing written', async (t) => {
  const h = await startHarness(t, { collections: [A, 'Watch list '] });
  addToCollection(h.sims, A, [fqdn('a.example')]);
  addToCollection(h.sims, B, [fqdn('b.example')]);
  const spy = spyOnFeed(h.sims);
  const r = await h.run(['export']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Watch list/);
  assert.match(r.stderr, /'Export to Darktrace'/);
  assert.match(r.stderr, /'Watch List'/);
  assert.equal(intelFeedPosts(h.sims), 0, 'no POST to Darktrace');
  assert.equal(spy.writes.length, 0);
  assert.deepEqual(ledger(h), []);
  const row = runs(h).at(-1)!;
  assert.equal(row.status, 'failed');
  assert.equal(row.exit_code, 2);
});

test('a collection name from ThreatQ cannot write to the terminal or forge a line of the error output', async (t) => {
  const h = await startHarness(t, { collections: ['Nope'] });
  // A name an attacker with Threat Library access could save: clear the screen, then a fake all-clear line.
  const hostile = 'Evil\u001b[2J\nError: none, all exported\u202e';
  addToCollection(h.sims, hostile, [fqdn('a.example')]);
  const r = await h.run(['export']);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(!/[\u001b\u202e]/.test(r.stderr), `no escape or bidi character printed: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, /'Evil\\u001b\[2J\\nError: none, all exported\\u202e'/);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1, r.stderr);
});

async function scene(t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(t, { collections: [A, B] });
  addToCollection(h.sims, A, [fqdn('keep.example'), fqdn('leave.example'), fqdn('handdeleted.example'), fqdn('expiring.example')]);
  addToCollection(h.sims, B, [ip('192.0.2.1')]);
  seedOtherSource(h.sims, 'Analyst', ['leave.example', 'other.example']);
  const r = await h.run(['export']);
  assert.equal(r.code, 0, r.stderr);
  // Changes since: one leaves, one joins, one hostile joins, one deleted by hand, one about to lapse.
  removeFromCollection(h.sims, A, ['leave.example']);
  addToCollection(h.sims, B, [fqdn('new.example'), fqdn('bad,value.example')]);
  h.sims.darktrace.sim.removeIntelFeedEntries(SOURCE, ['handdeleted.example']);
  h.sims.darktrace.sim.addIntelFeedEntries(SOURCE, ['expiring.example'], { expiry: Date.now() + 3_600_000 });
  return h;
}

test('-d pushes the whole desired set, removes nothing, leaves the ledger byte for byte unchanged', async (t) => {
  const h = await scene(t);
  const before = dumpExportState(h);
  const spy = spyOnFeed(h.sims);
  const r = await h.run(['export', '-d']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(dumpExportState(h), before, 'export_ledger, export_actions and export_skips unchanged');
  const desired = ['192.0.2.1', 'expiring.example', 'handdeleted.example', 'keep.example', 'new.example'];
  assert.deepEqual(spy.added().sort(), desired, 'the whole desired set is pushed, nothing else');
  assert.ok(spy.writes.every((w) => w.kind === 'add' && w.source === SOURCE), 'nothing removed');
  assert.deepEqual(feedNames(h.sims), [...desired, 'leave.example'].sort(), 'the unwanted entry is left in place');
  assertOtherSourceIntact(h.sims, 'Analyst', ['leave.example', 'other.example']);
  const row = runs(h).at(-1)!;
  assert.equal(row.differential, 0, 'recorded as non-differential');
  assert.equal(row.status, 'success');
  assert.match(r.stdout, /non-differential/);
  // A normal run afterwards still does the differential work -d left undone.
  const n = await h.run(['export']);
  assert.equal(n.code, 0, n.stderr);
  assertConverged(h, desired);
  assertOtherSourceIntact(h.sims, 'Analyst', ['leave.example', 'other.example']);
});

test('--dry-run lists adds, restores, refreshes, removes and skips (text and JSON) and writes nothing anywhere', async (t) => {
  const h = await scene(t);
  const state = dumpExportState(h);
  const runRows = JSON.stringify(runs(h));
  const feed = JSON.stringify(h.sims.darktrace.sim.intelFeedEntries());
  const from = h.sims.darktrace.requests.length;

  const text = await h.run(['export', '--dry-run']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /1 to add, 1 to restore, 1 to refresh, 1 to remove, 2 unchanged, 1 skipped/);
  assert.match(text.stdout, /^\+ add +new\.example {2}\(Watch List\)$/m);
  assert.match(text.stdout, /^\+ restore +handdeleted\.example/m);
  assert.match(text.stdout, /^~ refresh +expiring\.example/m);
  assert.match(text.stdout, /^- remove +leave\.example$/m);
  assert.match(text.stdout, /^! skip {5}"bad,value\.example".*comma/m);

  const json = await h.run(['export', '--dry-run', '--plan-format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const plan = JSON.parse(json.stdout.slice(0, json.stdout.lastIndexOf('}') + 1)) as Record<string, Array<{ value: string; reason?: string }>> & { dryRun: boolean; counts: Record<string, number> };
  assert.equal(plan.dryRun, true);
  assert.deepEqual(plan['add']!.map((e) => e.value), ['new.example']);
  assert.deepEqual(plan['restore']!.map((e) => e.value), ['handdeleted.example']);
  assert.deepEqual(plan['refresh']!.map((e) => e.value), ['expiring.example']);
  assert.deepEqual(plan['remove']!.map((e) => e.value), ['leave.example']);
  assert.deepEqual(plan['skip']!.map((e) => e.value), ['bad,value.example']);
  assert.match(plan['skip']![0]!.reason!, /comma/);

  const dText = await h.run(['export', '--dry-run', '-d']);
  assert.equal(dText.code, 0, dText.stderr);
  assert.match(dText.stdout, /5 to push, nothing removed/);

  assert.equal(intelFeedPosts(h.sims, from), 0, 'no POST to Darktrace');
  assert.equal(JSON.stringify(h.sims.darktrace.sim.intelFeedEntries()), feed, 'the intel feed is unchanged');
  assert.equal(dumpExportState(h), state, 'ledger unchanged');
  assert.equal(JSON.stringify(runs(h)), runRows, 'no run recorded');
});

test('--dry-run on a fresh database plans the whole set and creates no ledger rows', async (t) => {
  const h = await startHarness(t, { collections: [A] });
  addToCollection(h.sims, A, [fqdn('a.example'), fqdn('b.example')]);
  const r = await h.run(['export', '--dry-run', '--plan-format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout.slice(0, r.stdout.lastIndexOf('}') + 1)) as { add: Array<{ value: string; collections: string[] }> };
  assert.deepEqual(plan.add, [
    { value: 'a.example', collections: [A] },
    { value: 'b.example', collections: [A] },
  ]);
  assert.equal(intelFeedPosts(h.sims), 0);
  assert.deepEqual(ledger(h), []);
  assert.deepEqual(runs(h), []);
});
