/** The Asset object under its collection name(s): create, consume (de-duplicated by value), read, edit, list. */
import type { SimContext } from '../context.ts';
import { assetWire } from '../present.ts';
import { bodyList, bodyObject, isObject } from '../request.ts';
import type { SimRequest } from '../request.ts';
import type { Reply, Router } from '../router.ts';
import { notFound, validationError } from '../simError.ts';
import { pageOf, shapeOf } from './listing.ts';
import { addError, applyContext, contextSpec, text } from './payload.ts';
import type { ContextSpec, Errors } from './payload.ts';

const REVIEW = 4;

interface AssetPlan {
  value: string;
  description: string | undefined;
  context: ContextSpec;
}

function planAssets(ctx: SimContext, items: Record<string, unknown>[], indexed: boolean): AssetPlan[] {
  const errors: Errors = {};
  const plans = items.map((item, i) => {
    const path = indexed ? `${i}.` : '';
    // Custom objects are created with `value`; some clients say `name`.
    const value = text(item.value) ?? text(item.name);
    if (value === undefined || value.trim() === '') addError(errors, `${path}value`, 'The value field is required.');
    return { value: value ?? '', description: text(item.description), context: contextSpec(ctx, item, path, errors) };
  });
  if (Object.keys(errors).length > 0) throw validationError(errors);
  return plans;
}

function upsert(ctx: SimContext, req: SimRequest, status: number, single: boolean): Reply {
  const items = bodyList(req);
  const plans = planAssets(ctx, items, Array.isArray(req.json));
  const shape = { with: new Set(['attributes', 'sources']) };
  const data = plans.map((p) => {
    const { rec, existing } = ctx.store.upsertAsset({ value: p.value, description: p.description });
    applyContext(ctx, 'asset', rec.id, p.context, REVIEW);
    return { ...assetWire(ctx.store, rec, shape), existing };
  });
  return { status, body: single && !Array.isArray(req.json) ? { data: data[0] } : { data, total: data.length } };
}

export function registerAssetRoutes(router: Router, ctx: SimContext): void {
  const { store } = ctx;
  for (const seg of ctx.assetSegments) {
    router.add('POST', `/api/${seg}`, (req) => upsert(ctx, req, 201, true));
    router.add('POST', `/api/${seg}/consume`, (req) => upsert(ctx, req, 200, false));
    router.add('GET', `/api/${seg}`, (req) => {
      const value = req.query.get('value');
      const hit = value === null ? undefined : store.assetByValue(value);
      const list = value === null ? store.assets : hit ? [hit] : [];
      const shape = shapeOf(req);
      return { body: pageOf(ctx, req, list, (a) => assetWire(store, a, shape)) };
    });
    router.add('GET', `/api/${seg}/:id#`, (req) => {
      const a = store.asset(Number(req.params.id));
      if (!a) throw notFound(`Asset ${req.params.id}`);
      return { body: { data: assetWire(store, a, shapeOf(req)) } };
    });
    router.add('PUT', `/api/${seg}/:id#`, (req) => {
      const body = bodyObject(req);
      const value = body.value === undefined ? undefined : text(body.value);
      const a = store.updateAsset(Number(req.params.id), {
        value,
        description: body.description === undefined ? undefined : isObject(body.description) ? undefined : (text(body.description) ?? null),
      });
      return { body: { data: assetWire(store, a, shapeOf(req)) } };
    });
  }
}
