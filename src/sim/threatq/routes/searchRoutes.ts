/** Threat Library saved searches ("collections"): list (json as a string), read by hash, create. */
import type { SimContext } from '../context.ts';
import { savedSearchWire } from '../present.ts';
import { bodyObject, listParam } from '../request.ts';
import type { Router } from '../router.ts';
import { notFound } from '../simError.ts';
import { pageOf } from './listing.ts';

function project(item: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  if (fields.length === 0 || fields.includes('*')) return item;
  return Object.fromEntries(Object.entries(item).filter(([k]) => k === 'id' || fields.includes(k)));
}

export function registerSearchRoutes(router: Router, ctx: SimContext): void {
  const { store } = ctx;
  router.add('GET', '/api/search/query', (req) => {
    const name = req.query.get('name');
    const fields = listParam(req, 'fields');
    const list = store.savedSearches.filter((s) => name === null || s.name === name);
    return { body: pageOf(ctx, req, list, (s) => project(savedSearchWire(s), fields), Number.MAX_SAFE_INTEGER) };
  });
  router.add('GET', '/api/search/query/:hash', (req) => {
    const s = store.savedSearchByHash(req.params.hash ?? '');
    if (!s) throw notFound(`Saved search ${req.params.hash}`);
    return { body: { data: project(savedSearchWire(s), listParam(req, 'fields')) } };
  });
  router.add('POST', '/api/search/query', (req) => {
    const body = bodyObject(req);
    const s = store.createSavedSearch(typeof body.name === 'string' ? body.name : '', body.json);
    return { status: 201, body: { data: savedSearchWire(s) } };
  });
}
