/**
 * Records as ThreatQ puts them on the wire: snake_case fields, "YYYY-MM-DD HH:MM:SS" dates,
 * nested `type`/`status` on indicators, `pivot` on linked sources and related objects.
 */
import { formatTqDate } from './dates.ts';
import type { AssetRecord, AttributeRecord, EventRecord, ObjectKind, Pivot, SavedSearchRecord, SourceLink } from './records.ts';
import type { ThreatQStore } from './store.ts';

type Obj = Record<string, unknown>;

/** What to include besides an object's own fields (`with=` relations, `fields=` projection). */
export interface Shape {
  with?: ReadonlySet<string>;
  /** Explicit `fields` list; undefined or containing "*" = the default record. */
  fields?: readonly string[];
  /** Nested type/status objects even without `with` (query answers carry them). */
  nested?: boolean;
}

/**
 * The 32-hex `hash` ThreatQ shows on indicators. Ours only needs to be stable and look the part,
 * so four FNV-1a lanes stand in for md5 (which costs too much at a million records).
 */
export function indicatorHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let c = 0x9e3779b9;
  let d = 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    a = Math.imul(a ^ ch, 0x01000193);
    b = Math.imul(b ^ ch, 0x5bd1e995);
    c = Math.imul(c ^ ch, 0x27d4eb2d);
    d = Math.imul(d ^ ch, 0x165667b1);
  }
  return [a, b, c, d].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}

/**
 * Hashes already computed, per store and indicator id, with the type and value they were
 * computed from (an edit of either computes it again): paging a million indicators again and
 * again must not redo them.
 */
const hashCaches = new WeakMap<ThreatQStore, { typeIds: number[]; values: string[]; hashes: string[] }>();

export function cachedIndicatorHash(store: ThreatQStore, id: number, typeId: number, typeName: string, value: string): string {
  let cache = hashCaches.get(store);
  if (!cache) hashCaches.set(store, (cache = { typeIds: [], values: [], hashes: [] }));
  const i = id - 1;
  if (cache.values[i] === value && cache.typeIds[i] === typeId) return cache.hashes[i] as string;
  const hash = indicatorHash(`${typeName}\u0000${value}`);
  // Filled up to `i` so the arrays stay dense (a far write would turn them into dictionaries).
  while (cache.values.length <= i) {
    cache.typeIds.push(-1);
    cache.values.push('');
    cache.hashes.push('');
  }
  cache.typeIds[i] = typeId;
  cache.values[i] = value;
  cache.hashes[i] = hash;
  return hash;
}

const FOREIGN_KEY: Record<ObjectKind, string> = { indicator: 'indicator_id', event: 'event_id', asset: 'asset_id' };

export function attributeWire(store: ThreatQStore, kind: ObjectKind, objectId: number, a: AttributeRecord, withAttribute = false): Obj {
  const out: Obj = {
    id: a.id,
    attribute_id: a.attributeId,
    [FOREIGN_KEY[kind]]: objectId,
    name: a.name,
    value: a.value,
    created_at: formatTqDate(a.createdAt),
    updated_at: formatTqDate(a.updatedAt),
    touched_at: formatTqDate(a.updatedAt),
    sources: a.sourceIds.map((sid) => ({ id: sid, name: store.sources[sid - 1]?.name ?? '' })),
  };
  if (withAttribute) out.attribute = { id: a.attributeId, name: a.name };
  return out;
}

export function sourceWire(store: ThreatQStore, link: SourceLink): Obj {
  const src = store.sources[link.sourceId - 1];
  return {
    id: link.sourceId,
    name: src?.name ?? '',
    source_type: src?.sourceType ?? 'users',
    source_id: link.sourceId,
    tlp_id: link.tlpId,
    published_at: formatTqDate(link.publishedAt),
    created_at: formatTqDate(link.createdAt),
    updated_at: formatTqDate(link.createdAt),
    pivot: { id: link.pivotId, tlp_id: link.tlpId, published_at: formatTqDate(link.publishedAt) },
  };
}

export function pivotWire(p: Pivot): Obj {
  const at = formatTqDate(p.createdAt);
  return { id: p.id, created_at: at, updated_at: at };
}

function contextFields(store: ThreatQStore, kind: ObjectKind, id: number, out: Obj, include: (name: string) => boolean): void {
  if (include('attributes')) out.attributes = store.attributes(kind, id).map((a) => attributeWire(store, kind, id, a));
  if (include('sources')) out.sources = store.sourceLinks(kind, id).map((l) => sourceWire(store, l));
  if (include('events')) out.events = store.related(kind, id, 'event').map((r) => eventWire(store, store.event(r.id) as EventRecord));
  if (include('indicators')) out.indicators = store.related(kind, id, 'indicator').map((r) => indicatorWire(store, r.id));
  if (include('asset') || include('assets')) out.asset = store.related(kind, id, 'asset').map((r) => assetWire(store, store.asset(r.id) as AssetRecord));
}

const PROJECTABLE = new Set(['id', 'value', 'class', 'hash', 'type_id', 'status_id', 'score', 'description', 'created_at', 'updated_at', 'touched_at', 'published_at', 'expires_at', 'expires_calculated_at']);

function fullIndicator(store: ThreatQStore, id: number, type: ReturnType<ThreatQStore['indicatorType']>, status: ReturnType<ThreatQStore['status']>): Obj {
  const t = store.indicators;
  const i = id - 1;
  const created = formatTqDate(t.createdAt[i] as number);
  return {
    id,
    value: t.values[i],
    class: type?.class ?? 'network',
    hash: cachedIndicatorHash(store, id, t.typeIds[i] as number, type?.name ?? '', t.values[i] as string),
    type_id: type?.id,
    status_id: status?.id,
    score: t.scores[i],
    description: t.descriptions.get(id) ?? null,
    created_at: created,
    updated_at: formatTqDate(t.updatedAt[i] as number),
    touched_at: formatTqDate(t.touchedAt[i] as number),
    published_at: created,
    expires_at: null,
    expires_calculated_at: null,
  };
}

export function indicatorWire(store: ThreatQStore, id: number, shape: Shape = {}): Obj {
  const t = store.indicators;
  const i = id - 1;
  const type = store.indicatorType(t.typeIds[i] as number);
  const status = store.status(t.statusIds[i] as number);
  const w = shape.with ?? new Set<string>();
  const fields = shape.fields;
  const star = fields === undefined || fields.length === 0 || fields.includes('*');
  const wanted = (name: string) => w.has(name) || (fields !== undefined && fields.includes(name));
  if (!star) {
    // A projection names fields; threatqsdk's users read `type`/`status` back as plain names.
    // Only what was asked for is computed: a projected million-row listing must not pay for hashes and dates.
    const out: Obj = { id };
    let whole: Obj | undefined;
    for (const f of fields) {
      if (f === 'type') out.type = type?.name;
      else if (f === 'status') out.status = status?.name;
      else if (f === 'tags') out.tags = store.indicatorTagIds(id).map((tid) => store.tags[tid - 1]?.name);
      else if (f === 'value') out.value = t.values[i];
      else if (f === 'type_id') out.type_id = type?.id;
      else if (f === 'status_id') out.status_id = status?.id;
      else if (f !== 'id' && PROJECTABLE.has(f)) out[f] = (whole ??= fullIndicator(store, id, type, status))[f];
    }
    contextFields(store, 'indicator', id, out, (n) => fields.includes(n));
    return out;
  }
  const full = fullIndicator(store, id, type, status);
  if (shape.nested || w.has('type')) full.type = { id: type?.id, name: type?.name, class: type?.class };
  if (shape.nested || w.has('status')) full.status = { id: status?.id, name: status?.name, description: status?.description };
  if (shape.nested) full.adversaries = [];
  if (wanted('tags')) full.tags = store.indicatorTagIds(id).map((tid) => ({ id: tid, name: store.tags[tid - 1]?.name }));
  contextFields(store, 'indicator', id, full, wanted);
  return full;
}

export function eventWire(store: ThreatQStore, e: EventRecord, shape: Shape = {}): Obj {
  const type = store.eventType(e.typeId);
  const out: Obj = {
    id: e.id,
    title: e.title,
    type_id: e.typeId,
    type: { id: type?.id, name: type?.name },
    description: e.description,
    happened_at: formatTqDate(e.happenedAt),
    created_at: formatTqDate(e.createdAt),
    updated_at: formatTqDate(e.updatedAt),
    published_at: formatTqDate(e.publishedAt),
  };
  const w = shape.with ?? new Set<string>();
  contextFields(store, 'event', e.id, out, (n) => w.has(n) || (shape.fields?.includes(n) ?? false));
  return out;
}

export function assetWire(store: ThreatQStore, a: AssetRecord, shape: Shape = {}): Obj {
  const out: Obj = {
    id: a.id,
    value: a.value,
    description: a.description,
    created_at: formatTqDate(a.createdAt),
    updated_at: formatTqDate(a.updatedAt),
  };
  const w = shape.with ?? new Set<string>();
  contextFields(store, 'asset', a.id, out, (n) => w.has(n) || (shape.fields?.includes(n) ?? false));
  return out;
}

/** Any object by kind and id, for relation answers. */
export function objectWire(store: ThreatQStore, kind: ObjectKind, id: number, shape: Shape = {}): Obj {
  if (kind === 'indicator') return indicatorWire(store, id, shape);
  if (kind === 'event') return eventWire(store, store.event(id) as EventRecord, shape);
  return assetWire(store, store.asset(id) as AssetRecord, shape);
}

export function savedSearchWire(s: SavedSearchRecord): Obj {
  return {
    id: s.id,
    hash: s.hash,
    name: s.name,
    object: s.objectCollection,
    json: s.json,
    created_at: formatTqDate(s.createdAt),
    updated_at: formatTqDate(s.updatedAt),
  };
}
