/**
 * What every route gets: the parsed request, the store, the resolved options and a responder.
 * Routes answer through the responder or throw a RouteError the dispatcher turns into JSON.
 */
import type { Responder } from '../http/respond.ts';
import type { Params } from '../http/params.ts';
import type { DarktraceStore } from '../store/store.ts';
import type { AcknowledgedStyle } from '../types.ts';

export interface RouteContext {
  method: string;
  /** Path without query, trailing slash removed. */
  path: string;
  segments: string[];
  /** URL query overlaid by the POST body's fields. */
  params: Params;
  bodyKind: 'none' | 'json' | 'form' | 'other';
  store: DarktraceStore;
  responder: Responder;
  now: number;
  acknowledgedStyle: AcknowledgedStyle | undefined;
  /** `https://<fqdn>` for breachUrl / incidentEventUrl. */
  urlBase: string;
  version: string;
}

export class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Darktrace simulator answers ${status}: ${JSON.stringify(body)}`);
  }
}

/** `{"<first path segment>": "INPUT ERROR"}`, the pattern Darktrace's other 400 bodies follow. */
export function inputError(ctx: RouteContext): RouteError {
  return new RouteError(400, { [ctx.segments[0] ?? '']: 'INPUT ERROR' });
}

export function notFound(what: string): RouteError {
  return new RouteError(404, { error: `${what} not found` });
}
