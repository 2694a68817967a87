import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAiAnalystEvents } from '../../src/darktrace/parse/aiAnalystEvent.ts';
import { parseAiAnalystGroups } from '../../src/darktrace/parse/aiAnalystGroup.ts';
import { parseDevices } from '../../src/darktrace/parse/device.ts';
import { parseIntelFeedDetails, parseIntelFeedNames } from '../../src/darktrace/parse/intelFeed.ts';
import { parseModelBreach, parseModelBreaches } from '../../src/darktrace/parse/modelBreach.ts';
import { parseStatus } from '../../src/darktrace/parse/status.ts';
import { fixture } from './fixtures.ts';

type Obj = Record<string, any>;

const fetchList = () => fixture<Obj[]>('modelbreaches.xsoar-fetch-list.json');
const legacyEvents = () => fixture<Obj[]>('aianalyst-incidentevents.elastic-legacy-details.json');
const saasEvents = () => fixture<Obj[]>('aianalyst-incidentevents.xsoar-saas-hijack.json');

test('a breach list parses into normalised breaches (model then, device at top, ms times)', () => {
  const { records, rejects } = parseModelBreaches(fetchList());
  assert.equal(rejects.length, 0);
  assert.equal(records.length, 2);
  const [watched] = records;
  assert.equal(watched!.pbid, 30960);
  assert.equal(watched!.time, 1674522265000);
  assert.equal(watched!.creationTime, 1674522271000);
  assert.equal(watched!.score, 0.592);
  assert.equal(watched!.model.name, 'Compromise::Watched Domain');
  assert.equal(watched!.model.category, 'Critical');
  assert.equal(watched!.model.priority, 5);
  assert.deepEqual(
    { did: watched!.device!.did, ip: watched!.device!.ip, sid: watched!.device!.sid, label: watched!.device!.label, hostname: watched!.device!.hostname, mac: watched!.device!.mac },
    { did: 1417, ip: '192.168.16.100', sid: 148, label: 'vSensor01', hostname: null, mac: null },
  );
  assert.equal(watched!.device!.isSystem, false);
  assert.equal(watched!.device!.isSaas, false);
});

test('quirk 1: acknowledged absent, boolean or {time, username}', () => {
  const [base] = fetchList();
  assert.equal(take(parseModelBreach(base)).acknowledged, false, 'absent');
  assert.equal(take(parseModelBreach({ ...base, acknowledged: true })).acknowledged, true);
  assert.equal(take(parseModelBreach({ ...base, acknowledged: false })).acknowledged, false);
  const obj = take(parseModelBreach({ ...base, acknowledged: { time: 1674530000000, username: 'analyst' } }));
  assert.equal(obj.acknowledged, true);
  assert.equal(obj.acknowledgedBy, 'analyst');
  assert.equal(obj.acknowledgedAt, 1674530000000);
});

test('quirk 2: model setTag as false, a number, or an array of strings with tagTTL', () => {
  const single = fixture<Obj>('modelbreaches.xsoar-single-pbid.json');
  assert.deepEqual(take(parseModelBreach(single)).model.actions, { setPriority: null, setTags: [], setType: null, tagTtlSeconds: null });
  single.model.then.actions.setTag = 63;
  assert.deepEqual(take(parseModelBreach(single)).model.actions.setTags, ['63']);
  single.model.then.actions = { ...single.model.then.actions, setTag: ['60'], tagTTL: 3600, setPriority: 4 };
  const actions = take(parseModelBreach(single)).model.actions;
  assert.deepEqual(actions.setTags, ['60']);
  assert.equal(actions.tagTtlSeconds, 3600);
  assert.equal(actions.setPriority, 4);
});

test('quirk 3: groupScore as a string or a number, groupPreviousGroups null or []', () => {
  const { records, rejects } = parseAiAnalystEvents(legacyEvents());
  assert.equal(rejects.length, 0);
  assert.equal(records[0]!.groupScore, 72.9174234, 'string "72.9174234"');
  assert.equal(records[1]!.groupScore, 6.857722547303857, 'number');
  assert.deepEqual(records[0]!.previousGroups, [], 'null');
  assert.deepEqual(records[1]!.previousGroups, []);
  const merged = { ...legacyEvents()[1], groupPreviousGroups: ['gaaa', 'gbbb'] };
  assert.deepEqual(parseAiAnalystEvents([merged]).records[0]!.previousGroups, ['gaaa', 'gbbb']);
});

test('quirk 3: both details layouts are kept as sent', () => {
  const legacy = legacyEvents()[0]!;
  const newer = saasEvents()[0]!;
  assert.deepEqual(parseAiAnalystEvents([legacy]).records[0]!.details, legacy.details);
  assert.deepEqual(parseAiAnalystEvents([newer]).records[0]!.details, newer.details);
  assert.ok(Array.isArray((legacy.details as unknown[])[0]), 'older layout is an array of arrays');
  assert.equal((newer.details as Obj[])[0]!.blockType, 'single', 'newer layout has blockType');
});

test('quirk 3: nulls in breachDevices (fields and whole entries) are tolerated', () => {
  const [event] = saasEvents();
  const { records } = parseAiAnalystEvents([{ ...event, breachDevices: [...event!.breachDevices, null, { identifier: null, hostname: null, ip: null, mac: null, subnet: null, did: null, sid: null }] }]);
  const devices = records[0]!.breachDevices;
  assert.equal(devices.length, 2);
  assert.deepEqual(
    { did: devices[1]!.did, ip: devices[1]!.ip, hostname: devices[1]!.hostname, mac: devices[1]!.mac, sid: devices[1]!.sid, identifier: devices[1]!.identifier },
    { did: null, ip: null, hostname: null, mac: null, sid: null, identifier: null },
  );
});

test('AI Analyst event fields are normalised (ids, scores, periods, related breaches, flags)', () => {
  const { records } = parseAiAnalystEvents(saasEvents());
  const e = records[0]!;
  assert.equal(e.id, 'bc64f242-ce29-4f35-bc94-230991116564');
  assert.equal(e.title, 'Possible Hijack of AzureActiveDirectory Account');
  assert.equal(e.category, 'critical');
  assert.equal(e.aiaScore, 94);
  assert.equal(e.groupId, 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc');
  assert.equal(e.groupScore, 40.666309838880856);
  assert.deepEqual(e.mitreTactics, ['privilege-escalation']);
  assert.deepEqual(e.periods, [{ start: 1658853532289, end: 1658853542330 }]);
  assert.deepEqual(e.relatedBreaches, [{ pbid: 27055, modelName: 'SaaS / Admin / User Added To Admin Group', threatScore: 73, timestamp: 1658853636000 }]);
  assert.equal(e.acknowledged, false);
  assert.equal(e.pinned, true);
  assert.equal(e.createdAt, 1658853909796);
  assert.equal(parseAiAnalystEvents(legacyEvents()).records[1]!.url, 'https://www.example.com/#aiaincidentevent/eabcdef0-1234-1234-1234-cabcdefghij9');
});

test('quirk 4: literal \\n sequences in model descriptions become real newlines', () => {
  const [breach] = parseModelBreaches(fixture('modelbreaches.rapid7-system-packet-loss.json')).records;
  const description = breach!.model.description!;
  assert.ok(!description.includes('\\n'), 'no backslash-n left');
  assert.match(description, /Darktrace detections\.\n\nAction: Investigate/);
});

test('quirk 5: did -1 system breach, negative-sid SaaS devices, 13-digit ids', () => {
  const [system] = parseModelBreaches(fixture('modelbreaches.rapid7-system-packet-loss.json')).records;
  assert.equal(system!.device!.did, -1);
  assert.equal(system!.device!.isSystem, true);
  assert.equal(system!.model.name, 'System::Packet Loss');

  const saas = parseAiAnalystEvents(saasEvents()).records[0]!.breachDevices[0]!;
  assert.equal(saas.sid, -9);
  assert.equal(saas.isSaas, true);
  assert.equal(saas.ip, null);
  const laptop = parseModelBreaches(fetchList()).records[1]!.device!;
  assert.equal(laptop.sid, -11);
  assert.equal(laptop.isSaas, true);

  const [base] = fetchList();
  const big = take(parseModelBreach({ ...base, pbid: 6000000053951, device: { ...base!.device, did: 6000000001417 } }));
  assert.equal(big.pbid, 6000000053951);
  assert.equal(big.device!.did, 6000000001417);
});

test('quirk 6: the pbid answer is one object, the list answer an array', () => {
  const single = fixture<Obj>('modelbreaches.xsoar-single-pbid.json');
  assert.ok(!Array.isArray(single));
  const breach = take(parseModelBreach(single));
  assert.equal(breach.pbid, 95);
  assert.equal(breach.score, 0.729);
  assert.equal(breach.device!.mac, '00:00:00:00:00:00');
  assert.equal(breach.model.phid, 1450, 'the model as it was at alert time (then), not now');
  const asList = parseModelBreaches(single);
  assert.equal(asList.records.length, 0);
  assert.match(asList.rejects[0]!.reason, /expected a list/);
});

test('historicmodelonly flat model, breach URL, MITRE techniques and AI Analyst links', () => {
  const raw = fixture<Obj[]>('modelbreaches.elastic-historicmodelonly.json');
  raw[0]!.aianalystData = [{ uuid: 'eabcdef0-1234-1234-1234-cabcdefghij9', related: [6], summariser: 'ScanSummary' }];
  const [b] = parseModelBreaches(raw).records;
  assert.equal(b!.model.name, 'Device::Attack and Recon Tools');
  assert.equal(b!.model.category, 'Suspicious');
  assert.deepEqual(b!.model.tags, ['AP: Internal Recon', 'OT Engineer']);
  assert.equal(b!.breachUrl, 'https://example.com/#modelbreach/6');
  assert.deepEqual(b!.mitreTechniques, [{ id: 'T1200', name: 'Hardware Additions Mitigation' }]);
  assert.deepEqual(b!.aiAnalystEventIds, ['eabcdef0-1234-1234-1234-cabcdefghij9']);
  assert.match(b!.model.description!, /tools\.\n\nAction:/);
});

test('without a top-level device the first triggered component\'s device is used', () => {
  const single = fixture<Obj>('modelbreaches.xsoar-single-pbid.json');
  delete single.device;
  assert.equal(take(parseModelBreach(single)).device!.did, 823);
});

test('one bad record is set aside with its id and reason; the others still parse', () => {
  const list: unknown[] = fetchList();
  list.push(null, { pbid: 'x' }, { pbid: 7, score: 0.5 }, { pbid: 8, time: 1, score: 0.5, model: {} }, { pbid: 9, time: 1, score: 'high', model: { name: 'A::B' } });
  const { records, rejects } = parseModelBreaches(list);
  assert.equal(records.length, 2);
  assert.deepEqual(
    rejects.map((r) => [r.id, r.reason]),
    [
      [undefined, 'breach is not an object'],
      [undefined, 'breach has no usable pbid ("x")'],
      [7, 'breach has neither time nor creationTime'],
      [8, 'breach has no model name'],
      [9, 'breach has no usable score ("high")'],
    ],
  );
  assert.equal(rejects[1]!.raw && (rejects[1]!.raw as Obj).pbid, 'x', 'the raw record is kept for quarantine');

  const events = parseAiAnalystEvents([...legacyEvents(), { title: 'no id' }, { id: 'e1' }]);
  assert.equal(events.records.length, 2);
  assert.deepEqual(events.rejects.map((r) => r.id), [undefined, 'e1']);
});

test('scores above 1 are read as percentages and brought to 0–1', () => {
  const [base] = fetchList();
  assert.equal(take(parseModelBreach({ ...base, score: 72.5 })).score, 0.725);
  const noScore: Obj = { ...base, percentscore: 59 };
  delete noScore.score;
  assert.equal(take(parseModelBreach(noScore)).score, 0.59);
});

test('AI Analyst groups parse with their events, devices and score', () => {
  const { records, rejects } = parseAiAnalystGroups(fixture('aianalyst-groups.xsoar.json'));
  assert.equal(rejects.length, 0);
  const g = records[0]!;
  assert.equal(g.id, 'g750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc');
  assert.equal(g.groupScore, 40.666309838880856);
  assert.equal(g.pinned, true);
  assert.deepEqual(g.devices, [1975, 1976]);
  assert.deepEqual(g.incidentEvents.map((e) => [e.uuid, e.triggerDid]), [
    ['750d9a5e-8df9-43fb-b3a3-1d1915dbc5fc', 1976],
    ['bc64f242-ce29-4f35-bc94-230991116564', 1975],
  ]);
  assert.equal(g.start, 1658853532289);
});

test('/devices entries map time/endtime to first/last seen and omitted fields to null', () => {
  const { records, rejects } = parseDevices(fixture('devices.constructed.json'));
  assert.equal(rejects.length, 0);
  const [desktop, server, saas] = records;
  assert.deepEqual(
    { did: desktop!.did, mac: desktop!.mac, label: desktop!.label, firstSeen: desktop!.firstSeen, lastSeen: desktop!.lastSeen },
    { did: 227, mac: '56:2d:4b:9c:18:42', label: 'Sarah Development', firstSeen: 1528810000000, lastSeen: 1700002000000 },
  );
  assert.equal(server!.mac, null);
  assert.equal(server!.label, null);
  assert.equal(saas!.isSaas, true);
  assert.equal(saas!.ip, null);
});

test('an IPv6 address in ip or ips[] is surfaced as ipv6', () => {
  const [d] = fixture<Obj[]>('devices.constructed.json');
  d!.ips.push({ ip: '2001:db8::7', timems: 1, time: '2023-11-14 22:00:00', sid: 10 });
  assert.equal(parseDevices([d]).records[0]!.ipv6, '2001:db8::7');
  assert.equal(parseDevices(fixture('devices.constructed.json')).records[0]!.ipv6, undefined);
});

test('intel feed: full details with UTC expiry, plain names, sources', () => {
  const { records } = parseIntelFeedDetails(fixture('intelfeed-get-fulldetails.constructed.json'));
  assert.deepEqual(records[0], { name: 'evil.example', description: 'ThreatQ export', expiresAt: Date.UTC(2023, 11, 14, 23, 0, 0), strength: 100, iagn: false });
  const noExpiry = parseIntelFeedDetails([{ name: 'x.example', description: 'd', expiry: '', strength: 100, iagn: true }]);
  assert.equal(noExpiry.records[0]!.expiresAt, null);
  const bad = parseIntelFeedDetails([{ name: 'y.example', expiry: 'soon' }]);
  assert.deepEqual(bad.rejects.map((r) => r.id), ['y.example']);
  assert.deepEqual(parseIntelFeedNames(fixture('intelfeed-get.constructed.json')).records, ['evil.example', '198.51.100.7', 'c2.bad.example', '203.0.113.0/24']);
  assert.deepEqual(parseIntelFeedNames(fixture('intelfeed-get-sources.constructed.json')).records, ['Default', 'ThreatQ', 'STIX/TAXII']);
});

test('/status yields version and identity', () => {
  const s = parseStatus(fixture('status.constructed.json'))!;
  assert.equal(s.version, '6.1.23 (f35936c6)');
  assert.equal(s.hostname, 'dt-sim-01');
  assert.equal(s.type, 'master');
  assert.equal(parseStatus([]), undefined);
});

function take<T>(outcome: { ok: true; record: T } | { ok: false; reason: string }): T {
  if (!outcome.ok) throw new Error(`unexpected reject: ${outcome.reason}`);
  return outcome.record;
}
