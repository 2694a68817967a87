/**
 * `history` on a database made by real ingest and export runs against both simulators (see
 * scenario.ts): every query in every format, the filters, bad values, and no secret anywhere.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildScenario, cli, A, B, HOSTILE, type Scenario } from './scenario.ts';
import { assertFits, assertKeys, csvRecords, parseTable, prose, sameIgnoringWrap } from './support.ts';
import type { Clock } from '../../src/clock.ts';

const RUN_KEYS = ['id', 'startedAt', 'endedAt', 'durationMs', 'command', 'status', 'exitCode', 'differential', 'version', 'counts', 'error'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let s: Scenario;
const cleanups: Array<() => unknown> = [];
before(async () => {
  s = await buildScenario({ after: (fn) => cleanups.push(fn) });
});
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

async function hist(args: string[], o: { clock?: Clock; columns?: number } = {}) {
  return cli(s.h, ['history', ...args], o);
}

async function histOk(args: string[], o: { clock?: Clock; columns?: number } = {}): Promise<string> {
  const r = await hist(args, o);
  assert.equal(r.code, 0, `history ${args.join(' ')} exits 0; stderr: ${r.stderr}`);
  assert.equal(r.stderr, '', 'nothing on stderr');
  return r.stdout;
}

const runIdsIn = (table: string) =>
  table
    .split('\n')
    .slice(2)
    .filter((l) => /^\d+ /.test(l))
    .map((l) => Number(l.split(' ')[0]));

const inMs = (ms: number): Clock => ({ now: () => Date.now() + ms });
const iso = (ms: number) => new Date(ms).toISOString();

test('history: the runs table lists every run newest first, with command, status, error and what it did, in 80 columns', async () => {
  const { r1, r2, r3, r4, r5 } = s.runIds;
  const out = await histOk([]);
  assertFits(out);
  assert.deepEqual(runIdsIn(out), [r5, r4, r3, r2, r1]);
  const row = (id: number) => out.split('\n').find((l) => l.startsWith(`${id} `))!;
  assert.match(row(r1), /run +success .*in \+9 ~0 q1 \| out \+4 ~0 -0 s3/);
  assert.match(row(r2), /run +success .*in \+1 ~1 q1 \| out \+1 ~1 -1 s3/);
  assert.match(row(r3), /ingest +failed .*E_HTTP_PROXY/);
  assert.match(row(r4), /export +success .*out \+0 ~0 -0 s3/);
  assert.match(row(r5), /export -d +success .*out \+4\(-d\)/);
});

test('history --format json: {runs: [...]} with the documented keys and ISO times', async () => {
  const doc = JSON.parse(await histOk(['--format', 'json'])) as { runs: Array<Record<string, unknown>> };
  assertKeys(doc, ['runs'], 'document');
  assert.equal(doc.runs.length, 5);
  for (const r of doc.runs) {
    assertKeys(r, RUN_KEYS, `run ${String(r['id'])}`);
    assert.match(String(r['startedAt']), ISO);
    assert.match(String(r['endedAt']), ISO);
    assert.equal(typeof r['durationMs'], 'number');
  }
  const failed = doc.runs.find((r) => r['id'] === s.runIds.r3)!;
  assert.equal(failed['status'], 'failed');
  assert.equal(failed['exitCode'], 5);
  assert.equal((failed['error'] as { code: string }).code, 'E_HTTP_PROXY');
  assert.equal(doc.runs.find((r) => r['id'] === s.runIds.r5)!['differential'], false);
  const first = doc.runs.find((r) => r['id'] === s.runIds.r1)!['counts'] as { ingest: Record<string, number>; export: Record<string, number> };
  assert.equal(first.ingest['created'], 9);
  assert.equal(first.ingest['quarantined'], 1);
  assert.equal(first.export['added'], 4);
  assert.equal(first.export['skipped'], 3);
});

test('history --format csv: a header and one record per run', async () => {
  const rows = csvRecords(await histOk(['--format', 'csv']), ['id', 'started_at', 'ended_at', 'duration_ms', 'command', 'status', 'exit_code', 'differential', 'counts', 'error_code', 'error_message']);
  assert.deepEqual(rows.map((r) => Number(r['id'])), [s.runIds.r5, s.runIds.r4, s.runIds.r3, s.runIds.r2, s.runIds.r1]);
  const failed = rows.find((r) => Number(r['id']) === s.runIds.r3)!;
  assert.equal(failed['status'], 'failed');
  assert.equal(failed['error_code'], 'E_HTTP_PROXY');
  assert.match(failed['error_message']!, /proxy answered 407/);
  assert.equal(rows.find((r) => Number(r['id']) === s.runIds.r5)!['differential'], '0');
  assert.equal((JSON.parse(rows.find((r) => Number(r['id']) === s.runIds.r2)!['counts']!) as { export: { removed: number } }).export.removed, 1);
});

test('filters: --pipeline, --status, --limit, --since/--until with dates, date-times and ages', async () => {
  const { r1, r2, r3, r4, r5 } = s.runIds;
  const ids = async (...args: string[]) => runIdsIn(await histOk(args));
  assert.deepEqual(await ids('--pipeline', 'ingest'), [r3, r2, r1], 'ingest: the ingest run and both full runs');
  assert.deepEqual(await ids('--pipeline', 'export'), [r5, r4, r2, r1]);
  assert.deepEqual(await ids('--pipeline', 'run'), [r2, r1]);
  assert.deepEqual(await ids('--status', 'failed'), [r3]);
  assert.deepEqual(await ids('--status', 'success', '--pipeline', 'export', '--limit', '1'), [r5]);
  assert.deepEqual(await ids('--limit', '2'), [r5, r4]);
  assert.deepEqual(await ids('--since', iso(s.marks.afterR2)), [r5, r4, r3]);
  assert.deepEqual(await ids('--until', iso(s.marks.afterR2)), [r2, r1]);
  assert.deepEqual(await ids('--since', iso(s.marks.beforeR1), '--until', iso(s.marks.afterR2)), [r2, r1]);
  assert.deepEqual(await ids('--since', '1h'), [r5, r4, r3, r2, r1]);
  assert.deepEqual(await ids('--since', '2d'), [r5, r4, r3, r2, r1]);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  assert.deepEqual(await ids('--since', today === new Date(s.marks.beforeR1).toISOString().slice(0, 10) ? today : '2000-01-01', '--until', tomorrow), [r5, r4, r3, r2, r1]);
  assert.equal(await histOk(['--until', '2000-01-01']), 'No runs match.\n');
  // A relative age counts back from now: an hour from now, the runs are older than 30 minutes.
  assert.equal(await histOk(['--since', '30m'], { clock: inMs(3_600_000) }), 'No runs match.\n');
  const json = JSON.parse(await histOk(['--status', 'failed', '--format', 'json'])) as { runs: unknown[] };
  assert.equal(json.runs.length, 1);
});

test('bad values exit 2 and name the flag or what is missing', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--format', 'xml'], /--format: 'xml'/],
    [['--limit', '0'], /--limit: '0'/],
    [['--limit', 'ten'], /--limit: 'ten'/],
    [['--limit', '2.5'], /--limit: '2.5'/],
    [['--since', 'yesterday'], /--since: 'yesterday'/],
    [['--until', '13/01/2026'], /--until: '13\/01\/2026'/],
    [['--pipeline', 'both'], /--pipeline: 'both'/],
    [['--status', 'done'], /--status: 'done'/],
    [['last-success', '--max-age', '0h'], /--max-age: '0h'/],
    [['last-success', '--max-age', 'soon'], /--max-age: 'soon'/],
    [['last-success', '--pipeline', 'doctor'], /--pipeline with last-success: 'doctor'/],
    [['prune', '--older-than', 'old'], /--older-than: 'old'/],
    [['prune'], /needs --older-than/],
    [['run', 'abc'], /needs a run id: got 'abc'/],
    [['run'], /needs a run id/],
    [['alert'], /needs a Darktrace alert id/],
    [['indicator'], /needs a value/],
    [['everything'], /Unknown history query 'everything'/],
    [['skipped', 'extra'], /Too many words/],
  ];
  for (const [args, message] of cases) {
    const r = await hist(args);
    assert.equal(r.code, 2, `history ${args.join(' ')} exits 2; stderr: ${r.stderr}`);
    assert.match(r.stderr, message, `history ${args.join(' ')} names the problem`);
    assert.equal(r.stdout, '');
  }
  for (const [args, message] of [
    [['run', '999'], /No run with id 999/],
    [['alert', '424242'], /No Darktrace alert '424242'/],
    [['indicator', 'never.example'], /never exported or skipped/],
  ] as Array<[string[], RegExp]>) {
    const r = await hist(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  const none = await cli(s.h, ['history', '-n', 'no-such-connector']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No state database at '.*no-such-connector\.db'/);
});

test('history run ID (table): options, timings, counts, and every alert, entry, quarantine and skip of the run', async () => {
  const { r1, r2, r3, r5 } = s.runIds;
  const one = await histOk(['run', String(r1)]);
  assertFits(one);
  assert.match(one, new RegExp(`^Run ${r1}: run, success \\(exit 0\\)`));
  assert.match(one, /version +2\.\d+\.\d+/);
  assert.match(one, /collections=\["Export to\s+Darktrace","Watch List"\]/);
  assert.match(one, /^ +ended +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, after /m);
  assert.match(prose(one), /ingest fetched 10, created 9, updated 0, .*quarantined 1/);
  assert.match(prose(one), /collections: Export to Darktrace 5, Watch List 3/);
  assert.match(one, /^Alerts \(9\):$/m);
  assert.match(one, new RegExp(`created +model_breach ${s.acknowledgedPbid} → ThreatQ event \\d+`));
  assert.match(one, /created +ai_analyst [0-9a-f-]{36} → ThreatQ event \d+/);
  assert.match(one, /^Intel feed \(4\):$/m);
  assert.match(prose(one), /added alpha\.example\.com from Export to Darktrace, expires \d{4}-\d\d-\d\d/);
  assert.match(prose(one), /added beta\.example\.net from Export to Darktrace, Watch List, expires/);
  assert.match(one, new RegExp(`^Quarantined \\(1\\):\\n  model_breach ${s.quarantinedPbid}: breach has no model name$`, 'm'));
  assert.match(one, /^Skipped \(3\):$/m);
  assert.match(prose(one), /FQDN "evil\.example,good\.example" in Export to Darktrace: contains a comma or line break/);
  assert.match(prose(one), /FQDN "split\.example\\nother\.example" in Export to Darktrace: contains a comma/);
  assert.match(prose(one), /FQDN "<script>alert\(1\)<\/script>\.example" in Watch List: is a URL or path/);

  const two = await histOk(['run', String(r2)]);
  assertFits(two);
  assert.match(two, /externalProxy=http:\/\/tqproxy:\[REDACTED\]@127\.0\.0\.1:\d+/);
  assert.match(two, new RegExp(`created +model_breach ${s.newPbid} → ThreatQ event`));
  assert.match(two, new RegExp(`updated +model_breach ${s.acknowledgedPbid} → ThreatQ event`));
  assert.match(prose(two), /added delta\.example\.com from Watch List, expires/);
  assert.match(prose(two), /restored gamma\.example\.org from Watch List, expires/);
  assert.match(prose(two), /removed alpha\.example\.com from Export to Darktrace /);
  assert.match(prose(two), /requests Darktrace \d+ requests, 0 retried, 0 failed; ThreatQ \d+ requests/);

  const three = await histOk(['run', String(r3)]);
  assertFits(three);
  assert.match(three, /^Run \d+: ingest, failed \(exit 5\)/);
  assert.match(prose(three), /error E_HTTP_PROXY: Cannot reach Darktrace at .* \(proxy answered 407\)/);
  assert.doesNotMatch(three, /^Alerts/m);

  assert.match(await histOk(['run', String(r5)]), /^Run \d+: export \(non-differential, -d\), success/);

  const cut = await histOk(['run', String(r1), '--limit', '2']);
  assert.match(cut, /^Alerts \(9\):$/m);
  assert.match(cut, /… 7 more \(showing 2; use --limit or --format json\)/);
  assertFits(await histOk(['run', String(r2)], { columns: 60 }), 60);
});

test('history run ID --format json and csv: the documented document and one record per action', async () => {
  const { r1, r2 } = s.runIds;
  const doc = JSON.parse(await histOk(['run', String(r2), '--format', 'json'])) as Record<string, unknown> & {
    options: Record<string, unknown>;
    activity: { alerts: Array<Record<string, unknown>>; exports: Array<Record<string, unknown>>; quarantined: Array<Record<string, unknown>>; skipped: Array<Record<string, unknown>> };
    totals: Record<string, number>;
  };
  assertKeys(doc, [...RUN_KEYS, 'options', 'activity', 'totals'], 'run document');
  assertKeys(doc.activity, ['alerts', 'exports', 'quarantined', 'skipped'], 'activity');
  assertKeys(doc.totals, ['alerts', 'exports', 'quarantined', 'skipped'], 'totals');
  assert.equal(doc.options['externalProxy'], doc.options['externalProxy'] && String(doc.options['externalProxy']).replace(/:[^:@/]+@/, ':[REDACTED]@'));
  assert.deepEqual(doc.options['collections'], [A, B]);
  for (const a of doc.activity.alerts) assertKeys(a, ['kind', 'darktraceId', 'action', 'threatqEventId', 'at'], 'alert action');
  assert.deepEqual(doc.activity.alerts.map((a) => [a['darktraceId'], a['action']]).sort(), [[String(s.acknowledgedPbid), 'updated'], [String(s.newPbid), 'created']].sort());
  for (const e of doc.activity.exports) {
    assertKeys(e, ['value', 'action', 'collections', 'expiresAt', 'at'], 'export action');
    assert.match(String(e['at']), ISO);
  }
  const byValue = Object.fromEntries(doc.activity.exports.map((e) => [e['value'], e]));
  assert.deepEqual(byValue['delta.example.com']!['collections'], [B]);
  assert.equal(byValue['gamma.example.org']!['action'], 'restored');
  assert.match(String(byValue['gamma.example.org']!['expiresAt']), ISO);
  assert.equal(byValue['alpha.example.com']!['action'], 'removed');
  assert.deepEqual(doc.totals, { alerts: 2, exports: 3, quarantined: 1, skipped: 0 });

  const first = JSON.parse(await histOk(['run', String(r1), '--format', 'json'])) as { activity: { skipped: Array<Record<string, unknown>> } };
  for (const k of first.activity.skipped) assertKeys(k, ['value', 'indicatorType', 'reason', 'collections'], 'skip');
  assert.deepEqual(first.activity.skipped.map((k) => k['value']).sort(), Object.values(HOSTILE).sort());

  const rows = csvRecords(await histOk(['run', String(r1), '--format', 'csv']), ['run_id', 'what', 'kind', 'id_or_value', 'action', 'threatq_event_id', 'collections', 'expires_at', 'reason', 'at']);
  assert.equal(rows.length, 9 + 4 + 1 + 3);
  assert.ok(rows.every((r) => Number(r['run_id']) === r1));
  assert.equal(rows.find((r) => r['id_or_value'] === 'beta.example.net')!['collections'], `${A}; ${B}`);
  assert.equal(rows.find((r) => r['id_or_value'] === HOSTILE.newline)!['action'], 'skipped', 'a value with a newline survives CSV quoting');
  assert.match(rows.find((r) => r['id_or_value'] === String(s.quarantinedPbid))!['reason']!, /no model name/);
});

test('history alert ID: the ThreatQ event it became, every run that touched it, its state', async () => {
  const { r1, r2 } = s.runIds;
  const event = s.h.sims.threatq.sim.store.listEvents().find((e) => e.title.includes(`[pbid ${s.acknowledgedPbid}]`));
  assert.ok(event, 'ThreatQ holds the event');
  const text = await histOk(['alert', String(s.acknowledgedPbid)]);
  assertFits(text);
  assert.match(text, new RegExp(`^model_breach ${s.acknowledgedPbid}: "${event.title.replace(/[[\]().*+?^$|\\]/g, '\\$&').slice(0, 30)}`));
  assert.match(text, new RegExp(`ThreatQ event ${event.id}, state synced`));
  assert.match(prose(text), new RegExp(`first synced .* \\(run ${r1}\\), last updated .* \\(run ${r2}\\)`));
  assert.match(text, new RegExp(`run ${r1} +\\S+ \\S+ +created ThreatQ event ${event.id}`));
  assert.match(text, new RegExp(`run ${r2} +\\S+ \\S+ +updated ThreatQ event ${event.id}`));

  const doc = JSON.parse(await histOk(['alert', String(s.acknowledgedPbid), '--format', 'json'])) as { darktraceId: string; alerts: Array<Record<string, unknown>>; actions: Array<Record<string, unknown>>; quarantined: unknown[] };
  assertKeys(doc, ['darktraceId', 'alerts', 'actions', 'quarantined'], 'alert document');
  assertKeys(doc.alerts[0], ['kind', 'state', 'title', 'threatqEventId', 'alertTime', 'firstRunId', 'lastRunId', 'firstSyncedAt', 'lastSyncedAt'], 'alert');
  assert.equal(doc.alerts[0]!['threatqEventId'], event.id);
  assert.equal(doc.alerts[0]!['title'], event.title);
  assert.deepEqual(doc.actions.map((a) => [a['runId'], a['action']]), [[r1, 'created'], [r2, 'updated']]);
  for (const a of doc.actions) assertKeys(a, ['runId', 'kind', 'action', 'threatqEventId', 'at', 'detail'], 'action');

  const rows = csvRecords(await histOk(['alert', String(s.acknowledgedPbid), '--format', 'csv']), ['darktrace_id', 'kind', 'run_id', 'action', 'threatq_event_id', 'reason', 'at']);
  assert.deepEqual(rows.map((r) => [r['run_id'], r['action'], r['threatq_event_id']]), [[String(r1), 'created', String(event.id)], [String(r2), 'updated', String(event.id)]]);

  // An AI Analyst event is found by its id too.
  const aia = JSON.parse(await histOk(['--format', 'json', 'run', String(r1)])) as { activity: { alerts: Array<{ kind: string; darktraceId: string; threatqEventId: number }> } };
  const ai = aia.activity.alerts.find((a) => a.kind === 'ai_analyst')!;
  const aiText = await histOk(['alert', ai.darktraceId]);
  assert.match(aiText, new RegExp(`^ai_analyst ${ai.darktraceId}: "AI Analyst: `));
  assert.match(aiText, new RegExp(`^  ThreatQ event ${ai.threatqEventId}, state synced`, 'm'));

  // A quarantined alert: the reason and when it was seen.
  const q = await histOk(['alert', String(s.quarantinedPbid)]);
  assertFits(q);
  assert.match(prose(q), new RegExp(`Quarantined model_breach ${s.quarantinedPbid}: breach has no model name \\(first seen .* in run ${r1}, last seen .* in run ${r2}\\)`));
  const qdoc = JSON.parse(await histOk(['alert', String(s.quarantinedPbid), '--format', 'json'])) as { alerts: unknown[]; quarantined: Array<Record<string, unknown>> };
  assert.deepEqual(qdoc.alerts, []);
  assertKeys(qdoc.quarantined[0], ['kind', 'reason', 'firstRunId', 'lastRunId', 'firstSeenAt', 'lastSeenAt', 'resolvedAt'], 'quarantine entry');
  assert.equal(qdoc.quarantined[0]!['reason'], 'breach has no model name');
  assert.equal(qdoc.quarantined[0]!['resolvedAt'], null);
  const qrows = csvRecords(await histOk(['alert', String(s.quarantinedPbid), '--format', 'csv']), ['darktrace_id', 'kind', 'run_id', 'action', 'threatq_event_id', 'reason', 'at']);
  assert.deepEqual(qrows.map((r) => [r['action'], r['reason']]), [['quarantined', 'breach has no model name']]);
});

test('history indicator VALUE: first export, restore, removal, collections, current expiry, skips with reasons', async () => {
  const { r1, r2, r4 } = s.runIds;
  const feedExpiry = (name: string) => s.h.sims.darktrace.sim.intelFeedEntries('ThreatQ').find((e) => e.name === name)?.expiry;

  const alpha = await histOk(['indicator', 'alpha.example.com']);
  assertFits(alpha);
  assert.match(alpha, /^alpha\.example\.com: removed from Darktrace's intel feed$/m);
  assert.match(alpha, /^ +collections +Export to Darktrace$/m);
  assert.match(alpha, new RegExp(`^ +removed +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(run ${r2}\\)$`, 'm'));
  assert.match(prose(alpha), new RegExp(`run ${r1} \\S+ \\S+ added from Export to Darktrace, until \\d{4}`));
  assert.match(alpha, new RegExp(`run ${r2} .* removed +from Export to Darktrace$`, 'm'));
  assert.equal(await histOk(['indicator', 'Alpha.Example.COM.']), alpha, 'the value is looked up as the export normalises it');

  const gamma = JSON.parse(await histOk(['indicator', 'gamma.example.org', '--format', 'json'])) as { value: string; current: Record<string, unknown>; actions: Array<Record<string, unknown>>; skips: unknown[] };
  assertKeys(gamma, ['value', 'current', 'actions', 'skips'], 'indicator document');
  assertKeys(gamma.current, ['state', 'collections', 'expiresAt', 'firstAddedAt', 'lastPushedAt', 'removedAt', 'firstRunId', 'lastRunId'], 'current');
  assert.equal(gamma.current['state'], 'present');
  assert.deepEqual(gamma.current['collections'], [B]);
  assert.deepEqual(gamma.actions.map((a) => [a['runId'], a['action']]), [[r1, 'added'], [r2, 'restored']]);
  // The ledger's expiry is the last differential push (the -d run after it leaves the ledger alone, by design).
  assert.equal(gamma.current['expiresAt'], gamma.actions[1]!['expiresAt']);
  assert.ok(feedExpiry('gamma.example.org')! >= Date.parse(String(gamma.current['expiresAt'])), 'Darktrace holds it at least that long');
  for (const a of gamma.actions) assertKeys(a, ['runId', 'action', 'collections', 'expiresAt', 'at'], 'action');
  const gammaText = await histOk(['indicator', 'gamma.example.org']);
  assert.match(gammaText, new RegExp(`^ +expiry +${String(gamma.current['expiresAt']).replace('T', ' ').slice(0, 19)} UTC$`, 'm'));
  assert.match(gammaText, /restored +from Watch List/);

  const beta = JSON.parse(await histOk(['indicator', 'beta.example.net', '--format', 'json'])) as { current: { collections: string[] } };
  assert.deepEqual(beta.current.collections, [A, B]);

  const ipRows = csvRecords(await histOk(['indicator', '203.0.113.7', '--format', 'csv']), ['value', 'run_id', 'action', 'collections', 'expires_at', 'reason', 'at']);
  assert.deepEqual(ipRows.map((r) => [r['run_id'], r['action'], r['collections']]), [[String(r1), 'added', A]]);
  assert.match(ipRows[0]!['expires_at']!, ISO);

  const hostile = await histOk(['indicator', HOSTILE.comma]);
  assertFits(hostile);
  assert.match(prose(hostile), new RegExp(`Skipped FQDN "evil\\.example,good\\.example" in Export to Darktrace: contains a comma or line break, which would split it into several intel-feed entries \\(runs ${r1} to ${r4}`));
  const hdoc = JSON.parse(await histOk(['indicator', HOSTILE.comma, '--format', 'json'])) as { current: unknown; actions: unknown[]; skips: Array<Record<string, unknown>> };
  assert.equal(hdoc.current, null);
  assert.deepEqual(hdoc.actions, [], 'a hostile value was never sent');
  assertKeys(hdoc.skips[0], ['value', 'indicatorType', 'reason', 'collections', 'firstRunId', 'lastRunId', 'firstSeenAt', 'lastSeenAt'], 'skip');
  const hrows = csvRecords(await histOk(['indicator', HOSTILE.comma, '--format', 'csv']), ['value', 'run_id', 'action', 'collections', 'expires_at', 'reason', 'at']);
  assert.deepEqual(hrows.map((r) => [r['value'], r['action']]), [[HOSTILE.comma, 'skipped']]);
});

test('history skipped: quarantined alerts and skipped values with their reasons, in every format', async () => {
  const text = await histOk(['skipped']);
  assertFits(text);
  const table = parseTable(text);
  assert.deepEqual(Object.keys(table[0]!), ['LAST SEEN (UTC)', 'RUN', 'KIND', 'ID / VALUE', 'REASON']);
  assert.equal(table.length, 4);
  const row = (value: string) => table.find((r) => sameIgnoringWrap(r['ID / VALUE'], value));
  assert.deepEqual(row(String(s.quarantinedPbid)), { 'LAST SEEN (UTC)': row(String(s.quarantinedPbid))!['LAST SEEN (UTC)'], RUN: String(s.runIds.r2), KIND: 'breach', 'ID / VALUE': String(s.quarantinedPbid), REASON: 'breach has no model name' });
  assert.equal(row(HOSTILE.comma)!['REASON'], 'contains a comma or line break, which would split it into several intel-feed entries', 'the reason is whole');
  assert.equal(row(HOSTILE.comma)!['RUN'], String(s.runIds.r4), 'last seen by the last differential export (-d leaves the state alone)');
  assert.equal(row(HOSTILE.script)!['REASON'], 'is a URL or path, not a domain');
  assert.ok(row('split.example\\nother.example'), 'a newline inside a value is shown escaped, not as a line break');
  for (const r of table) assert.match(r['LAST SEEN (UTC)']!, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);

  const doc = JSON.parse(await histOk(['skipped', '--format', 'json'])) as { skipped: Array<Record<string, unknown>> };
  assertKeys(doc, ['skipped'], 'document');
  for (const r of doc.skipped) assertKeys(r, ['what', 'kind', 'id', 'reason', 'lastSeenAt', 'lastRunId'], 'skipped entry');
  assert.deepEqual(doc.skipped.map((r) => r['id']).sort(), [...Object.values(HOSTILE), String(s.quarantinedPbid)].sort());
  assert.equal(doc.skipped.find((r) => r['what'] === 'alert')!['reason'], 'breach has no model name');

  const rows = csvRecords(await histOk(['skipped', '--format', 'csv']), ['what', 'kind', 'id_or_value', 'reason', 'last_seen_at', 'last_run_id']);
  assert.equal(rows.length, 4);
  assert.equal(rows.find((r) => r['id_or_value'] === HOSTILE.script)!['reason'], 'is a URL or path, not a domain');
  assert.equal((await histOk(['skipped', '--until', '2000-01-01'])), 'Nothing quarantined or skipped.\n');
  assert.equal(JSON.parse(await histOk(['skipped', '--limit', '1', '--format', 'json'])).skipped.length, 1);
});

test('history last-success: the newest successful run per pipeline; --max-age exits 4 when stale', async () => {
  const { r2, r5 } = s.runIds;
  const text = await histOk(['last-success']);
  assertFits(text);
  assert.match(text, /^PIPELINE +LAST SUCCESS$/m);
  assert.match(text, new RegExp(`^ingest +run ${r2} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, .* ago$`, 'm'), 'the failed ingest run does not count');
  assert.match(text, new RegExp(`^export +run ${r5} at `, 'm'));
  const doc = JSON.parse(await histOk(['last-success', '--format', 'json'])) as Record<string, Record<string, unknown>>;
  assertKeys(doc, ['ingest', 'export'], 'last-success document');
  assertKeys(doc['ingest'], ['runId', 'startedAt', 'ageSeconds'], 'ingest');
  assert.equal(doc['export']!['runId'], r5);
  const rows = csvRecords(await histOk(['last-success', '--format', 'csv']), ['pipeline', 'run_id', 'started_at', 'age_seconds', 'stale']);
  assert.deepEqual(rows.map((r) => [r['pipeline'], r['run_id']]), [['ingest', String(r2)], ['export', String(r5)]]);

  assert.equal((await hist(['last-success', '--max-age', '1h'])).code, 0, 'fresh: exit 0');
  const day = 86_400_000;
  const stale = await hist(['last-success', '--max-age', '26h'], { clock: inMs(2 * day) });
  assert.equal(stale.code, 4, 'two days later, a 26h threshold is exceeded: exit 4');
  assertFits(stale.stdout);
  assert.match(stale.stdout, /^ingest +run \d+ at .*, 48h00m ago  STALE \(max 26h00m\)$/m);
  const staleDoc = JSON.parse((await hist(['last-success', '--max-age', '26h', '--format', 'json'], { clock: inMs(2 * day) })).stdout) as Record<string, { stale: boolean }> & { maxAgeSeconds: number };
  assert.equal(staleDoc.maxAgeSeconds, 26 * 3600);
  assert.equal(staleDoc['ingest']!.stale, true);
  const staleRows = csvRecords((await hist(['last-success', '--max-age', '26h', '--format', 'csv'], { clock: inMs(2 * day) })).stdout, ['pipeline', 'run_id', 'started_at', 'age_seconds', 'stale']);
  assert.deepEqual(staleRows.map((r) => r['stale']), ['1', '1']);
  assert.equal((await hist(['last-success', '--max-age', '3d'], { clock: inMs(2 * day) })).code, 0);

  const onlyExport = await hist(['last-success', '--pipeline', 'export', '--max-age', '1h', '--format', 'json']);
  assert.equal(onlyExport.code, 0);
  assertKeys(JSON.parse(onlyExport.stdout), ['maxAgeSeconds', 'export'], '--pipeline export checks export only');
});

test('no secret in any history output, in the --report files, or in any table but token_cache', async () => {
  assert.ok(s.tokens.every((t) => t.length >= 16), 'the cached ThreatQ tokens are known');
  const outputs: string[] = [];
  const queries = [[], ['run', String(s.runIds.r1)], ['run', String(s.runIds.r2)], ['run', String(s.runIds.r3)], ['alert', String(s.acknowledgedPbid)], ['alert', String(s.quarantinedPbid)], ['indicator', 'alpha.example.com'], ['indicator', HOSTILE.comma], ['skipped'], ['last-success']];
  for (const q of queries) for (const f of ['table', 'json', 'csv']) outputs.push(await histOk([...q, '--format', f]));
  const reports = [readFileSync(s.reports.r1, 'utf8'), readFileSync(s.reports.r2, 'utf8')];
  for (const text of [...outputs, ...reports]) for (const secret of s.secrets) assert.ok(!text.includes(secret), `no secret '${secret.slice(0, 12)}…' in output`);

  const db = s.h.db();
  try {
    const tables = (db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    for (const t of ['runs', 'alert_ledger', 'alert_actions', 'export_ledger', 'export_actions', 'export_skips', 'quarantine', 'device_ledger', 'meta', 'run_lock', 'token_cache']) assert.ok(tables.includes(t), `table ${t} exists`);
    let cells = 0;
    for (const table of tables) {
      for (const row of db.sqlite.prepare(`SELECT * FROM "${table}"`).all() as Array<Record<string, unknown>>) {
        for (const [column, value] of Object.entries(row)) {
          cells++;
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
          for (const secret of s.secrets) {
            if (table === 'token_cache' && s.tokens.includes(secret)) continue;
            assert.ok(!text.includes(secret), `no secret '${secret.slice(0, 12)}…' in ${table}.${column}`);
          }
        }
      }
    }
    assert.ok(cells > 200, 'the scan read the database');
    const cached = db.sqlite.prepare('SELECT access_token FROM token_cache').all() as Array<{ access_token: string }>;
    assert.ok(cached.some((c) => s.tokens.includes(c.access_token)), 'tokens are where they belong');
  } finally {
    db.close();
  }
});

test('--report FILE: one JSON document per run with the run id, status, counts and no secret', () => {
  for (const [file, id] of [[s.reports.r1, s.runIds.r1], [s.reports.r2, s.runIds.r2]] as const) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { counts: { ingest: Record<string, number>; export: Record<string, number> } };
    assertKeys(doc, ['runId', 'command', 'status', 'exitCode', 'startedAt', 'endedAt', 'dryRun', 'version', 'counts', 'error'], 'report');
    assert.equal(doc['runId'], id);
    assert.equal(doc['command'], 'run');
    assert.equal(doc['status'], 'success');
    assert.equal(doc['exitCode'], 0);
    assert.equal(doc['error'], null);
    assert.match(String(doc['startedAt']), ISO);
  }
  const second = JSON.parse(readFileSync(s.reports.r2, 'utf8')) as { counts: { ingest: Record<string, number>; export: Record<string, number> } };
  assert.deepEqual([second.counts.ingest['created'], second.counts.ingest['updated'], second.counts.export['added'], second.counts.export['restored'], second.counts.export['removed']], [1, 1, 1, 1, 1]);
});
