/**
 * Reading create/consume payloads in every form clients were seen to send (type as id, name or
 * `{name}`; sources with `tlp_id` or `tlp.name`; relations inline as `[{id}]` or by value).
 * Items are validated first and applied after, so a refused batch changes nothing.
 */
import type { SimContext } from '../context.ts';
import { kindOfSegment } from '../context.ts';
import { parseTqDate } from '../dates.ts';
import type { ObjectKind } from '../records.ts';
import { isObject } from '../request.ts';
import type { SourceInput } from '../store.ts';

export type Errors = Record<string, string[]>;

export function addError(errors: Errors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

const TLP_IDS: Record<string, number> = { RED: 1, AMBER: 2, 'AMBER+STRICT': 2, GREEN: 3, WHITE: 4, CLEAR: 4 };

export interface AttributeSpec {
  name: string;
  value: string;
  sources: string[];
}

/** A relation named inline: an existing object by id, or an indicator/asset by value (found or created). */
export type RelationSpec =
  | { kind: ObjectKind; id: number }
  | { kind: 'indicator'; value: string; typeId: number }
  | { kind: 'asset'; value: string };

export interface ContextSpec {
  sources: SourceInput[];
  attributes: AttributeSpec[];
  relations: RelationSpec[];
}

function idOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v) && Number(v) > 0) return Number(v);
  return undefined;
}

export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Indicator type from `type_id`, `type` (name), `type: {name}` or `type: {id}`. */
export function indicatorTypeId(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors): number | undefined {
  const ref = item.type_id ?? item.type;
  if (ref === undefined || ref === null || ref === '') {
    addError(errors, `${path}type`, 'The type field is required.');
    return undefined;
  }
  const byId = idOf(isObject(ref) ? ref.id : ref);
  const name = isObject(ref) ? text(ref.name) : typeof ref === 'string' && byId === undefined ? ref : undefined;
  const t = byId !== undefined ? ctx.store.indicatorType(byId) : name !== undefined ? ctx.store.indicatorType(name) : undefined;
  if (!t) addError(errors, `${path}type`, `The selected type '${isObject(ref) ? JSON.stringify(ref) : String(ref)}' is invalid.`);
  return t?.id;
}

/** Indicator status like the type; `fallback` when none is given. */
export function indicatorStatusId(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors, fallback: number | undefined): number | undefined {
  const ref = item.status_id ?? item.status;
  if (ref === undefined || ref === null || ref === '') return fallback;
  const byId = idOf(isObject(ref) ? ref.id : ref);
  const name = isObject(ref) ? text(ref.name) : typeof ref === 'string' && byId === undefined ? ref : undefined;
  const s = byId !== undefined ? ctx.store.status(byId) : name !== undefined ? ctx.store.status(name) : undefined;
  if (!s) addError(errors, `${path}status`, `The selected status '${isObject(ref) ? JSON.stringify(ref) : String(ref)}' is invalid.`);
  return s?.id;
}

/** Event type from `type_id`, `type` (name) or `type: {name|id}`. */
export function eventTypeId(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors, required: boolean): number | undefined {
  const ref = item.type_id ?? item.type;
  if (ref === undefined || ref === null || ref === '') {
    if (required) addError(errors, `${path}type`, 'The type field is required.');
    return undefined;
  }
  const byId = idOf(isObject(ref) ? ref.id : ref);
  const name = isObject(ref) ? text(ref.name) : typeof ref === 'string' && byId === undefined ? ref : undefined;
  const t = byId !== undefined ? ctx.store.eventType(byId) : name !== undefined ? ctx.store.eventType(name) : undefined;
  if (!t) addError(errors, `${path}type`, `The selected event type '${isObject(ref) ? JSON.stringify(ref) : String(ref)}' is invalid.`);
  return t?.id;
}

/** Strict "YYYY-MM-DD HH:MM:SS"; anything else is a 400. */
export function happenedAt(item: Record<string, unknown>, path: string, errors: Errors, required: boolean): number | undefined {
  const raw = item.happened_at;
  if (raw === undefined || raw === null || raw === '') {
    if (required) addError(errors, `${path}happened_at`, 'The happened at field is required.');
    return undefined;
  }
  const t = parseTqDate(raw);
  if (t === undefined) addError(errors, `${path}happened_at`, `The happened at '${String(raw)}' does not match the format Y-m-d H:i:s.`);
  return t;
}

export function sources(raw: unknown, path: string, errors: Errors): SourceInput[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: SourceInput[] = [];
  list.forEach((s, i) => {
    const p = `${path}sources.${i}`;
    if (typeof s === 'string' && s.trim() !== '') {
      out.push({ name: s });
      return;
    }
    if (!isObject(s) || typeof s.name !== 'string' || s.name.trim() === '') {
      addError(errors, `${p}.name`, 'The source name field is required.');
      return;
    }
    let tlpId: number | null = null;
    if (s.tlp_id !== undefined && s.tlp_id !== null) {
      const id = idOf(s.tlp_id);
      if (id === undefined || id > 4) addError(errors, `${p}.tlp_id`, `The selected tlp_id '${String(s.tlp_id)}' is invalid.`);
      else tlpId = id;
    } else if (isObject(s.tlp) || typeof s.tlp === 'string') {
      const name = (isObject(s.tlp) ? text(s.tlp.name) : s.tlp)?.toUpperCase() ?? '';
      const id = TLP_IDS[name];
      if (id === undefined) addError(errors, `${p}.tlp`, `The TLP '${name}' is invalid.`);
      else tlpId = id;
    }
    let publishedAt: number | undefined;
    if (s.published_at !== undefined && s.published_at !== null) {
      publishedAt = parseTqDate(s.published_at);
      if (publishedAt === undefined) addError(errors, `${p}.published_at`, `The published at '${String(s.published_at)}' does not match the format Y-m-d H:i:s.`);
    }
    out.push({ name: s.name, tlpId, publishedAt });
  });
  return out;
}

export function attributes(raw: unknown, path: string, errors: Errors): AttributeSpec[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: AttributeSpec[] = [];
  list.forEach((a, i) => {
    const p = `${path}attributes.${i}`;
    if (!isObject(a)) {
      addError(errors, p, 'An attribute must be an object with name and value.');
      return;
    }
    const name = text(a.name);
    const value = text(a.value);
    if (name === undefined || name.trim() === '') addError(errors, `${p}.name`, 'The attribute name field is required.');
    if (value === undefined) addError(errors, `${p}.value`, 'The attribute value field is required.');
    const src = sources(a.sources, `${p}.`, errors).map((s) => s.name);
    if (name !== undefined && name.trim() !== '' && value !== undefined) out.push({ name, value, sources: src });
  });
  return out;
}

/** Relation keys named after collections (`events`, `indicators`, `asset`…); others are ignored. */
export function relations(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors): RelationSpec[] {
  const out: RelationSpec[] = [];
  for (const key of ['events', 'indicators', ...ctx.assetSegments]) {
    const raw = item[key];
    if (raw === undefined || raw === null) continue;
    const kind = kindOfSegment(ctx, key) as ObjectKind;
    if (!Array.isArray(raw)) {
      addError(errors, `${path}${key}`, `The ${key} field must be a list.`);
      continue;
    }
    raw.forEach((r, i) => {
      const p = `${path}${key}.${i}`;
      const id = idOf(isObject(r) ? r.id : r);
      if (id !== undefined) {
        if (!ctx.store.exists(kind, id)) addError(errors, `${p}.id`, `The selected ${key} id ${id} does not exist.`);
        else out.push({ kind, id });
        return;
      }
      const value = isObject(r) ? text(r.value) : undefined;
      if (kind === 'indicator' && isObject(r) && value !== undefined && value.trim() !== '') {
        const typeId = indicatorTypeId(ctx, r, `${p}.`, errors);
        if (typeId !== undefined) out.push({ kind: 'indicator', value, typeId });
      } else if (kind === 'asset' && value !== undefined && value.trim() !== '') {
        out.push({ kind: 'asset', value });
      } else {
        addError(errors, p, `Each related ${key} entry needs an id${kind === 'event' ? '' : ' or a value'}.`);
      }
    });
  }
  return out;
}

export function contextSpec(ctx: SimContext, item: Record<string, unknown>, path: string, errors: Errors): ContextSpec {
  return { sources: sources(item.sources, path, errors), attributes: attributes(item.attributes, path, errors), relations: relations(ctx, item, path, errors) };
}

/**
 * Attaches sources, attributes (each name=value pair once) and relations; related indicators
 * named by value are created with `statusForNew` when missing. True when anything was added.
 */
export function applyContext(ctx: SimContext, kind: ObjectKind, id: number, spec: ContextSpec, statusForNew: number): boolean {
  const { store } = ctx;
  let changed = false;
  for (const s of spec.sources) changed = store.linkSource(kind, id, s).added || changed;
  for (const a of spec.attributes) {
    const { added, rec } = store.ensureAttribute(kind, id, a);
    changed = added || changed;
    for (const n of a.sources) if (!rec.sourceIds.includes(store.source(n).id)) rec.sourceIds.push(store.source(n).id);
  }
  for (const r of spec.relations) {
    let otherId: number;
    if ('id' in r) otherId = r.id;
    else if (r.kind === 'indicator') otherId = store.upsertIndicator({ value: r.value, type: r.typeId, status: statusForNew }).id;
    else otherId = store.upsertAsset({ value: r.value }).rec.id;
    if (r.kind === kind && otherId === id) continue;
    const added = store.relate(kind, id, r.kind, otherId).added;
    if (added) {
      changed = true;
      store.touch(r.kind, otherId);
    }
  }
  if (changed) store.touch(kind, id);
  return changed;
}
