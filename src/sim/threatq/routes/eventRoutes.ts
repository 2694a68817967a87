/**
 * Events: create one (POST /api/events), read, edit, list by exact title, and bulk consume.
 * There is no server-side de-duplication: two creates make two events, which is exactly how
 * tests see a connector that sent an alert twice.
 */
import type { SimContext } from '../context.ts';
import { eventWire } from '../present.ts';
import type { EventRecord } from '../records.ts';
import { bodyList, bodyObject } from '../request.ts';
import type { SimRequest } from '../request.ts';
import type { Router } from '../router.ts';
import { notFound, validationError } from '../simError.ts';
import { pageOf, shapeOf } from './listing.ts';
import { addError, applyContext, contextSpec, eventTypeId, happenedAt, text } from './payload.ts';
import type { ContextSpec, Errors } from './payload.ts';

const REVIEW = 4;

interface EventPlan {
  title: string;
  typeId: number;
  happenedAt: number;
  description: string | null | undefined;
  context: ContextSpec;
}

function planEvent(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors): EventPlan | undefined {
  const before = Object.keys(errors).length;
  const title = text(item.title);
  if (title === undefined || title.trim() === '') addError(errors, `${path}title`, 'The title field is required.');
  const typeId = eventTypeId(ctx, item, path, errors, true);
  const at = happenedAt(item, path, errors, true);
  const description = item.description === null ? null : text(item.description);
  const context = contextSpec(ctx, item, path, errors);
  if (Object.keys(errors).length !== before || title === undefined || typeId === undefined || at === undefined) return undefined;
  return { title, typeId, happenedAt: at, description, context };
}

function createPlanned(ctx: SimContext, plan: EventPlan): EventRecord {
  const e = ctx.store.createEvent({ title: plan.title, typeId: plan.typeId, happenedAt: plan.happenedAt, description: plan.description ?? null });
  applyContext(ctx, 'event', e.id, plan.context, REVIEW);
  return e;
}

export function registerEventRoutes(router: Router, ctx: SimContext): void {
  const { store } = ctx;

  router.add('POST', '/api/events', (req) => {
    const errors: Errors = {};
    const plan = planEvent(ctx, bodyObject(req), '', errors);
    if (!plan) throw validationError(errors);
    const e = createPlanned(ctx, plan);
    return { status: 201, body: { data: eventWire(store, e, shapeOf(req)) } };
  });

  router.add('POST', '/api/events/consume', (req) => {
    const items = bodyList(req);
    const errors: Errors = {};
    const plans = items.map((item, i) => planEvent(ctx, item, `${i}.`, errors));
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const created = plans.map((p) => createPlanned(ctx, p as EventPlan));
    const shape = { with: new Set(['attributes', 'sources']) };
    return { status: 200, body: { data: created.map((e) => eventWire(store, e, shape)), total: created.length } };
  });

  router.add('GET', '/api/events', (req: SimRequest) => {
    const title = req.query.get('title');
    const typeId = req.query.get('type_id');
    let list: readonly EventRecord[] = title !== null ? store.eventsWithTitle(title) : store.events;
    if (typeId !== null) list = list.filter((e) => String(e.typeId) === typeId);
    const shape = shapeOf(req);
    return { body: pageOf(ctx, req, list, (e) => eventWire(store, e, shape)) };
  });

  router.add('GET', '/api/events/:id#', (req) => {
    const e = store.event(Number(req.params.id));
    if (!e) throw notFound(`Event ${req.params.id}`);
    return { body: { data: eventWire(store, e, shapeOf(req)) } };
  });

  router.add('PUT', '/api/events/:id#', (req) => {
    const id = Number(req.params.id);
    store.requireEvent(id);
    const body = bodyObject(req);
    const errors: Errors = {};
    const title = body.title === undefined ? undefined : text(body.title);
    if (body.title !== undefined && (title === undefined || title.trim() === '')) addError(errors, 'title', 'The title may not be empty.');
    const typeId = eventTypeId(ctx, body, '', errors, false);
    const at = happenedAt(body, '', errors, false);
    const context = contextSpec(ctx, body, '', errors);
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const description = body.description === null ? null : text(body.description);
    const e = store.updateEvent(id, { title, typeId, happenedAt: at, description });
    applyContext(ctx, 'event', id, context, REVIEW);
    return { body: { data: eventWire(store, e, shapeOf(req)) } };
  });
}
