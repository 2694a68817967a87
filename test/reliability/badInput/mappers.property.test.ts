/**
 * Property tests of the ingest mapping (Darktrace record → ThreatQ event): whatever strings
 * Darktrace sends — markup, script, quotes, entities, control characters, lone surrogates,
 * 100 kB blocks — the description carries no markup but the mapper's own, titles and attribute
 * values stay within ThreatQ's limits, and the output is deterministic. Also escapeHtml itself,
 * and mapDevice on arbitrary device facts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapAiAnalystEvent, mapModelBreach, type MapContext } from '../../../src/ingest/mapAlert.ts';
import { mapDevice } from '../../../src/ingest/mapDevice.ts';
import { clipHtml, escapeHtml, oneLine } from '../../../src/ingest/escapeHtml.ts';
import type { AiAnalystEvent, Device, ModelBreach } from '../../../src/darktrace/types.ts';
import { tally } from '../tally.ts';
import { assertSafeForThreatQ, hostileString, hostileText, params } from './arbitraries.ts';

const CTX: MapContext = { darktraceBaseUrl: 'https://darktrace.example' };
let inputs = 0;

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const time = fc.oneof(fc.integer({ min: 1, max: 4_102_444_800_000 }), fc.constantFrom(0, -1, 1e300, 8.64e15, 253_402_300_800_000, Number.NaN));

const macAddress = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16).padStart(2, '0')).join(':'));

const device: fc.Arbitrary<Device> = fc
  .record({
    did: maybe(fc.oneof(fc.integer({ min: -2, max: 1_000_000 }), fc.constant(-1))),
    ip: maybe(fc.oneof(hostileString, fc.ipV4(), fc.ipV6(), fc.ipV4().map((i) => `${i}/24`), fc.constantFrom('fe80::1%eth0', '::ffff:1.2.3.4', '010.0.0.1'))),
    hostname: maybe(fc.oneof(hostileText, fc.domain(), fc.domain().map((d) => `SaaS::Office365: ${d}`), fc.domain().map((d) => d.toUpperCase() + '.'))),
    mac: maybe(fc.oneof(hostileString, macAddress, macAddress.map((m) => m.toUpperCase().replace(/:/g, '-')))),
    sid: maybe(fc.integer({ min: -5, max: 100 })),
    label: maybe(hostileString),
  })
  .map((d) => ({ ...d, isSystem: d.did === -1, isSaas: (d.sid ?? 0) < 0 }));

const mitre = fc.array(fc.record({ id: maybe(hostileString), name: maybe(hostileString) }), { maxLength: 4 });

const breach: fc.Arbitrary<ModelBreach> = fc.record({
  pbid: fc.oneof(fc.integer({ min: -10, max: 2 ** 40 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  time,
  creationTime: time,
  score: fc.double({ min: 0, max: 1, noNaN: true }),
  commentCount: fc.nat(),
  acknowledged: fc.boolean(),
  acknowledgedBy: fc.option(hostileString, { nil: undefined }),
  model: fc.record({
    name: hostileText,
    pid: maybe(fc.nat()),
    phid: maybe(fc.nat()),
    uuid: maybe(hostileString),
    category: maybe(hostileString),
    priority: maybe(fc.integer({ min: -1, max: 10 })),
    description: maybe(hostileText),
    tags: fc.array(hostileString, { maxLength: 3 }),
    actions: fc.constant({ setPriority: null, setTags: [], setType: null, tagTtlSeconds: null }),
    mitre,
  }),
  device: maybe(device),
  breachUrl: fc.option(fc.oneof(hostileString, fc.webUrl(), fc.webUrl().map((u) => `${u}"><script>x</script>`), fc.constantFrom('javascript:alert(1)', `https://x.example/${'a'.repeat(5000)}`)), { nil: undefined }),
  mitreTechniques: mitre,
  aiAnalystEventIds: fc.array(hostileString, { maxLength: 2 }),
  triggeredComponents: fc.constant([]),
});

const aiEvent: fc.Arbitrary<AiAnalystEvent> = fc.record({
  id: fc.oneof(fc.uuid(), hostileString, fc.constant('x'.repeat(200))),
  title: hostileText,
  summary: hostileText,
  summariser: maybe(hostileString),
  category: maybe(hostileString),
  aiaScore: maybe(fc.double({ noNaN: true })),
  groupId: maybe(fc.oneof(hostileString, fc.constant('g'.repeat(3000)))),
  groupCategory: maybe(hostileString),
  groupScore: maybe(fc.double({ noNaN: true, noDefaultInfinity: true })),
  previousGroups: fc.array(hostileString, { maxLength: 4 }),
  breachDevices: fc.array(device, { maxLength: 4 }),
  relatedBreaches: fc.array(fc.record({ pbid: fc.integer(), modelName: maybe(hostileText), threatScore: maybe(fc.double()), timestamp: maybe(fc.nat()) }), { maxLength: 20 }),
  mitreTactics: fc.array(hostileString, { maxLength: 4 }),
  attackPhases: fc.array(fc.nat(), { maxLength: 3 }),
  periods: fc.array(fc.record({ start: time, end: time }), { maxLength: 2 }),
  acknowledged: fc.boolean(),
  pinned: fc.boolean(),
  createdAt: time,
  url: fc.option(fc.oneof(hostileString, fc.webUrl()), { nil: undefined }),
  sender: fc.option(hostileString, { nil: undefined }),
  details: fc.constant(null),
});

test('mapModelBreach: any strings give a safe event or a clear reason, never a crash, and the same input maps the same way', () => {
  fc.assert(
    fc.property(breach, (b) => {
      inputs++;
      const r = mapModelBreach(b, CTX);
      if (!r.ok) {
        assert.match(r.reason, /^model breach .*(time|model name|pbid)/);
        return;
      }
      assertSafeForThreatQ(r.alert, `breach ${b.pbid}:`);
      assert.equal(r.alert.darktraceId, String(b.pbid));
      assert.deepEqual(mapModelBreach(structuredClone(b), CTX), r, 'deterministic');
    }),
    params(300),
  );
});

test('mapAiAnalystEvent: any strings give a safe event or a clear reason, never a crash, and the same input maps the same way', () => {
  fc.assert(
    fc.property(aiEvent, (e) => {
      inputs++;
      const r = mapAiAnalystEvent(e, CTX);
      if (!r.ok) {
        assert.match(r.reason, /^AI Analyst event .*(id|time)/);
        return;
      }
      assertSafeForThreatQ(r.alert, `AI Analyst ${JSON.stringify(e.id)}:`);
      assert.deepEqual(mapAiAnalystEvent(structuredClone(e), CTX), r, 'deterministic');
    }),
    params(300),
  );
});

test('a text with every kind of markup in every field never yields markup in the description', () => {
  const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>&lt;b&gt;"\'\ud800</p><a href="javascript:x">';
  const b: ModelBreach = {
    pbid: 7, time: 1_700_000_000_000, creationTime: 1_700_000_000_000, score: 0.5, commentCount: 0, acknowledged: true, acknowledgedBy: evil,
    model: { name: evil, pid: 1, phid: 1, uuid: evil, category: evil, priority: 3, description: `${evil}\n${evil}`, tags: [], actions: { setPriority: null, setTags: [], setType: null, tagTtlSeconds: null }, mitre: [{ id: evil, name: evil }] },
    device: { did: 3, ip: evil, hostname: evil, mac: evil, sid: 1, label: evil, isSystem: false, isSaas: false },
    breachUrl: `https://x.example/"><script>`, mitreTechniques: [], aiAnalystEventIds: [], triggeredComponents: [],
  };
  inputs++;
  const r = mapModelBreach(b, CTX);
  assert.ok(r.ok);
  assertSafeForThreatQ(r.alert);
  assert.ok(r.alert.event.description.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the text is kept, escaped');
  assert.ok(r.alert.event.description.includes('&amp;lt;b&amp;gt;'), 'entities in the data are escaped, not passed through');
  assert.ok(r.alert.event.description.includes('href="https://darktrace.example/#modelbreach/7"'), 'a breachUrl with markup is replaced by the appliance link');
});

test('huge texts are clipped so the whole description stays within ThreatQ\'s 65,500 characters', () => {
  const huge = '<'.repeat(100_000);
  const e: AiAnalystEvent = {
    id: 'e1', title: huge, summary: `'${huge}`, summariser: huge, category: huge, aiaScore: 50, groupId: huge, groupCategory: null, groupScore: 1, previousGroups: [huge, huge],
    breachDevices: [{ did: 1, ip: null, hostname: huge, mac: null, sid: 1, label: huge, isSystem: false, isSaas: false }],
    relatedBreaches: Array.from({ length: 50 }, (_, i) => ({ pbid: i, modelName: huge, threatScore: 1, timestamp: 1 })),
    mitreTactics: [huge], attackPhases: [], periods: [], acknowledged: false, pinned: false, createdAt: 1_700_000_000_000, sender: huge, details: null,
  };
  inputs++;
  const r = mapAiAnalystEvent(e, CTX);
  assert.ok(r.ok);
  assertSafeForThreatQ(r.alert);
  assert.ok(r.alert.event.description.includes('[…]'), 'clipping is visible');
});

test('mapDevice: arbitrary device facts give clean indicators and a clean asset name, or nothing for system and SaaS devices', () => {
  fc.assert(
    fc.property(device, (d) => {
      inputs++;
      const m = mapDevice(d);
      if ((d.did !== null && d.did < 0) || (d.sid !== null && d.sid < 0)) assert.equal(m, undefined, 'no device for system and SaaS pseudo-devices');
      if (!m) return;
      assert.ok(m.assetName.length > 0 && m.assetName.length <= 255 && m.assetName === oneLine(m.assetName), `asset name ${JSON.stringify(m.assetName.slice(0, 60))}`);
      assert.ok(!m.assetName.startsWith('Darktrace device undefined'));
      for (const i of m.indicators) {
        if (i.typeName === 'IP Address') assert.match(i.value, /^\d{1,3}(\.\d{1,3}){3}$/);
        if (i.typeName === 'IPv6 Address') assert.match(i.value, /^[0-9a-f:.]+$/);
        if (i.typeName === 'MAC Address') assert.match(i.value, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        if (i.typeName === 'FQDN') assert.match(i.value, /^[a-z0-9_.-]+$/);
      }
    }),
    params(500),
  );
});

test('escapeHtml: output has no markup characters, escaping is injective, and clipping never cuts an entity', () => {
  fc.assert(
    fc.property(hostileString, hostileString, fc.integer({ min: 10, max: 200 }), (a, b, max) => {
      inputs++;
      const e = escapeHtml(a);
      assert.ok(!/[<>"']/.test(e) && !/&(?!(amp|lt|gt|quot|#39);)/.test(e), 'no raw markup character');
      // Unescaping gives the input back, less the dropped control characters and replaced surrogates.
      const unescaped = e.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[m]!);
      assert.equal(escapeHtml(unescaped), e, 'round trip');
      if (escapeHtml(b) === e) assert.equal(unescaped, escapeHtml(b).replace(/&(amp|lt|gt|quot|#39);/g, (m) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[m]!));
      const c = clipHtml(e, max);
      assert.ok(c.length <= max, `clipped to ${max}`);
      assert.ok(!/&[a-z0-9#]*$/i.test(c.replace(/ \[…\]$/, '')), 'no half entity at the cut');
      assert.ok(!/[\ud800-\udbff]$/.test(c.replace(/ \[…\]$/, '')), 'no half surrogate pair at the cut');
    }),
    params(1000),
  );
});

after(() => tally('bad input', { inputsTried: inputs, runs: 0 }));
