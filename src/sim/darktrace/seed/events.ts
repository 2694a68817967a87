/**
 * AI Analyst incidents and their events, modelled on the recorded payloads: both `details`
 * layouts, string and number `groupScore`, `groupPreviousGroups` null vs [], null fields and
 * CIDR-like IPs in `breachDevices`, email-sourced events with a sender and no devices, pinned and
 * acknowledged events, merge history, hostile and 100 kB summaries, and `relatedBreaches` that
 * point at real stored breaches (which point back through `aianalystData`).
 */
import type { SimAiEvent, SimBreach, SimBreachDevice, SimDevice, SimGroup } from '../types.ts';
import { HOSTILE_STRINGS, HUGE_TEXT } from './hostile.ts';
import type { Mulberry32 } from './prng.ts';

const DAY = 86_400_000;

interface Summariser {
  name: string;
  title: string;
  summary: string;
  tactics: string[];
  phases: number[];
  category: SimAiEvent['category'];
  email?: boolean;
}

const SUMMARISERS: Summariser[] = [
  { name: 'AdminConnSummary', title: 'Extensive Unusual SSH Connections', summary: 'The device was observed making unusual internal SSH connections to a wide range of devices.\n\nThough this behaviour could be legitimate remote administration, it could also be a sign of lateral movement.\n\nIf this activity was not expected, the security team may wish to investigate further.', tactics: ['lateral-movement'], phases: [5], category: 'critical' },
  { name: 'ScanSummary', title: 'Port Scanning', summary: 'The device was observed making an unusually large number of internal connection attempts, suggesting scanning activity.\n\nIf the activity was not expected, it is recommended that the security team investigate it further.', tactics: ['discovery'], phases: [4], category: 'suspicious' },
  { name: 'SaasHijackSummary', title: 'Possible Hijack of Office365 Account', summary: "Though this behaviour could be the result of legitimate service usage, it could also be a sign of this actor's account being hijacked.\nConsequently, the security team may wish to confirm that this activity was legitimate.", tactics: ['privilege-escalation'], phases: [3], category: 'critical' },
  { name: 'BeaconSummary', title: 'Possible HTTP Command and Control', summary: 'The device was observed making repeated connections to a rare external endpoint.\n\nThis could be a sign of command and control.', tactics: ['command-and-control'], phases: [2], category: 'suspicious' },
  { name: 'DataExfilSummary', title: 'Unusual External Data Transfer', summary: 'The device transferred an unusual volume of data to an external endpoint.', tactics: ['exfiltration'], phases: [6], category: 'critical' },
  { name: 'EmailSummary', title: 'Suspicious Email Campaign', summary: 'Several users received emails with suspicious links from a new sender.', tactics: ['initial-access'], phases: [1], category: 'compliance', email: true },
];

export interface GeneratedIncident {
  group: SimGroup;
  events: SimAiEvent[];
}

/** Builds one incident of `size` events; `firstIndex` is the global index of its first event. */
export function generateIncident(
  rng: Mulberry32,
  firstIndex: number,
  size: number,
  now: number,
  days: number,
  devices: readonly SimDevice[],
  breaches: readonly SimBreach[],
): GeneratedIncident {
  const events: SimAiEvent[] = [];
  const firstId = rng.uuid();
  const groupId = `g${firstId}`;
  const base = now - rng.next() * days * DAY;
  for (let k = 0; k < size; k++) {
    const index = firstIndex + k;
    const id = k === 0 ? firstId : rng.uuid();
    const createdAt = Math.min(now, Math.round(base + k * rng.int(3_600_000)));
    events.push(generateEvent(rng, index, id, groupId, createdAt, devices, breaches));
  }
  const category = events.some((e) => e.category === 'critical') ? 'critical' : events.some((e) => e.category === 'suspicious') ? 'suspicious' : 'compliance';
  const group: SimGroup = {
    id: groupId,
    score: rng.next() * 100,
    category,
    previousIds: rng.chance(0.05) ? [`g${rng.uuid()}`] : [],
    active: rng.chance(0.3),
    eventIds: events.map((e) => e.id),
  };
  return { group, events };
}

function generateEvent(
  rng: Mulberry32,
  index: number,
  id: string,
  groupId: string,
  createdAt: number,
  devices: readonly SimDevice[],
  breaches: readonly SimBreach[],
): SimAiEvent {
  const kind = index === 7 ? (SUMMARISERS[5] as Summariser) : rng.pick(SUMMARISERS);
  const hostile = index === 5 || rng.chance(0.02);
  const huge = index === 6 || rng.chance(0.001);
  const start = createdAt - 60_000 - rng.int(4 * 3_600_000);
  const end = Math.min(createdAt, start + rng.int(3_600_000));
  const breachDevices = kind.email ? [] : pickDevices(rng, devices, kind.name === 'SaasHijackSummary');
  const related = pickBreaches(rng, breaches);
  const event: SimAiEvent = {
    id,
    createdAt,
    title: hostile ? `${kind.title} ${rng.pick(HOSTILE_STRINGS)}` : kind.title,
    summary: huge ? HUGE_TEXT : hostile ? `${rng.pick(HOSTILE_STRINGS)}\n\n${kind.summary}` : kind.summary,
    summariser: kind.name,
    aiaScore: 10 + rng.int(91),
    category: kind.category,
    currentGroup: groupId,
    acknowledged: rng.chance(0.08),
    pinned: index === 8 || rng.chance(0.03),
    userTriggered: rng.chance(0.02),
    externalTriggered: rng.chance(0.02),
    attackPhases: kind.phases,
    mitreTactics: kind.tactics,
    periods: [{ start, end }],
    breachDevices,
    relatedBreaches: related.map((b) => ({ modelName: b.model.then.name, pbid: b.pbid, threatScore: Math.round(b.score * 100), timestamp: b.time })),
    details: index === 3 || (index !== 4 && rng.chance(0.4)) ? olderDetails(breachDevices, start, end, rng) : newerDetails(breachDevices, start, end, rng),
    activityId: rng.hex(8),
    groupingIds: [rng.hex(8)],
    comments: [],
  };
  if (!Array.isArray(event.details[0])) {
    event.explanations = [[{ iconType: 'search', valueType: 'string', value: 'Searching for recent activity.' }]];
    event.figures = [];
  }
  if (kind.email) event.sender = hostile ? `"${rng.pick(HOSTILE_STRINGS)}" <x@bad.example>` : `newsletter-${rng.hex(4)}@sender.example`;
  if (index === 1 || rng.chance(0.1)) event.groupScoreAsString = true;
  if (index === 2 || rng.chance(0.25)) event.previousGroupsNull = true;
  for (const b of related) (b.aianalystData ??= []).push({ uuid: id, related: related.map((r) => r.pbid), summariser: kind.name });
  return event;
}

function pickDevices(rng: Mulberry32, devices: readonly SimDevice[], preferSaas: boolean): SimBreachDevice[] {
  if (devices.length === 0) return [{ identifier: null, hostname: null, ip: `10.9.${rng.int(256)}.${rng.int(256)}`, mac: null, subnet: null, did: null, sid: null }];
  const n = rng.chance(0.8) ? 1 : 2;
  const out: SimBreachDevice[] = [];
  for (let i = 0; i < n; i++) {
    let d = rng.pick(devices);
    if (preferSaas) {
      for (let tries = 0; tries < 8 && d.sid >= 0; tries++) d = rng.pick(devices);
    }
    const cidr = d.ip !== undefined && !d.ip.includes(':') && rng.chance(0.1);
    out.push({
      identifier: rng.chance(0.3) ? null : (d.hostname ?? d.ip ?? null),
      hostname: d.hostname ?? null,
      ip: d.ip === undefined ? null : cidr ? `${d.ip}/24` : d.ip,
      mac: d.macaddress ?? null,
      subnet: rng.chance(0.2) ? 'VPN' : null,
      did: d.did,
      sid: d.sid,
    });
  }
  return out;
}

function pickBreaches(rng: Mulberry32, breaches: readonly SimBreach[]): SimBreach[] {
  if (breaches.length === 0) return [];
  const n = 1 + rng.int(3);
  const out = new Set<SimBreach>();
  for (let i = 0; i < n; i++) out.add(rng.pick(breaches));
  return [...out];
}

/** Pre-6 layout: array of arrays of `{header, contents:[{key, type, values}]}`. */
function olderDetails(devices: SimBreachDevice[], start: number, end: number, rng: Mulberry32): unknown[] {
  return [
    [{ header: 'Breaching Device', contents: [{ key: null, type: 'device', values: devices }] }],
    [
      {
        header: 'Activity',
        contents: [
          { key: 'Time', type: 'timestampRange', values: [{ start, end }] },
          { key: 'Connection count', type: 'integer', values: [1 + rng.int(500)] },
          { key: 'Percentage successful', type: 'percentage', values: [rng.int(101)] },
        ],
      },
    ],
  ];
}

/** Newer layout: `{blockType, blocks:[{blockHeader, bulletBlocks:[[{detailKey, valueType, detailValues}]]}]}`. */
function newerDetails(devices: SimBreachDevice[], start: number, end: number, rng: Mulberry32): unknown[] {
  return [
    {
      blockType: 'single',
      blocks: [{ blockHeader: 'Device Details', bulletBlocks: [[{ detailKey: 'Device', valueType: 'device', detailValues: devices }]] }],
    },
    {
      blockType: 'grouped',
      blocks: [
        {
          blockHeader: 'Summary of Activity',
          bulletBlocks: [
            [
              { detailKey: 'Time', valueType: 'timeRange', detailValues: [{ start, end }] },
              { detailKey: 'Number of events', valueType: 'string', detailValues: [String(1 + rng.int(50))] },
            ],
          ],
        },
      ],
    },
  ];
}
