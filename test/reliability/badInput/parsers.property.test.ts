/**
 * Property tests of the Darktrace parsers on bad payloads: arbitrary JSON, and the recorded
 * fixtures with fields deleted or replaced by nulls, wrong types, huge strings, 200-deep nesting
 * and markup. A parser never throws: each element becomes a well-typed record or a reject with a
 * reason, and a whole answer of the wrong shape is one reject. Accepted breaches and AI Analyst
 * events then go through the mapper, which must give a ThreatQ-safe event or a reason.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseModelBreach, parseModelBreaches } from '../../../src/darktrace/parse/modelBreach.ts';
import { parseAiAnalystEvent, parseAiAnalystEvents } from '../../../src/darktrace/parse/aiAnalystEvent.ts';
import { parseAiAnalystGroups } from '../../../src/darktrace/parse/aiAnalystGroup.ts';
import { parseDevice, parseDevices } from '../../../src/darktrace/parse/device.ts';
import { parseIntelFeedDetails, parseIntelFeedNames } from '../../../src/darktrace/parse/intelFeed.ts';
import { parseStatus } from '../../../src/darktrace/parse/status.ts';
import type { AiAnalystEvent, Device, ModelBreach, ParseResult } from '../../../src/darktrace/types.ts';
import { mapAiAnalystEvent, mapModelBreach } from '../../../src/ingest/mapAlert.ts';
import { tally } from '../tally.ts';
import { assertSafeForThreatQ, deepNest, fixtureJson, hostileString, mutatedRecord, params, wrongValue } from './arbitraries.ts';

const CTX = { darktraceBaseUrl: 'https://darktrace.example' };
let inputs = 0;

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const BREACHES = ['modelbreaches.xsoar-fetch-list.json', 'modelbreaches.rapid7-system-packet-loss.json', 'modelbreaches.elastic-historicmodelonly.json', 'modelbreaches.xsoar-single-pbid.json'].flatMap((f) => asList(fixtureJson(f)));
const EVENTS = ['aianalyst-incidentevents.xsoar-saas-hijack.json', 'aianalyst-incidentevents.elastic-legacy-details.json'].flatMap((f) => asList(fixtureJson(f)));
const GROUPS = asList(fixtureJson('aianalyst-groups.xsoar.json'));
const DEVICES = asList((fixtureJson('devices.constructed.json') as { devices?: unknown }).devices ?? fixtureJson('devices.constructed.json'));
const FEED = asList(fixtureJson('intelfeed-get-fulldetails.constructed.json'));

/** Whatever the body, the answer accounts for every element: records plus rejects, each reject with a reason. */
function assertAccounted<T>(body: unknown, result: ParseResult<T>): void {
  assert.ok(Array.isArray(result.records) && Array.isArray(result.rejects));
  assert.equal(result.records.length + result.rejects.length, Array.isArray(body) ? body.length : 1, 'every element is a record or a reject');
  for (const r of result.rejects) {
    assert.equal(typeof r.reason, 'string');
    assert.ok(r.reason.length > 5 && r.reason.length < 300, `a short, clear reason: ${r.reason.slice(0, 100)}`);
    assert.ok(!/\n/.test(r.reason), 'a one-line reason');
    if (r.id !== undefined) assert.ok(typeof r.id === 'number' || (typeof r.id === 'string' && r.id.trim() !== ''));
  }
}

function assertDevice(d: Device): void {
  assert.ok(d.did === null || Number.isSafeInteger(d.did));
  assert.ok(d.sid === null || Number.isSafeInteger(d.sid));
  for (const k of ['ip', 'hostname', 'mac', 'label'] as const) assert.ok(d[k] === null || typeof d[k] === 'string', k);
  assert.equal(d.isSystem, d.did === -1);
}

function assertBreach(b: ModelBreach): void {
  assert.ok(Number.isSafeInteger(b.pbid), 'pbid');
  assert.ok(Number.isFinite(b.time) && b.time >= 0, 'time');
  assert.ok(b.score >= 0 && b.score <= 1, 'score 0-1');
  assert.ok(typeof b.model.name === 'string' && b.model.name.trim() !== '', 'model name');
  assert.ok(Number.isSafeInteger(b.commentCount));
  assert.equal(typeof b.acknowledged, 'boolean');
  for (const t of [...b.mitreTechniques, ...b.model.mitre]) assert.ok(t.id === null || typeof t.id === 'string');
  if (b.device) assertDevice(b.device);
  assert.ok(b.aiAnalystEventIds.every((x) => typeof x === 'string'));
}

function assertEvent(e: AiAnalystEvent): void {
  assert.ok(typeof e.id === 'string' && e.id.trim() !== '', 'id');
  assert.ok(Number.isFinite(e.createdAt) && e.createdAt >= 0, 'createdAt');
  assert.equal(typeof e.title, 'string');
  assert.equal(typeof e.summary, 'string');
  assert.ok(e.groupScore === null || Number.isFinite(e.groupScore));
  assert.ok(e.previousGroups.every((g) => typeof g === 'string'));
  e.breachDevices.forEach(assertDevice);
  assert.ok(e.relatedBreaches.every((r) => Number.isSafeInteger(r.pbid)));
}

/** A list answer: arbitrary JSON values, mutated real records and plain good ones, mixed. */
const listOf = (records: readonly unknown[]) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: wrongValue },
    { weight: 4, arbitrary: fc.array(fc.oneof(mutatedRecord(records), fc.constantFrom(...records), fc.jsonValue({ maxDepth: 3 }), wrongValue), { maxLength: 6 }) },
  );

test('model breaches: any answer gives records that map safely, or rejects with a reason; nothing throws', () => {
  let mapped = 0;
  fc.assert(
    fc.property(listOf(BREACHES), (body) => {
      inputs++;
      const result = parseModelBreaches(body);
      assertAccounted(body, result);
      for (const b of result.records) {
        assertBreach(b);
        const m = mapModelBreach(b, CTX);
        if (m.ok) assertSafeForThreatQ(m.alert, `breach ${b.pbid}:`);
        else assert.match(m.reason, /model breach/);
        if (m.ok) mapped++;
      }
    }),
    params(400),
  );
  assert.ok(mapped > 200, `the corpus exercises the mapper too (${mapped} mapped)`);
});

test('AI Analyst events: any answer gives records that map safely, or rejects with a reason; nothing throws', () => {
  let mapped = 0;
  fc.assert(
    fc.property(listOf(EVENTS), (body) => {
      inputs++;
      const result = parseAiAnalystEvents(body);
      assertAccounted(body, result);
      for (const e of result.records) {
        assertEvent(e);
        const m = mapAiAnalystEvent(e, CTX);
        if (m.ok) assertSafeForThreatQ(m.alert, `event ${e.id}:`);
        else assert.match(m.reason, /AI Analyst event/);
        if (m.ok) mapped++;
      }
    }),
    params(400),
  );
  assert.ok(mapped > 200, `the corpus exercises the mapper too (${mapped} mapped)`);
});

test('record parsers called directly never throw on any JSON value (the list wrapper is not needed to survive)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), wrongValue, mutatedRecord(BREACHES), mutatedRecord(EVENTS), mutatedRecord(DEVICES)), (raw) => {
      inputs++;
      for (const outcome of [parseModelBreach(raw), parseAiAnalystEvent(raw)]) {
        if (outcome.ok) continue;
        assert.ok(outcome.reason.length > 5);
      }
      const d = parseDevice(raw);
      if (d) assertDevice(d);
    }),
    params(600),
  );
});

test('incidents, devices, intel feed and status: any answer is accounted for, nothing throws', () => {
  fc.assert(
    fc.property(listOf(GROUPS), listOf(DEVICES), listOf(FEED), fc.oneof(fc.jsonValue({ maxDepth: 4 }), wrongValue), (groups, devices, feed, status) => {
      inputs += 4;
      assertAccounted(groups, parseAiAnalystGroups(groups));
      const devs = parseDevices(devices);
      assertAccounted(devices, devs);
      devs.records.forEach(assertDevice);
      const details = parseIntelFeedDetails(feed);
      assertAccounted(feed, details);
      for (const e of details.records) {
        assert.ok(typeof e.name === 'string' && e.name.trim() !== '');
        assert.ok(e.expiresAt === null || Number.isFinite(e.expiresAt));
      }
      assertAccounted(feed, parseIntelFeedNames(feed));
      const s = parseStatus(status);
      if (s) assert.ok(s.version === null || typeof s.version === 'string');
      else assert.ok(status === null || typeof status !== 'object' || Array.isArray(status));
    }),
    params(300),
  );
});

test('extreme shapes: 200-deep nesting in every field, 100 kB ids, numbers out of range, lone surrogates', () => {
  const nests = [deepNest(200), deepNest(200, 1, true), deepNest(1000)];
  for (const base of [...BREACHES, ...EVENTS]) {
    for (const key of Object.keys(base as object)) {
      for (const v of [...nests, 'x'.repeat(100_000), 1e308, -1, '\ud800', { toString: 'x' }]) {
        inputs++;
        const raw = { ...(base as object), [key]: v };
        const body = [raw, raw];
        const b = parseModelBreaches(body);
        assertAccounted(body, b);
        for (const r of b.records) {
          const m = mapModelBreach(r, CTX);
          if (m.ok) assertSafeForThreatQ(m.alert);
        }
        const e = parseAiAnalystEvents(body);
        assertAccounted(body, e);
        for (const r of e.records) {
          const m = mapAiAnalystEvent(r, CTX);
          if (m.ok) assertSafeForThreatQ(m.alert);
        }
      }
    }
  }
  // A time beyond the year 9999 is read, but the mapper refuses it with a reason instead of crashing.
  const far = parseModelBreaches([{ ...(BREACHES[0] as object), time: 1e300, creationTime: 1e300 }]);
  const mapped = mapModelBreach(far.records[0]!, CTX);
  assert.deepEqual(mapped.ok ? 'mapped' : mapped.reason, `model breach ${far.records[0]!.pbid} has no usable time`);
});

test('hostile strings in every string field of a real breach are kept as text and escaped', () => {
  fc.assert(
    fc.property(fc.constantFrom(...BREACHES), hostileString, (base, s) => {
      inputs++;
      const b = structuredClone(base) as Record<string, any>;
      const model = b.model?.then ?? b.model;
      if (model && typeof model === 'object') {
        model.name = `Custom::${s}x`;
        model.description = s;
        model.category = s;
      }
      if (b.device && typeof b.device === 'object') {
        b.device.hostname = s;
        b.device.devicelabel = s;
        b.device.ip = s;
      }
      b.breachUrl = s;
      const [r] = parseModelBreaches([b]).records;
      assert.ok(r, 'still a record');
      const m = mapModelBreach(r, CTX);
      assert.ok(m.ok, m.ok ? '' : m.reason);
      assertSafeForThreatQ(m.alert);
    }),
    params(300),
  );
});

after(() => tally('bad input', { inputsTried: inputs, runs: 0 }));
