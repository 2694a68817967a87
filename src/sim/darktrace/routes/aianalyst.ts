/**
 * `/aianalyst/incidentevents`, `/aianalyst/groups` (and legacy `/aianalyst/incidents`), the
 * form-only acknowledge/pin writes and incident comments, all over one store so event ids,
 * `currentGroup` and `incidentEvents[].uuid` always line up.
 */
import { sendJson, sendJsonArray } from '../http/respond.ts';
import type { Params } from '../http/params.ts';
import { eventJson, groupJson } from '../present/aiAnalyst.ts';
import type { SimAiEvent, SimGroup } from '../types.ts';
import { inputError } from './context.ts';
import type { RouteContext } from './context.ts';
import { DAY_MS, readWindow } from './window.ts';
import type { TimeWindow } from './window.ts';

type Category = SimGroup['category'];

interface EventFilter {
  window: TimeWindow;
  allPinned: boolean;
  onlyPinned: boolean;
  withAcknowledged: boolean;
}

export async function listIncidentEvents(ctx: RouteContext): Promise<void> {
  const { params, store } = ctx;
  const urlBase = params.bool('includeincidenteventurl') === true || params.bool('includeincidenturl') === true ? ctx.urlBase : undefined;
  const send = (events: Iterable<SimAiEvent>) =>
    sendJsonArray(ctx.responder, events, (e) => JSON.stringify(eventJson(e, store.groups.get(e.currentGroup), urlBase)));

  const uuids = list(params.string('uuid'));
  if (uuids.length > 0) {
    await send(uuids.flatMap((id) => store.events.get(id) ?? []));
    return;
  }
  const groupId = params.string('groupid');
  if (groupId !== undefined) {
    const g = store.groups.get(groupId) ?? store.groups.get(`g${groupId}`);
    await send(g ? store.groupEvents(g) : []);
    return;
  }

  const filter = eventFilter(params, ctx.now);
  const minScore = params.number('minscore');
  const maxScore = params.number('maxscore');
  const minGroupScore = params.number('mingroupscore');
  const maxGroupScore = params.number('maxgroupscore');
  const categories = categorySet(params, 'group');
  const deviceFilter = devicePredicate(params);
  const events = [...store.events.values()]
    .filter((e) => {
      if (!passes(e, filter)) return false;
      if (minScore !== undefined && e.aiaScore < minScore) return false;
      if (maxScore !== undefined && e.aiaScore > maxScore) return false;
      const g = store.groups.get(e.currentGroup);
      const gScore = g?.score ?? e.aiaScore;
      if (minGroupScore !== undefined && gScore < minGroupScore) return false;
      if (maxGroupScore !== undefined && gScore > maxGroupScore) return false;
      if (categories && !categories.has(g?.category ?? e.category)) return false;
      return deviceFilter(e);
    })
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  await send(events);
}

export async function listGroups(ctx: RouteContext): Promise<void> {
  const { params, store } = ctx;
  const urlBase = params.bool('includegroupurl') === true ? ctx.urlBase : undefined;
  const send = (groups: Iterable<SimGroup>) =>
    sendJsonArray(ctx.responder, groups, (g) => JSON.stringify(groupJson(g, store.groupEvents(g), urlBase)));

  // groupid has priority over uuid (6.1 docs); uuid is an *event* id here.
  const groupId = params.string('groupid');
  if (groupId !== undefined) {
    const g = store.groups.get(groupId) ?? store.groups.get(`g${groupId}`);
    await send(g ? [g] : []);
    return;
  }
  const uuids = list(params.string('uuid'));
  if (uuids.length > 0) {
    const ids = new Set(uuids.flatMap((id) => store.events.get(id)?.currentGroup ?? []));
    await send([...ids].flatMap((id) => store.groups.get(id) ?? []));
    return;
  }

  const filter = eventFilter(params, ctx.now);
  const minScore = params.number('minscore');
  const maxScore = params.number('maxscore');
  const categories = categorySet(params, '');
  const deviceFilter = devicePredicate(params);
  const groups = [...store.groups.values()]
    .map((g) => ({ g, events: store.groupEvents(g) }))
    .filter(({ g, events }) => {
      if (events.length === 0) return false;
      if (!filter.withAcknowledged && events.every((e) => e.acknowledged)) return false;
      if (!events.some((e) => passes(e, { ...filter, withAcknowledged: true }))) return false;
      if (minScore !== undefined && g.score < minScore) return false;
      if (maxScore !== undefined && g.score > maxScore) return false;
      if (categories && !categories.has(g.category)) return false;
      return events.some(deviceFilter);
    })
    .sort((a, b) => firstCreated(a.events) - firstCreated(b.events))
    .map(({ g }) => g);
  await send(groups);
}

/** `POST /aianalyst/acknowledge|unacknowledge|pin|unpin`: form only, `uuid=<id>[,<id>…]`. */
export function writeEvents(ctx: RouteContext, action: 'acknowledge' | 'unacknowledge' | 'pin' | 'unpin'): void {
  if (ctx.bodyKind === 'json') throw inputError(ctx);
  const ids = list(ctx.params.string('uuid'));
  if (ids.length === 0 || ids.some((id) => !ctx.store.events.has(id))) throw inputError(ctx);
  if (action === 'acknowledge' || action === 'unacknowledge') ctx.store.acknowledgeEvents(ids, action === 'acknowledge');
  else ctx.store.pinEvents(ids, action === 'pin');
  sendJson(ctx.responder, 200, { aianalyst: 'SUCCESS' });
}

export function listEventComments(ctx: RouteContext): void {
  const id = ctx.params.string('incident_id');
  const e = id === undefined ? undefined : ctx.store.events.get(id);
  if (!e) throw inputError(ctx);
  sendJson(ctx.responder, 200, { comments: e.comments.map((c) => ({ username: c.username, time: c.time, incident_id: e.id, message: c.message })) });
}

export function postEventComment(ctx: RouteContext): void {
  const id = ctx.params.string('incident_id');
  const message = ctx.params.string('message');
  const e = id === undefined ? undefined : ctx.store.events.get(id);
  if (!e || !message) throw inputError(ctx);
  e.comments.push({ time: ctx.now, username: 'api.user', message });
  sendJson(ctx.responder, 200, { aianalyst: 'SUCCESS' });
}

function eventFilter(params: Params, now: number): EventFilter {
  return {
    window: readWindow(params, now, 7 * DAY_MS),
    allPinned: params.bool('includeallpinned') ?? true,
    onlyPinned: params.bool('includeonlypinned') === true,
    withAcknowledged: params.bool('includeacknowledged') === true,
  };
}

/** Pinned events come back whatever the window, unless `includeallpinned=false`. */
function passes(e: SimAiEvent, f: EventFilter): boolean {
  if (f.onlyPinned && !e.pinned) return false;
  if (!f.withAcknowledged && e.acknowledged) return false;
  if (e.pinned && f.allPinned) return true;
  return e.createdAt >= f.window.start && e.createdAt <= f.window.end;
}

/** `groupcritical=true&groupsuspicious=true` (incidentevents) or `critical=true…` (groups); undefined = all. */
function categorySet(params: Params, prefix: string): Set<Category> | undefined {
  const chosen = (['critical', 'suspicious', 'compliance'] as const).filter((c) => params.bool(`${prefix}${c}`) === true);
  return chosen.length > 0 ? new Set(chosen) : undefined;
}

function devicePredicate(params: Params): (e: SimAiEvent) => boolean {
  const did = params.number('did');
  const excludeDid = params.number('excludedid');
  const sid = params.number('sid');
  const excludeSid = params.number('excludesid');
  const saasOnly = params.bool('saasonly') === true;
  return (e) => {
    const devices = e.breachDevices;
    if (did !== undefined && !devices.some((d) => d.did === did)) return false;
    if (excludeDid !== undefined && devices.some((d) => d.did === excludeDid)) return false;
    if (sid !== undefined && !devices.some((d) => d.sid === sid)) return false;
    if (excludeSid !== undefined && devices.some((d) => d.sid === excludeSid)) return false;
    if (saasOnly && !devices.some((d) => (d.hostname ?? d.identifier ?? '').startsWith('SaaS::'))) return false;
    return true;
  };
}

function firstCreated(events: readonly SimAiEvent[]): number {
  let min = Infinity;
  for (const e of events) min = Math.min(min, e.createdAt);
  return min;
}

function list(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
