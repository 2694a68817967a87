/** Look-ups: indicator types and statuses, event types (GET/POST), /api/objects, the current user. */
import type { SimContext } from '../context.ts';
import { formatTqDate } from '../dates.ts';
import type { EventTypeRecord, IndicatorTypeRecord, StatusRecord } from '../records.ts';
import { bodyObject } from '../request.ts';
import type { SimRequest } from '../request.ts';
import type { Router } from '../router.ts';
import { SEED_DATE, OTHER_OBJECTS } from '../seededLookups.ts';
import { notFound } from '../simError.ts';
import { pageOf } from './listing.ts';

const typeWire = (t: IndicatorTypeRecord) => ({
  id: t.id,
  name: t.name,
  class: t.class,
  score: null,
  wildcard_matching: 'Y',
  created_at: SEED_DATE,
  updated_at: SEED_DATE,
});

const statusWire = (s: StatusRecord) => ({
  id: s.id,
  name: s.name,
  description: s.description,
  user_editable: 'N',
  visible: 'Y',
  include_in_export: s.name === 'Active' ? 'Y' : 'N',
  protected: 'Y',
  created_at: SEED_DATE,
  updated_at: SEED_DATE,
});

const eventTypeWire = (t: EventTypeRecord) => ({
  id: t.id,
  name: t.name,
  user_editable: t.userEditable,
  created_at: formatTqDate(t.createdAt),
  updated_at: formatTqDate(t.updatedAt),
});

/** `?name=` and `?id=` equality filters, as the SDK's look-ups use them. */
function filtered<T extends { id: number; name: string }>(req: SimRequest, items: readonly T[]): T[] {
  const name = req.query.get('name');
  const id = req.query.get('id');
  return items.filter((x) => (name === null || x.name === name) && (id === null || String(x.id) === id));
}

export function registerLookupRoutes(router: Router, ctx: SimContext): void {
  const { store } = ctx;
  const ALL = Number.MAX_SAFE_INTEGER;

  router.add('GET', '/api/indicator/types', (req) => ({ body: pageOf(ctx, req, filtered(req, store.indicatorTypes), typeWire, ALL) }));
  router.add('GET', '/api/indicator/types/:id#', (req) => {
    const t = store.indicatorType(Number(req.params.id));
    if (!t) throw notFound(`Indicator type ${req.params.id}`);
    return { body: { data: typeWire(t) } };
  });
  router.add('GET', '/api/indicator/statuses', (req) => ({ body: pageOf(ctx, req, filtered(req, store.statuses), statusWire, ALL) }));
  router.add('GET', '/api/indicator/statuses/:id#', (req) => {
    const s = store.status(Number(req.params.id));
    if (!s) throw notFound(`Indicator status ${req.params.id}`);
    return { body: { data: statusWire(s) } };
  });
  router.add('GET', '/api/event/types', (req) => ({ body: pageOf(ctx, req, filtered(req, store.eventTypes), eventTypeWire, ALL) }));
  router.add('GET', '/api/event/types/:id#', (req) => {
    const t = store.eventType(Number(req.params.id));
    if (!t) throw notFound(`Event type ${req.params.id}`);
    return { body: { data: eventTypeWire(t) } };
  });
  router.add('POST', '/api/event/types', (req) => {
    const body = bodyObject(req);
    const rec = store.createEventType(typeof body.name === 'string' ? body.name : '');
    return { status: 201, body: { data: eventTypeWire(rec) } };
  });

  router.add('GET', '/api/objects', (req) => {
    const objects: Record<string, unknown>[] = [
      {
        id: 1,
        name: 'indicator',
        display_name: 'Indicator',
        display_name_plural: 'Indicators',
        collection: 'indicators',
        types: store.indicatorTypes.map((t) => ({ id: t.id, name: t.name })),
        statuses: store.statuses.map((s) => ({ id: s.id, name: s.name, description: s.description })),
      },
      {
        id: 2,
        name: 'event',
        display_name: 'Event',
        display_name_plural: 'Events',
        collection: 'events',
        types: store.eventTypes.map((t) => ({ id: t.id, name: t.name, casing: null })),
      },
    ];
    OTHER_OBJECTS.forEach((o, i) => objects.push({ id: 3 + i, name: o.name, display_name: o.display, display_name_plural: o.plural, collection: o.collection }));
    if (ctx.assetCollection !== null) {
      objects.push({ id: 3 + OTHER_OBJECTS.length, name: 'asset', display_name: 'Asset', display_name_plural: 'Assets', collection: ctx.assetCollection });
    }
    return { body: pageOf(ctx, req, objects, (o) => o, ALL) };
  });

  router.add('GET', '/api/users/current', () => ({ body: { data: { id: 1, source: { id: 1, name: 'Simulated User' } } } }));
}
