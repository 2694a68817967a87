/**
 * `/modelbreaches` (array; an object with `pbid`), `/modelbreaches/{pbid}`, acknowledge /
 * unacknowledge, comments and `/mbcomments`. Unknown parameters are ignored, as on an appliance.
 */
import { sendJson, sendJsonArray } from '../http/respond.ts';
import { breachJson, breachJsonText } from '../present/breach.ts';
import type { BreachView } from '../present/breach.ts';
import type { SimBreach } from '../types.ts';
import { inputError, notFound } from './context.ts';
import type { RouteContext } from './context.ts';
import { DAY_MS, readWindow } from './window.ts';

const YEAR_MS = 365 * DAY_MS;

export async function listBreaches(ctx: RouteContext): Promise<void> {
  const { params, store } = ctx;
  const view = breachView(ctx);
  const pbid = params.number('pbid');
  if (pbid !== undefined) {
    const b = findBreach(ctx, pbid);
    sendJson(ctx.responder, 200, breachJson(b, store.devices.get(b.did), view));
    return;
  }
  const window = readWindow(params, ctx.now, YEAR_MS);
  const byCreation = params.bool('creationtime') === true;
  const minScore = params.number('minscore');
  const withAcknowledged = params.bool('includeacknowledged') === true;
  const pid = params.number('pid');
  const modelUuid = params.string('uuid');
  const did = params.number('did');
  const count = params.number('count');

  // A creation-time window is found through the creation index, then answered time-sorted like any other.
  const sorted = byCreation ? createdWithin(store.breachesByCreation(), window.start, window.end) : store.breachesByTime();
  const from = byCreation ? 0 : lowerBound(sorted, window.start, (b) => b.time);
  function* matching(): Generator<SimBreach> {
    let n = 0;
    for (let i = from; i < sorted.length; i++) {
      const b = sorted[i] as SimBreach;
      if (!byCreation && b.time > window.end) return;
      if (byCreation && (b.creationTime < window.start || b.creationTime > window.end)) continue;
      if (minScore !== undefined && b.score < minScore) continue;
      if (!withAcknowledged && b.acknowledged !== null) continue;
      if (pid !== undefined && b.model.then.pid !== pid) continue;
      if (modelUuid !== undefined && b.model.then.uuid !== modelUuid) continue;
      if (did !== undefined && b.did !== did) continue;
      if (count !== undefined && n >= count) return;
      n++;
      yield b;
    }
  }
  await sendJsonArray(ctx.responder, matching(), (b) => breachJsonText(b, store.devices.get(b.did), view));
}

export function getBreach(ctx: RouteContext, pbidText: string): void {
  const b = findBreach(ctx, parsePbid(ctx, pbidText));
  sendJson(ctx.responder, 200, breachJson(b, ctx.store.devices.get(b.did), breachView(ctx)));
}

/** `POST /modelbreaches/{pbid}/acknowledge|unacknowledge`, JSON or form (`acknowledge=true`). */
export function setAcknowledged(ctx: RouteContext, pbidText: string, acknowledge: boolean): void {
  const b = findBreach(ctx, parsePbid(ctx, pbidText));
  const flag = ctx.params.bool(acknowledge ? 'acknowledge' : 'unacknowledge');
  if (flag === false) throw inputError(ctx);
  if (acknowledge) ctx.store.acknowledgeBreach(b.pbid, 'api.user');
  else ctx.store.unacknowledgeBreach(b.pbid);
  sendJson(ctx.responder, 200, { response: 'SUCCESS' });
}

export function listComments(ctx: RouteContext, pbidText: string): void {
  const b = findBreach(ctx, parsePbid(ctx, pbidText));
  sendJson(ctx.responder, 200, commentsJson(b));
}

/** Newer appliances answer the comment POST with the stored comment in an array. */
export function postComment(ctx: RouteContext, pbidText: string): void {
  const b = findBreach(ctx, parsePbid(ctx, pbidText));
  const message = ctx.params.string('message');
  if (message === undefined || message === '') throw inputError(ctx);
  const c = ctx.store.addBreachComment(b.pbid, message, 'api.user');
  sendJson(ctx.responder, 200, [{ message, username: 'api.user', time: c.time, pid: b.model.then.pid, commentid: c.commentid }]);
}

/** `GET /mbcomments?pbid=&starttime=&endtime=&count=` (count defaults to 100), newest first. */
export function listMbComments(ctx: RouteContext): void {
  const { params, store } = ctx;
  const pbid = params.number('pbid');
  const start = params.number('starttime') ?? -Infinity;
  const end = params.number('endtime') ?? Infinity;
  const count = params.number('count') ?? 100;
  const breaches = pbid === undefined ? [...store.breaches.values()] : [findBreach(ctx, pbid)];
  const all = breaches.flatMap(commentsJson).filter((c) => c.time >= start && c.time <= end);
  all.sort((a, b) => b.time - a.time);
  sendJson(ctx.responder, 200, all.slice(0, count));
}

function commentsJson(b: SimBreach): { time: number; pbid: number; username: string; message: string; pid: number; name: string }[] {
  return b.comments
    .map((c) => ({ time: c.time, pbid: b.pbid, username: c.username, message: c.message, pid: b.model.then.pid, name: b.model.then.name }))
    .sort((x, y) => y.time - x.time);
}

function breachView(ctx: RouteContext): BreachView {
  const p = ctx.params;
  return {
    // The 6.1 docs contradict themselves on the default; their notes say true.
    deviceAtTop: p.bool('deviceattop') ?? true,
    historicModelOnly: p.bool('historicmodelonly') === true,
    acknowledgedStyle: ctx.acknowledgedStyle,
    breachUrlBase: p.bool('includebreachurl') === true ? ctx.urlBase : undefined,
  };
}

function parsePbid(ctx: RouteContext, text: string): number {
  if (!/^\d+$/.test(text)) throw inputError(ctx);
  return Number(text);
}

function findBreach(ctx: RouteContext, pbid: number): SimBreach {
  const b = ctx.store.breaches.get(pbid);
  if (!b) throw notFound(`Model breach ${pbid}`);
  return b;
}

function lowerBound(sorted: readonly SimBreach[], value: number, key: (b: SimBreach) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid] as SimBreach) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Breaches created in [start, end] (both ends, as the appliance filters), sorted by time then pbid. */
function createdWithin(byCreation: readonly SimBreach[], start: number, end: number): SimBreach[] {
  const out: SimBreach[] = [];
  for (let i = lowerBound(byCreation, start, (b) => b.creationTime); i < byCreation.length; i++) {
    const b = byCreation[i] as SimBreach;
    if (b.creationTime > end) break;
    out.push(b);
  }
  return out.sort((a, b) => a.time - b.time || a.pbid - b.pbid);
}
