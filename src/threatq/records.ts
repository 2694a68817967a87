import type { AttributeInput, SavedSearch, SourceInput, TqAttribute, TqEvent, TqIndicator, TqRelated } from './types.ts';

type Obj = Record<string, unknown>;

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** `type`/`status` arrive as `{id, name}`, as a plain name (projected fields) or only as `*_id`. */
export function nameOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return str(obj(v)?.name);
}

export function toEvent(raw: Obj): TqEvent | undefined {
  const id = num(raw.id);
  if (id === undefined) return undefined;
  return {
    id,
    title: str(raw.title),
    typeId: num(raw.type_id) ?? num(obj(raw.type)?.id),
    happenedAt: str(raw.happened_at),
    description: str(raw.description),
    updatedAt: str(raw.updated_at),
    raw,
  };
}

export function toIndicator(raw: Obj): TqIndicator | undefined {
  const id = num(raw.id);
  const value = str(raw.value);
  if (id === undefined || value === undefined) return undefined;
  return {
    id,
    value,
    typeId: num(raw.type_id) ?? num(obj(raw.type)?.id),
    typeName: nameOf(raw.type),
    statusId: num(raw.status_id) ?? num(obj(raw.status)?.id),
    statusName: nameOf(raw.status),
    raw,
  };
}

export function toAttribute(raw: Obj): TqAttribute | undefined {
  const id = num(raw.id);
  const name = str(raw.name) ?? nameOf(raw.attribute);
  if (id === undefined || name === undefined) return undefined;
  return { id, attributeId: num(raw.attribute_id) ?? num(obj(raw.attribute)?.id), name, value: str(raw.value) ?? '', raw };
}

export function toRelated(raw: Obj): TqRelated | undefined {
  const id = num(raw.id);
  if (id === undefined) return undefined;
  return { id, value: str(raw.value), title: str(raw.title), pivotId: num(obj(raw.pivot)?.id), raw };
}

export function toSavedSearch(raw: Obj): SavedSearch | undefined {
  const name = str(raw.name);
  if (name === undefined) return undefined;
  let json: unknown = raw.json;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch {
      json = undefined;
    }
  }
  const j = obj(json);
  const objects = obj(obj(j?.ui_query)?.objects);
  return {
    id: num(raw.id),
    hash: str(raw.hash) || undefined,
    name,
    apiQuery: obj(j?.api_query),
    objectCollection: str(objects?.current),
    raw,
  };
}

export function sourcesWire(sources: SourceInput[] | undefined): Obj[] | undefined {
  return sources?.map((s) => (s.tlpId === undefined ? { name: s.name } : { name: s.name, tlp_id: s.tlpId }));
}

export function attributesWire(attributes: AttributeInput[] | undefined): Obj[] | undefined {
  return attributes?.map((a) => {
    const out: Obj = { name: a.name, value: a.value };
    if (a.sources) out.sources = sourcesWire(a.sources);
    return out;
  });
}

export function idsWire(ids: number[] | undefined): Obj[] | undefined {
  return ids?.map((id) => ({ id }));
}

/** Drops undefined fields so the JSON carries only what was given. */
export function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
