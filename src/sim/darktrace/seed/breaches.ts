/**
 * Model breaches modelled on the recorded payloads: system breaches (`did -1`), SaaS and IPv6
 * devices, Watched Domain hits echoing an intel-feed entry, late-created breaches, acknowledged
 * ones in every wire style, comments, hostile filter values and the hostile / 100 kB models.
 * Early indices force each variant so small seeds still cover them.
 */
import type { SimBreach } from '../types.ts';
import { HOSTILE_STRINGS } from './hostile.ts';
import type { CatalogueModel, ModelKind } from './models.ts';
import { modelsOfKind } from './models.ts';
import type { Mulberry32 } from './prng.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface DevicePools {
  network: number[];
  saas: number[];
}

const BY_KIND = new Map<ModelKind, CatalogueModel[]>(
  (['network', 'system', 'saas', 'watched', 'hostile', 'huge'] as const).map((k) => [k, modelsOfKind(k)]),
);

const FORCED_KIND: Record<number, ModelKind> = { 3: 'hostile', 5: 'system', 6: 'saas', 7: 'huge', 8: 'watched' };

export function generateBreach(rng: Mulberry32, index: number, pbid: number, now: number, days: number, pools: DevicePools): SimBreach {
  const kind = chooseKind(rng, index, pools);
  const model = rng.pick(BY_KIND.get(kind) as CatalogueModel[]);
  const time = Math.floor((now - rng.next() * days * DAY) / 1000) * 1000;
  const late = index === 9 || rng.chance(0.03);
  const creationTime = Math.min(now, time + (late ? HOUR + rng.int(30 * HOUR) : 1000 + rng.int(60) * 1000));
  const did = kind === 'system' ? -1 : pickDevice(rng, kind === 'saas' ? pools.saas : pools.network, pools);

  const breach: SimBreach = {
    pbid,
    time,
    creationTime,
    score: Math.round((0.05 + rng.next() * 0.95) * 1000) / 1000,
    did,
    acknowledged: null,
    model: { then: model.then, now: model.now },
    triggeredComponents: components(rng, model, time, pbid, index),
    comments: [],
  };
  const acked = index === 11 || index === 13 || rng.chance(0.08);
  if (acked) breach.acknowledged = { time: Math.min(now, creationTime + rng.int(2 * DAY)), username: rng.pick(['analyst.one', 'soc.lead', 'api.user']) };
  if (index === 11 || rng.chance(0.04)) breach.acknowledgedStyle = 'object';
  else if (index === 13 || rng.chance(0.02)) breach.acknowledgedStyle = 'absent';
  if (index === 12 || rng.chance(0.05)) {
    const n = 1 + rng.int(3);
    for (let c = 0; c < n; c++) {
      breach.comments.push({
        time: Math.min(now, creationTime + rng.int(DAY)),
        username: 'analyst.one',
        message: rng.chance(0.2) ? rng.pick(HOSTILE_STRINGS) : `Looked at this (${c + 1})`,
        commentid: pbid * 10 + c,
      });
    }
  }
  if (model.mitre) breach.mitreTechniques = model.mitre;
  return breach;
}

function chooseKind(rng: Mulberry32, index: number, pools: DevicePools): ModelKind {
  const forced = FORCED_KIND[index];
  let kind: ModelKind;
  if (forced) kind = forced;
  else {
    const r = rng.next();
    kind = r < 0.05 ? 'system' : r < 0.15 ? 'saas' : r < 0.23 ? 'watched' : r < 0.24 ? 'hostile' : r < 0.2402 ? 'huge' : 'network';
  }
  if (kind === 'saas' && pools.saas.length === 0) kind = 'network';
  return kind;
}

function pickDevice(rng: Mulberry32, preferred: number[], pools: DevicePools): number {
  if (preferred.length > 0) return rng.pick(preferred);
  if (pools.network.length > 0) return rng.pick(pools.network);
  return 1;
}

function components(rng: Mulberry32, model: CatalogueModel, time: number, pbid: number, index: number): Record<string, unknown>[] {
  const n = model.kind === 'system' || rng.chance(0.8) ? 1 : 2;
  const out: Record<string, unknown>[] = [];
  for (let c = 0; c < n; c++) {
    const cid = model.cid + c;
    out.push({
      time: time - c * 1000,
      cbid: pbid * 2 + c,
      cid,
      chid: cid + 1000,
      size: 1 + rng.int(20),
      threshold: 0,
      interval: model.kind === 'system' ? 3600 : 300,
      logic: { data: { left: 'A', operator: 'AND', right: 'd1' }, version: 'v0.1' },
      metric: model.metric,
      triggeredFilters: filters(rng, model, index),
    });
  }
  return out;
}

function filters(rng: Mulberry32, model: CatalogueModel, index: number): Record<string, unknown>[] {
  const hostile = model.kind === 'hostile' || index === 4 || rng.chance(0.02);
  const value = (plain: string) => (hostile ? rng.pick(HOSTILE_STRINGS) : plain);
  const f = (cfid: number, id: string, filterType: string, arguments_: Record<string, unknown>, comparatorType: string, trigger: string) => ({
    cfid,
    id,
    filterType,
    arguments: arguments_,
    comparatorType,
    trigger: { value: trigger },
  });
  switch (model.kind) {
    case 'system':
      return [f(7657, 'A', 'Message', { value: '.*rate above [3-9][0-9]\\..*\\%$' }, 'matches regular expression', `Host ip-192-168-10-1: The capture loss script detected an estimated loss rate above ${30 + rng.int(60)}.${rng.int(1000)}%, worker drop rate: 0.000%`)];
    case 'watched': {
      const domain = `c2-${rng.hex(6)}.bad.example`;
      return [
        f(26700, 'A', 'Watched endpoint', {}, 'is', 'true'),
        f(26701, 'd1', 'Watched endpoint', {}, 'display', domain),
        f(26702, 'd2', 'Watched endpoint source', {}, 'display', rng.pick(['ThreatQ', 'Default', 'STIX/TAXII'])),
        f(26703, 'd3', 'Watched endpoint description', {}, 'display', value('ThreatQ export')),
        f(26704, 'd4', 'Watched endpoint strength', {}, 'display', '100'),
      ];
    }
    case 'saas':
      return [
        f(28100, 'A', 'SaaS event', { value: 'Add member to role' }, 'contains', 'Add member to role'),
        f(28101, 'd1', 'Actor', {}, 'display', value(`user${rng.int(999)}@example.com`)),
        f(28102, 'd2', 'Source IP', {}, 'display', `198.51.100.${rng.int(256)}`),
      ];
    default:
      return [
        f(28020, 'A', 'Direction', { value: 'out' }, 'is', 'out'),
        f(28021, 'd1', 'Destination IP', {}, 'display', `203.0.113.${rng.int(256)}`),
        f(28022, 'd2', 'Connection hostname', {}, 'display', value(`rare-${rng.hex(4)}.example.net`)),
        f(28023, 'd3', 'Destination port', {}, 'display', String(rng.pick([443, 80, 22, 3389, 8080]))),
      ];
  }
}
