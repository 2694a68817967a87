/**
 * The ingest's ceiling: a client that sends the requests an ingest sends and does nothing else —
 * no retries, no SQLite, no mapping beyond building trivially equivalent bodies. Darktrace: the
 * very GETs the connector sent in the same scenario (same endpoints, windows and query text,
 * signed the same way), each answer read and parsed. ThreatQ (a fresh simulator of its own, so it
 * performs the same writes): the same login and look-ups, `events/consume` per 500 new alerts
 * (batches spanning slices), then the devices' indicators and assets in batches of 500 related to their events,
 * and the connector's updates (PUT event, attribute list, attribute writes) replayed on the
 * ceiling's own events, 4 alerts at a time like the connector.
 */
import { Agent } from 'undici';
import { formatDtapiDate } from '../../src/darktrace/dtapiDate.ts';
import { dtapiHeaders, signedTarget } from '../../src/darktrace/sign.ts';

/** A request as a simulator logged it. */
export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
}

export interface IngestCeilingPlan {
  darktrace: { url: string; caPem: string; publicToken: string; privateToken: string; gets: LoggedRequest[] };
  threatq: { url: string; caPem: string; clientId: string; email: string; password: string; log: LoggedRequest[] };
  /** The connector's ThreatQ event id → `kind:darktraceId`, and its attribute id → name (to replay updates). */
  connectorEvent(eventId: number): string | undefined;
  connectorAttribute(eventId: number, attributeId: number): string | undefined;
  batchSize: number;
  /** Kept between scenarios: the ceiling's own event ids by `kind:darktraceId`. */
  state: IngestCeilingState;
}

export interface IngestCeilingState {
  events: Map<string, number>;
}

export interface IngestCeilingResult {
  ms: number;
  requests: { threatq: number; darktrace: number; writesToThreatQ: number };
}

type Obj = Record<string, any>;
interface Alert {
  key: string;
  body: Obj;
  devices: Device[];
}
interface Device {
  indicators: Array<{ type: string; value: string }>;
  asset: string;
}

const EVENT_ROUTE = /^\/api\/events\/(\d+)(?:\/attributes(?:\/(\d+))?)?$/;

export function newCeilingState(): IngestCeilingState {
  return { events: new Map() };
}

export async function runIngestCeiling(plan: IngestCeilingPlan): Promise<IngestCeilingResult> {
  const tqAgent = new Agent({ connect: { ca: plan.threatq.caPem } });
  const dtAgent = new Agent({ connect: { ca: plan.darktrace.caPem } });
  const requests = { threatq: 0, darktrace: 0, writesToThreatQ: 0 };
  const started = performance.now();
  try {
    const tq = plan.threatq;
    let auth: Record<string, string> = {};
    const tqJson = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, headers: Record<string, string> = auth): Promise<any> => {
      requests.threatq++;
      if (method !== 'GET' && !path.startsWith('/api/token')) requests.writesToThreatQ++;
      const res = await tqAgent.request({
        origin: tq.url,
        path,
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`ceiling: ThreatQ ${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
      return text === '' ? undefined : JSON.parse(text);
    };
    const dtGet = async (r: LoggedRequest): Promise<unknown> => {
      requests.darktrace++;
      const d = plan.darktrace;
      const headers = dtapiHeaders(signedTarget('GET', r.path, r.query), d, formatDtapiDate(Date.now()));
      const res = await dtAgent.request({ origin: d.url, path: r.query === '' ? r.path : `${r.path}?${r.query}`, method: 'GET', headers: { accept: 'application/json', ...headers } });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`ceiling: Darktrace GET ${r.path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
      return JSON.parse(text);
    };

    // 1. Login and look-ups, as the connector sent them.
    const isWrite = (r: LoggedRequest) => /\/consume$/.test(r.path) || EVENT_ROUTE.test(r.path);
    let eventTypes = ['Model Breach', 'AI Analyst'];
    if (!tq.log.some((r) => r.method === 'POST' && r.path === '/api/token')) {
      // The connector reused its cached token; the ceiling has none, so it logs in (not counted).
      const login = await tqJson('POST', `/api/token?grant_type=password&client_id=${encodeURIComponent(tq.clientId)}`, { email: tq.email, password: tq.password }, {});
      requests.threatq--;
      requests.writesToThreatQ = 0;
      auth = { authorization: `Bearer ${login.access_token as string}` };
    }
    for (const r of tq.log.filter((x) => !isWrite(x))) {
      if (r.method === 'POST' && r.path === '/api/token') {
        const login = await tqJson('POST', `/api/token?grant_type=password&client_id=${encodeURIComponent(tq.clientId)}`, { email: tq.email, password: tq.password }, {});
        auth = { authorization: `Bearer ${login.access_token as string}` };
      } else if (r.method === 'POST' && r.path === '/api/event/types') {
        await tqJson('POST', r.path, { name: eventTypes[0] });
        eventTypes = eventTypes.slice(1);
      } else if (r.method === 'GET') {
        await tqJson('GET', r.query === '' ? r.path : `${r.path}?${r.query}`);
      } else {
        throw new Error(`ceiling: no replay for ThreatQ ${r.method} ${r.path}`);
      }
    }
    // 2. Darktrace, slice by slice; new alerts become events (500 per call, per slice).
    const created: Alert[] = [];
    let pending: Alert[] = [];
    const send = async (batch: Alert[]) => {
      const answer = await tqJson('POST', '/api/events/consume', batch.map((a) => a.body));
      const byTitle = new Map<string, number>((answer.data as Obj[]).map((e) => [e.title as string, e.id as number]));
      for (const a of batch) {
        const id = byTitle.get(a.body.title as string);
        if (id === undefined) throw new Error(`ceiling: no id for ${a.key}`);
        plan.state.events.set(a.key, id);
        created.push(a);
      }
    };
    // Like the connector: a batch is sent once it is full (batches span slices), the rest after the window.
    const flush = async (all: boolean) => {
      while (pending.length >= plan.batchSize || (all && pending.length > 0)) await send(pending.splice(0, plan.batchSize));
    };
    const seen = new Set<string>();
    // Darktrace answers are read ahead like the connector reads them (a slice's two lists at once, one slice ahead).
    const gets = plan.darktrace.gets;
    const inFlight = new Map<number, Promise<unknown>>();
    const start = (i: number) => {
      if (i >= gets.length || inFlight.has(i)) return;
      const p = dtGet(gets[i]!);
      p.catch(() => undefined);
      inFlight.set(i, p);
    };
    for (let i = 0; i < gets.length; i++) {
      for (let j = i; j <= i + 3; j++) start(j);
      const r = gets[i]!;
      const json = await inFlight.get(i)!;
      inFlight.delete(i);
      if (!/starttime=/.test(r.query) || !Array.isArray(json)) continue;
      for (const raw of json as Obj[]) {
        const a = r.path === '/modelbreaches' ? breachAlert(raw) : aiAlert(raw);
        if (!a || seen.has(a.key) || plan.state.events.has(a.key)) continue;
        seen.add(a.key);
        pending.push(a);
      }
      if (r.path !== '/modelbreaches') await flush(false);
    }
    await flush(true);

    // 3. Devices of the new events: indicators, then assets related to events and indicators.
    if (created.length > 0) {
      const indicators = new Map<string, { type: string; value: string; events: Set<number> }>();
      const assets = new Map<string, { events: Set<number>; indicators: Set<string> }>();
      for (const a of created) {
        const eventId = plan.state.events.get(a.key)!;
        for (const d of a.devices) {
          const asset = assets.get(d.asset) ?? { events: new Set<number>(), indicators: new Set<string>() };
          asset.events.add(eventId);
          assets.set(d.asset, asset);
          for (const ind of d.indicators) {
            const k = `${ind.type}\0${ind.value}`;
            const item = indicators.get(k) ?? { ...ind, events: new Set<number>() };
            item.events.add(eventId);
            indicators.set(k, item);
            asset.indicators.add(k);
          }
        }
      }
      const indicatorIds = new Map<string, number>();
      const list = [...indicators.entries()];
      for (let i = 0; i < list.length; i += plan.batchSize) {
        const batch = list.slice(i, i + plan.batchSize);
        const answer = await tqJson(
          'POST',
          '/api/indicators/consume',
          batch.map(([, x]) => ({ value: x.value, type: { name: x.type }, status: { name: 'Review' }, sources: [{ name: 'Darktrace' }], events: [...x.events].map((id) => ({ id })) })),
        );
        const byValue = new Map<string, number>((answer.data as Obj[]).map((rec) => [String(rec.value), rec.id as number]));
        for (const [k, x] of batch) if (byValue.has(x.value)) indicatorIds.set(k, byValue.get(x.value)!);
      }
      const assetList = [...assets.entries()];
      for (let i = 0; i < assetList.length; i += plan.batchSize) {
        const batch = assetList.slice(i, i + plan.batchSize);
        await tqJson(
          'POST',
          '/api/asset/consume',
          batch.map(([value, x]) => ({
            value,
            sources: [{ name: 'Darktrace' }],
            events: [...x.events].map((id) => ({ id })),
            indicators: [...x.indicators].flatMap((k) => (indicatorIds.has(k) ? [{ id: indicatorIds.get(k)! }] : [])),
          })),
        );
      }
    }

    // 4. The connector's updates, replayed on the ceiling's events, 4 alerts at a time.
    const perAlert = new Map<number, LoggedRequest[]>();
    for (const r of tq.log) {
      const m = EVENT_ROUTE.exec(r.path);
      if (!m) continue;
      const id = Number(m[1]);
      const list = perAlert.get(id) ?? [];
      list.push(r);
      perAlert.set(id, list);
    }
    const queue = [...perAlert.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [connectorId, list] = next;
        const key = plan.connectorEvent(connectorId);
        const id = key === undefined ? undefined : plan.state.events.get(key);
        if (id === undefined) throw new Error(`ceiling: no ceiling event for the connector's event ${connectorId} (${key})`);
        let attributes: Obj[] = [];
        for (const r of list) {
          const m = EVENT_ROUTE.exec(r.path)!;
          if (r.method === 'PUT' && m[2] === undefined && !r.path.includes('/attributes')) {
            await tqJson('PUT', `/api/events/${id}`, { description: `<p>updated ${key}</p>`, happened_at: '2026-01-01 00:00:00' });
          } else if (r.method === 'GET') {
            attributes = (await tqJson('GET', `/api/events/${id}/attributes${r.query === '' ? '' : `?${r.query}`}`)).data as Obj[];
          } else if (r.method === 'PUT') {
            const name = plan.connectorAttribute(connectorId, Number(m[2]));
            const attr = attributes.find((a) => (a.name ?? a.attribute?.name) === name) ?? attributes[0];
            await tqJson('PUT', `/api/events/${id}/attributes/${attr?.id as number}`, { value: `changed ${Date.now()}` });
          } else if (r.method === 'POST') {
            await tqJson('POST', `/api/events/${id}/attributes`, { name: 'Darktrace Related Breach', value: String(Math.random()) });
          }
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return { ms: performance.now() - started, requests };
  } finally {
    await Promise.all([tqAgent.close(), dtAgent.close()]);
  }
}

function tqDate(ms: unknown): string {
  return new Date(typeof ms === 'number' ? ms : 0).toISOString().replace('T', ' ').slice(0, 19);
}

function breachAlert(b: Obj): Alert | undefined {
  if (typeof b.pbid !== 'number' || typeof b.time !== 'number') return undefined;
  const model = (b.model?.then ?? b.model ?? {}) as Obj;
  const name = String(model.name ?? '');
  const device = (b.device ?? {}) as Obj;
  const attributes = [
    ['Darktrace Breach ID', b.pbid],
    ['Darktrace Model', name],
    ['Darktrace Score', b.score],
    ['Darktrace Acknowledged', b.acknowledged ? 'Yes' : 'No'],
    ['Darktrace Comment Count', b.commentCount ?? 0],
    ['Darktrace Link', `https://darktrace/#modelbreach/${b.pbid}`],
    ['Darktrace Model Category', model.category],
    ['Darktrace Model Priority', model.priority],
    ['Darktrace Device ID', device.did],
  ];
  return {
    key: `model_breach:${b.pbid}`,
    body: {
      title: `Model Breach: ${name} on ${device.hostname ?? device.ip ?? ''} [pbid ${b.pbid}]`,
      description: `<p>${name} score ${b.score}</p><p>${String(model.description ?? '').slice(0, 2000)}</p>`,
      type: { name: 'Model Breach' },
      happened_at: tqDate(b.time),
      sources: [{ name: 'Darktrace' }],
      attributes: attributes.filter(([, v]) => v !== undefined && v !== null).map(([n, v]) => ({ name: n, value: String(v) })),
    },
    devices: deviceOf(device.did, device.sid, device.ip, device.hostname, device.macaddress),
  };
}

function aiAlert(e: Obj): Alert | undefined {
  if (typeof e.id !== 'string') return undefined;
  const devices = ((e.breachDevices ?? []) as Obj[]).flatMap((d) => deviceOf(d.did, d.sid, typeof d.ip === 'string' ? d.ip.split('/')[0] : undefined, d.hostname, d.mac));
  const attributes = [
    ['Darktrace AI Analyst Event ID', e.id],
    ['Darktrace Acknowledged', e.acknowledged ? 'Yes' : 'No'],
    ['Darktrace Pinned', e.pinned ? 'Yes' : 'No'],
    ['Darktrace Link', `https://darktrace/#aiaevent/${e.id}`],
    ['Darktrace AI Analyst Incident', e.currentGroup],
    ['Darktrace AI Analyst Incident Score', e.groupScore],
    ['Darktrace Score', e.aiaScore],
    ['Darktrace Category', e.category],
    ['Darktrace Summariser', e.summariser],
    ...((e.mitreTactics ?? []) as string[]).map((t) => ['MITRE ATT&CK Tactic', t]),
    ...((e.relatedBreaches ?? []) as Obj[]).map((r) => ['Darktrace Related Breach', r.pbid]),
  ];
  return {
    key: `ai_analyst:${e.id}`,
    body: {
      title: `AI Analyst: ${String(e.title ?? '')} [${e.id}]`,
      description: `<p>${String(e.title ?? '')}</p><p>${String(e.summary ?? '').slice(0, 2000)}</p>`,
      type: { name: 'AI Analyst' },
      happened_at: tqDate(e.createdAt),
      sources: [{ name: 'Darktrace' }],
      attributes: attributes.filter(([, v]) => v !== undefined && v !== null).map(([n, v]) => ({ name: n, value: String(v) })),
    },
    devices,
  };
}

function deviceOf(did: unknown, sid: unknown, ip: unknown, hostname: unknown, mac: unknown): Device[] {
  if ((typeof did === 'number' && did < 0) || (typeof sid === 'number' && sid < 0)) return [];
  const indicators: Device['indicators'] = [];
  if (typeof ip === 'string' && ip !== '') indicators.push({ type: ip.includes(':') ? 'IPv6 Address' : 'IP Address', value: ip });
  if (typeof hostname === 'string' && hostname.includes('.') && !/^saas::/i.test(hostname)) indicators.push({ type: 'FQDN', value: hostname.toLowerCase() });
  if (typeof mac === 'string' && mac !== '') indicators.push({ type: 'MAC Address', value: mac.toLowerCase() });
  if (indicators.length === 0 && typeof did !== 'number') return [];
  const asset = (typeof hostname === 'string' && hostname) || (typeof ip === 'string' && ip) || `Darktrace device ${String(did)}`;
  return [{ indicators, asset }];
}
