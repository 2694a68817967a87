/**
 * Indicators: create (array in, array out, `existing` flag), consume (upsert by type+value with
 * inline relations), read, edit, list by value, and the Threat Library query endpoints: by
 * criteria with limit/offset, and by saved-search hash with a stable cursor.
 */
import type { SimContext } from '../context.ts';
import { QueryIndicatorWriter, isPlainQueryShape } from '../indicatorJson.ts';
import { indicatorWire } from '../present.ts';
import type { Shape } from '../present.ts';
import { parseSort } from '../queryEngine.ts';
import { bodyList, bodyObject, intParam, isObject } from '../request.ts';
import type { SimRequest } from '../request.ts';
import type { Reply, Router } from '../router.ts';
import { notFound, validationError } from '../simError.ts';
import { pageOf, shapeOf } from './listing.ts';
import { addError, applyContext, contextSpec, indicatorStatusId, indicatorTypeId, sources, text } from './payload.ts';
import type { ContextSpec, Errors } from './payload.ts';

const REVIEW = 4;

interface IndicatorPlan {
  value: string;
  typeId: number;
  statusId: number;
  description?: string;
  score?: number;
  tags: string[];
  context: ContextSpec;
}

function tagNames(raw: unknown, path: string, errors: Errors): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  list.forEach((t, i) => {
    const name = isObject(t) ? text(t.name) : text(t);
    if (name === undefined || name.trim() === '') addError(errors, `${path}tags.${i}`, 'A tag needs a name.');
    else out.push(name);
  });
  return out;
}

function planIndicator(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors): IndicatorPlan | undefined {
  const before = Object.keys(errors).length;
  const value = text(item.value);
  if (value === undefined || value.trim() === '') addError(errors, `${path}value`, 'The value field is required.');
  const typeId = indicatorTypeId(ctx, item, path, errors);
  const statusId = indicatorStatusId(ctx, item, path, errors, REVIEW);
  const description = text(item.description);
  let score: number | undefined;
  if (item.score !== undefined && item.score !== null) {
    score = Number(item.score);
    if (!Number.isFinite(score) || score < 0 || score > 10) addError(errors, `${path}score`, 'The score must be between 0 and 10.');
  }
  const tags = tagNames(item.tags, path, errors);
  const context = contextSpec(ctx, item, path, errors);
  if (Object.keys(errors).length !== before || value === undefined || typeId === undefined || statusId === undefined) return undefined;
  return { value, typeId, statusId, description, score, tags, context };
}

function planAll(ctx: SimContext, items: Record<string, unknown>[], indexed: boolean): IndicatorPlan[] {
  const errors: Errors = {};
  const plans = items.map((item, i) => planIndicator(ctx, item, indexed ? `${i}.` : '', errors));
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return plans as IndicatorPlan[];
}

/** Existing indicators keep their status; new ones get what the item says. */
function applyPlan(ctx: SimContext, plan: IndicatorPlan): { id: number; existing: boolean } {
  const { store } = ctx;
  const result = store.upsertIndicator({ value: plan.value, type: plan.typeId, status: plan.statusId, description: plan.description, score: plan.score });
  applyContext(ctx, 'indicator', result.id, plan.context, plan.statusId);
  for (const t of plan.tags) store.tagIndicator(result.id, t);
  return result;
}

const CREATED_SHAPE: Shape = { with: new Set(['attributes', 'sources']), nested: true };

function upsertReply(ctx: SimContext, req: SimRequest, status: number): Reply {
  const items = bodyList(req);
  const plans = planAll(ctx, items, Array.isArray(req.json));
  const data = plans.map((p) => {
    const r = applyPlan(ctx, p);
    return { ...indicatorWire(ctx.store, r.id, CREATED_SHAPE), existing: r.existing };
  });
  return { status, body: { data, total: data.length } };
}

/**
 * `{…"data":[…]…}` of indicators as a query answer shows them; `head`/`tail` are the envelope's
 * other fields as JSON text. The plain shape (what exports ask for) is written as bytes directly.
 */
function pageReply(ctx: SimContext, head: string, ids: Int32Array, shape: Shape, tail: string): Reply {
  if (isPlainQueryShape(shape)) return { json: new QueryIndicatorWriter(ctx.store).page(head, ids, tail) };
  const data: unknown[] = [];
  for (const id of ids) data.push(indicatorWire(ctx.store, id, shape));
  return { json: `${head}${JSON.stringify(data)}${tail}` };
}

/** `{total, data, limit, offset}` of a query's ids. */
function offsetPage(ctx: SimContext, ids: Int32Array, shape: Shape, limit: number, offset: number): Reply {
  return pageReply(ctx, `{"total":${ids.length},"data":`, ids.subarray(offset, offset + limit), shape, `,"limit":${JSON.stringify(limit)},"offset":${JSON.stringify(offset)}}`);
}

export function registerIndicatorRoutes(router: Router, ctx: SimContext): void {
  const { store, engine } = ctx;

  router.add('POST', '/api/indicators', (req) => upsertReply(ctx, req, 201));
  router.add('POST', '/api/indicators/consume', (req) => upsertReply(ctx, req, 200));
  router.add('POST', '/api/indicators/consume/new', (req) => upsertReply(ctx, req, 200));

  router.add('GET', '/api/indicators', (req) => {
    const value = req.query.get('value');
    const typeId = req.query.get('type_id');
    const statusId = req.query.get('status_id');
    const id = req.query.get('id');
    const t = store.indicators;
    let ids: number[];
    if (value !== null) ids = t.idsWithValue(value).sort((a, b) => a - b);
    else if (id !== null) ids = /^\d+$/.test(id) && t.has(Number(id)) ? [Number(id)] : [];
    else if (typeId === null && statusId === null) {
      // The whole table: page by id range without materialising a million ids.
      const limit = intParam(req, 'limit', ctx.defaultLimit);
      const offset = intParam(req, 'offset', 0);
      const shape = shapeOf(req);
      const data: unknown[] = [];
      for (let i = offset + 1; i <= Math.min(t.count, offset + limit); i++) data.push(indicatorWire(store, i, shape));
      return { body: { data, total: t.count, limit, offset } };
    } else ids = Array.from({ length: t.count }, (_, i) => i + 1);
    ids = ids.filter((i) => (typeId === null || String(t.typeId(i)) === typeId) && (statusId === null || String(t.statusId(i)) === statusId));
    const shape = shapeOf(req);
    return { body: pageOf(ctx, req, ids, (i) => indicatorWire(store, i, shape)) };
  });

  router.add('GET', '/api/indicators/:id#', (req) => {
    const id = Number(req.params.id);
    if (!store.indicators.has(id)) throw notFound(`Indicator ${id}`);
    return { body: { data: indicatorWire(store, id, shapeOf(req)) } };
  });

  router.add('PUT', '/api/indicators/:id#', (req) => {
    const id = Number(req.params.id);
    store.requireIndicator(id);
    const body = bodyObject(req);
    const errors: Errors = {};
    const typeId = body.type_id !== undefined || body.type !== undefined ? indicatorTypeId(ctx, body, '', errors) : undefined;
    const statusId = indicatorStatusId(ctx, body, '', errors, undefined);
    const value = body.value === undefined ? undefined : text(body.value);
    if (body.value !== undefined && (value === undefined || value.trim() === '')) addError(errors, 'value', 'The value may not be empty.');
    const src = sources(body.sources, '', errors);
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const score = body.score === undefined || body.score === null ? undefined : Number(body.score);
    store.updateIndicator(id, { typeId, statusId, value, description: body.description === undefined ? undefined : (text(body.description) ?? null), score });
    for (const s of src) store.linkSource('indicator', id, s);
    return { body: { data: indicatorWire(store, id, { ...shapeOf(req), nested: true }) } };
  });

  router.add('POST', '/api/indicators/query', (req) => {
    const body = req.json === undefined ? {} : bodyObject(req);
    const sort = parseSort(req.query.get('sort'));
    const limit = intParam(req, 'limit', ctx.defaultLimit);
    const offset = intParam(req, 'offset', 0);
    const ids = engine.run({ criteria: body.criteria, filters: body.filters }, sort);
    const shape = shapeOf(req, body.fields, true);
    return offsetPage(ctx, ids, shape, limit, offset);
  });

  router.add('GET', '/api/indicators/query/hash/:hash', (req) => {
    const search = store.savedSearchByHash(req.params.hash ?? '');
    if (!search) throw notFound(`Saved search ${req.params.hash}`);
    const sort = parseSort(req.query.get('sort'));
    const limit = intParam(req, 'limit', ctx.defaultLimit);
    const ids = engine.run(search.apiQuery, sort);
    const shape = shapeOf(req, undefined, true);
    const cursorMark = req.query.get('cursorMark');
    if (cursorMark === null) return offsetPage(ctx, ids, shape, limit, intParam(req, 'offset', 0));
    const { page, next } = engine.pageByCursor(ids, sort, cursorMark, limit);
    // The last page of a cursor walk comes back as an empty object, as ThreatQ's export does.
    if (page.length === 0) return { body: { total: ids.length, data: {}, nextCursorMark: next, limit } };
    return pageReply(ctx, `{"total":${ids.length},"data":`, page, shape, `,"nextCursorMark":${JSON.stringify(next)},"limit":${JSON.stringify(limit)}}`);
  });
}
