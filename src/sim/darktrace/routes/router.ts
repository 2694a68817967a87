/**
 * Which route answers a method and path. Anything else gets what an appliance gives an unknown
 * endpoint: 302 to the login page.
 */
import { listEventComments, listGroups, listIncidentEvents, postEventComment, writeEvents } from './aianalyst.ts';
import type { RouteContext } from './context.ts';
import { listDevices } from './devices.ts';
import { getIntelFeed, postIntelFeed } from './intelfeed.ts';
import { getBreach, listBreaches, listComments, listMbComments, postComment, setAcknowledged } from './modelbreaches.ts';
import { getStatus, getSummaryStatistics } from './status.ts';

export type RouteHandler = (ctx: RouteContext, ...captures: string[]) => void | Promise<void>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: RouteHandler;
}

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/modelbreaches$/, handler: listBreaches },
  { method: 'GET', pattern: /^\/modelbreaches\/([^/]+)$/, handler: getBreach },
  { method: 'POST', pattern: /^\/modelbreaches\/([^/]+)\/acknowledge$/, handler: (ctx, pbid) => setAcknowledged(ctx, pbid as string, true) },
  { method: 'POST', pattern: /^\/modelbreaches\/([^/]+)\/unacknowledge$/, handler: (ctx, pbid) => setAcknowledged(ctx, pbid as string, false) },
  { method: 'GET', pattern: /^\/modelbreaches\/([^/]+)\/comments$/, handler: listComments },
  { method: 'POST', pattern: /^\/modelbreaches\/([^/]+)\/comments$/, handler: postComment },
  { method: 'GET', pattern: /^\/mbcomments$/, handler: listMbComments },
  { method: 'GET', pattern: /^\/aianalyst\/incidentevents$/, handler: listIncidentEvents },
  // Legacy (≤ 5.1) endpoint; old clients get the same events.
  { method: 'GET', pattern: /^\/aianalyst\/incidents$/, handler: listIncidentEvents },
  { method: 'GET', pattern: /^\/aianalyst\/groups$/, handler: listGroups },
  { method: 'POST', pattern: /^\/aianalyst\/acknowledge$/, handler: (ctx) => writeEvents(ctx, 'acknowledge') },
  { method: 'POST', pattern: /^\/aianalyst\/unacknowledge$/, handler: (ctx) => writeEvents(ctx, 'unacknowledge') },
  { method: 'POST', pattern: /^\/aianalyst\/pin$/, handler: (ctx) => writeEvents(ctx, 'pin') },
  { method: 'POST', pattern: /^\/aianalyst\/unpin$/, handler: (ctx) => writeEvents(ctx, 'unpin') },
  { method: 'GET', pattern: /^\/aianalyst\/incident\/comments$/, handler: listEventComments },
  { method: 'POST', pattern: /^\/aianalyst\/incident\/comments$/, handler: postEventComment },
  { method: 'GET', pattern: /^\/devices$/, handler: listDevices },
  { method: 'GET', pattern: /^\/intelfeed$/, handler: getIntelFeed },
  { method: 'POST', pattern: /^\/intelfeed$/, handler: postIntelFeed },
  { method: 'GET', pattern: /^\/status$/, handler: getStatus },
  { method: 'GET', pattern: /^\/summarystatistics$/, handler: getSummaryStatistics },
];

export interface RouteMatch {
  handler: RouteHandler;
  captures: string[];
}

export function findRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { handler: route.handler, captures: m.slice(1).map((c) => c ?? '') };
  }
  return undefined;
}
