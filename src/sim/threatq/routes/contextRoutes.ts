/**
 * Sub-resources of any modelled object (`/api/{collection}/{id}/…`): attributes, sources, tags,
 * and relations to other objects, which are stored both ways and answered with their `pivot`.
 */
import type { SimContext } from '../context.ts';
import { kindOfSegment } from '../context.ts';
import { attributeWire, objectWire, pivotWire, sourceWire } from '../present.ts';
import type { ObjectKind } from '../records.ts';
import { bodyObject, isObject, positiveId } from '../request.ts';
import type { SimRequest } from '../request.ts';
import type { Router } from '../router.ts';
import { SimError, notFound, validationError } from '../simError.ts';
import { pageOf, shapeOf } from './listing.ts';
import { addError, attributes, sources, text } from './payload.ts';
import type { Errors } from './payload.ts';

function target(ctx: SimContext, req: SimRequest): { kind: ObjectKind; id: number } {
  const kind = kindOfSegment(ctx, req.params.collection ?? '');
  if (!kind) throw notFound(`Collection '${req.params.collection}'`);
  const id = Number(req.params.id);
  ctx.store.requireObject(kind, id);
  return { kind, id };
}

/** `{id}`, `[{id}, …]` or `[id, …]` → ids. */
function idList(body: unknown): number[] | undefined {
  const list = Array.isArray(body) ? body : [body];
  const ids = list.map((x) => positiveId(String(isObject(x) ? x.id : x)));
  return ids.every((x) => x !== undefined) ? (ids as number[]) : undefined;
}

export function registerContextRoutes(router: Router, ctx: SimContext): void {
  const { store } = ctx;
  const base = '/api/:collection/:id#';

  // ---- attributes ----
  router.add('POST', `${base}/attributes`, (req) => {
    const { kind, id } = target(ctx, req);
    const errors: Errors = {};
    const specs = attributes(req.json, '', errors);
    if (req.json === undefined) addError(errors, 'name', 'The name field is required.');
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const data = specs.map((a) => attributeWire(store, kind, id, store.addAttribute(kind, id, a)));
    store.touch(kind, id);
    return { status: 201, body: { total: data.length, data } };
  });
  router.add('GET', `${base}/attributes`, (req) => {
    const { kind, id } = target(ctx, req);
    const withAttribute = shapeOf(req).with?.has('attribute') ?? false;
    return { body: pageOf(ctx, req, store.attributes(kind, id), (a) => attributeWire(store, kind, id, a, withAttribute), 1000) };
  });
  router.add('PUT', `${base}/attributes/:attr#`, (req) => {
    const { kind, id } = target(ctx, req);
    const body = bodyObject(req);
    const value = body.value === undefined ? undefined : text(body.value);
    const name = body.name === undefined ? undefined : text(body.name);
    if (body.value !== undefined && value === undefined) throw validationError({ value: ['The value must be text.'] });
    const rec = store.updateAttribute(kind, id, Number(req.params.attr), { name, value });
    store.touch(kind, id);
    return { body: { data: attributeWire(store, kind, id, rec) } };
  });
  router.add('DELETE', `${base}/attributes/:attr#`, (req) => {
    const { kind, id } = target(ctx, req);
    if (!store.deleteAttribute(kind, id, Number(req.params.attr))) throw notFound(`Attribute ${req.params.attr}`);
    store.touch(kind, id);
    return { status: 204 };
  });

  // ---- sources ----
  router.add('POST', `${base}/sources`, (req) => {
    const { kind, id } = target(ctx, req);
    const errors: Errors = {};
    const specs = sources(req.json ?? {}, '', errors);
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const data = specs.map((s) => sourceWire(store, store.linkSource(kind, id, s).link));
    store.touch(kind, id);
    return { status: 201, body: { total: data.length, data } };
  });
  router.add('GET', `${base}/sources`, (req) => {
    const { kind, id } = target(ctx, req);
    return { body: pageOf(ctx, req, store.sourceLinks(kind, id), (l) => sourceWire(store, l), 1000) };
  });
  router.add('DELETE', `${base}/sources/:source#`, (req) => {
    const { kind, id } = target(ctx, req);
    if (!store.unlinkSource(kind, id, Number(req.params.source))) throw notFound(`Source ${req.params.source}`);
    return { status: 204 };
  });

  // ---- tags (indicators: collection membership) ----
  router.add('POST', `${base}/tags`, (req) => {
    const { kind, id } = target(ctx, req);
    if (kind !== 'indicator') throw notFound('Tags on this object');
    const list = Array.isArray(req.json) ? req.json : [req.json];
    const names = list.map((t) => (isObject(t) ? text(t.name) : text(t)));
    if (names.some((n) => n === undefined || n.trim() === '')) throw validationError({ name: ['The name field is required.'] });
    const data = (names as string[]).map((n) => {
      const t = store.tagIndicator(id, n);
      return { id: t.id, name: t.name };
    });
    return { status: 201, body: { total: data.length, data } };
  });
  router.add('GET', `${base}/tags`, (req) => {
    const { kind, id } = target(ctx, req);
    const tagIds = kind === 'indicator' ? store.indicatorTagIds(id) : [];
    return { body: pageOf(ctx, req, tagIds, (tid) => ({ id: tid, name: store.tags[tid - 1]?.name }), 1000) };
  });
  router.add('DELETE', `${base}/tags/:tag#`, (req) => {
    const { kind, id } = target(ctx, req);
    if (kind !== 'indicator' || !store.untagIndicator(id, Number(req.params.tag))) throw notFound(`Tag ${req.params.tag}`);
    return { status: 204 };
  });

  // ---- relations ----
  const relatedKind = (req: SimRequest): ObjectKind => {
    const k = kindOfSegment(ctx, req.params.related ?? '');
    if (!k) throw notFound(`Collection '${req.params.related}'`);
    return k;
  };

  router.add('POST', `${base}/:related`, (req) => {
    const { kind, id } = target(ctx, req);
    const other = relatedKind(req);
    const ids = idList(req.json);
    if (!ids || ids.length === 0) throw validationError({ id: ['The id field is required (send {"id": n} or [{"id": n}]).'] });
    const missing = ids.filter((x) => !store.exists(other, x));
    if (missing.length > 0) throw validationError({ id: [`The selected id ${missing.join(', ')} is invalid.`] });
    const data = ids.map((oid) => {
      const { pivot, added } = store.relate(kind, id, other, oid);
      if (added) {
        store.touch(kind, id);
        store.touch(other, oid);
      }
      return { ...objectWire(store, other, oid), pivot: pivotWire(pivot) };
    });
    return { status: 201, body: { total: data.length, data } };
  });
  router.add('GET', `${base}/:related`, (req) => {
    const { kind, id } = target(ctx, req);
    const other = relatedKind(req);
    const shape = shapeOf(req);
    const links = store.related(kind, id, other);
    return {
      body: pageOf(ctx, req, links, (r) => ({ ...objectWire(store, other, r.id, shape), pivot: pivotWire(store.pivot(kind, id, other, r.id) ?? { id: r.pivotId, createdAt: 0 }) }), 1000),
    };
  });
  const unlink = (req: SimRequest, refs: number[]) => {
    const { kind, id } = target(ctx, req);
    const other = relatedKind(req);
    const links = store.related(kind, id, other);
    let removed = 0;
    for (const ref of refs) {
      // A number names the link (pivot id, as XSOAR sends) or else the related object.
      const hit = links.find((l) => l.pivotId === ref) ?? links.find((l) => l.id === ref);
      if (hit && store.unrelate(kind, id, other, hit.id)) removed++;
    }
    if (removed === 0) throw notFound('Relation');
    return { status: 204 };
  };
  router.add('DELETE', `${base}/:related`, (req) => {
    const ids = idList(req.json);
    if (!ids || ids.length === 0) throw new SimError(400, { errors: ['Send the ids to unlink as a JSON list.'] });
    return unlink(req, ids);
  });
  router.add('DELETE', `${base}/:related/:other#`, (req) => unlink(req, [Number(req.params.other)]));
}
