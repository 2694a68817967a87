import type { SimContext } from '../context.ts';
import type { Shape } from '../present.ts';
import { intParam, listParam } from '../request.ts';
import type { SimRequest } from '../request.ts';

/** `with=` and `fields=` (URL) plus an optional `fields` list from a query body. */
export function shapeOf(req: SimRequest, bodyFields?: unknown, nested = false): Shape {
  let fields: string[] | undefined = listParam(req, 'fields');
  if (Array.isArray(bodyFields)) fields = [...fields, ...bodyFields.filter((f): f is string => typeof f === 'string')];
  else if (typeof bodyFields === 'string') fields = [...fields, ...bodyFields.split(',').map((s) => s.trim())];
  if (fields.length === 0) fields = undefined;
  return { with: new Set(listParam(req, 'with')), fields, nested };
}

/** `{data, total, limit, offset}` over an in-memory list with `limit`/`offset` from the URL. */
export function pageOf<T>(ctx: SimContext, req: SimRequest, items: readonly T[], render: (item: T) => unknown, defaultLimit = ctx.defaultLimit) {
  const limit = intParam(req, 'limit', defaultLimit);
  const offset = intParam(req, 'offset', 0);
  return { data: items.slice(offset, offset + limit).map(render), total: items.length, limit, offset };
}
