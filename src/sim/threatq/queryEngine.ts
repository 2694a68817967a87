/**
 * Runs ThreatQ indicator queries (`criteria` + `filters` with +and/+or and the comparison
 * operators) against the columnar store. Answers are cached per query and store version, so
 * paging through a million indicators costs one evaluation plus O(page) per page; a criteria
 * clause on a tag (how collections are modelled) narrows the scan to that tag's members.
 */
import { parseQueryDate } from './dates.ts';
import { fieldError } from './simError.ts';
import type { ThreatQStore } from './store.ts';

type Pred = (id: number) => boolean;
type Value = string | number;

interface Compiled {
  /** undefined = matches everything. */
  pred: Pred | undefined;
  /** A tag every match must carry (lets the scan start from that tag's members). */
  tagId?: number;
  /** Matches nothing (e.g. a tag that does not exist). */
  none?: boolean;
}

type FieldKind = 'string' | 'number' | 'date';

export type SortField = 'id' | 'value' | 'created_at' | 'updated_at' | 'touched_at' | 'score' | 'type_id' | 'status_id';

export interface SortKey {
  field: SortField;
  desc: boolean;
}

export interface IndicatorQuery {
  criteria?: unknown;
  filters?: unknown;
}

const SORT_ALIASES: Record<string, SortField> = {
  id: 'id',
  value: 'value',
  created_at: 'created_at',
  created: 'created_at',
  updated_at: 'updated_at',
  updated: 'updated_at',
  touched_at: 'touched_at',
  touched: 'touched_at',
  score: 'score',
  type_id: 'type_id',
  status_id: 'status_id',
};

const OPERATORS = new Set(['+equals', '+contains', '+gt', '+lt', '+gte', '+lte', '+not']);
const TAG_FIELDS = new Set(['tags', 'tag', 'tag_name', 'tags.name']);
const CACHE_SIZE = 16;

/** `-created_at,id` → sort keys; id ascending is always the final tie-breaker. */
export function parseSort(raw: string | null): SortKey[] {
  const keys: SortKey[] = [];
  for (const part of (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const desc = part.startsWith('-');
    const name = desc || part.startsWith('+') ? part.slice(1) : part;
    const field = SORT_ALIASES[name];
    if (!field) throw fieldError('sort', `The sort field '${name}' is not supported.`);
    if (!keys.some((k) => k.field === field)) keys.push({ field, desc });
  }
  if (!keys.some((k) => k.field === 'id')) keys.push({ field: 'id', desc: false });
  return keys;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function and(parts: Compiled[]): Compiled {
  if (parts.some((p) => p.none)) return { pred: undefined, none: true };
  const preds = parts.map((p) => p.pred).filter((p): p is Pred => p !== undefined);
  const tagId = parts.find((p) => p.tagId !== undefined)?.tagId;
  const pred: Pred | undefined = preds.length === 0 ? undefined : preds.length === 1 ? preds[0] : (id) => preds.every((p) => p(id));
  return tagId === undefined ? { pred } : { pred, tagId };
}

function or(parts: Compiled[]): Compiled {
  const live = parts.filter((p) => !p.none);
  if (live.length === 0) return { pred: undefined, none: parts.length > 0 };
  if (live.some((p) => p.pred === undefined)) return { pred: undefined };
  const preds = live.map((p) => p.pred as Pred);
  return { pred: preds.length === 1 ? preds[0] : (id) => preds.some((p) => p(id)) };
}

export class IndicatorQueryEngine {
  readonly #store: ThreatQStore;
  readonly #cache = new Map<string, { version: number; ids: Int32Array }>();

  constructor(store: ThreatQStore) {
    this.#store = store;
  }

  forgetAnswers(): void {
    this.#cache.clear();
  }

  /** The ids matching the query, in sort order. */
  run(query: IndicatorQuery, sort: SortKey[]): Int32Array {
    const key = JSON.stringify([query.criteria ?? null, query.filters ?? null, sort]);
    const version = this.#store.indicatorVersion;
    const hit = this.#cache.get(key);
    if (hit && hit.version === version) return hit.ids;
    const ids = this.#sorted(this.#evaluate(query), sort);
    this.#cache.delete(key);
    this.#cache.set(key, { version, ids });
    if (this.#cache.size > CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
    return ids;
  }

  /** A page after the cursor (`*` = from the start) and the cursor of its last item. */
  pageByCursor(ids: Int32Array, sort: SortKey[], cursorMark: string, limit: number): { page: Int32Array; next: string } {
    let start = 0;
    if (cursorMark !== '*') {
      const key = this.#decodeCursor(cursorMark, sort);
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.#compareToKey(ids[mid] as number, key, sort) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const page = ids.subarray(start, start + limit);
    const next = page.length === 0 ? cursorMark : this.#encodeCursor(page[page.length - 1] as number, sort);
    return { page, next };
  }

  #evaluate(query: IndicatorQuery): Int32Array {
    const now = this.#store.nowSeconds();
    const compiled = and([this.#node(query.criteria, now, 'criteria'), this.#node(query.filters, now, 'filters')]);
    if (compiled.none) return new Int32Array(0);
    const count = this.#store.indicators.count;
    const pred = compiled.pred;
    if (compiled.tagId !== undefined) {
      const members = this.#store.tagMembers(compiled.tagId)?.view() ?? new Int32Array(0);
      if (!pred) return members.slice();
      const out = new Int32Array(members.length);
      let n = 0;
      for (let k = 0; k < members.length; k++) {
        const id = members[k] as number;
        if (pred(id)) out[n++] = id;
      }
      return out.slice(0, n);
    }
    const out = new Int32Array(count);
    let n = 0;
    for (let id = 1; id <= count; id++) if (!pred || pred(id)) out[n++] = id;
    return n === count ? out : out.slice(0, n);
  }

  #node(node: unknown, now: number, path: string): Compiled {
    if (node === undefined || node === null) return { pred: undefined };
    if (Array.isArray(node)) return and(node.map((n, i) => this.#node(n, now, `${path}.${i}`)));
    if (!isPlainObject(node)) throw fieldError(path, 'Query criteria must be objects or lists of objects.');
    const parts: Compiled[] = [];
    for (const [key, value] of Object.entries(node)) {
      if (key === '+and') parts.push(and(this.#children(value, now, `${path}.+and`)));
      else if (key === '+or') parts.push(or(this.#children(value, now, `${path}.+or`)));
      else parts.push(this.#clause(key, value, now, `${path}.${key}`));
    }
    return and(parts);
  }

  #children(value: unknown, now: number, path: string): Compiled[] {
    if (Array.isArray(value)) return value.map((v, i) => this.#node(v, now, `${path}.${i}`));
    if (isPlainObject(value)) return Object.entries(value).map(([k, v]) => this.#node({ [k]: v }, now, `${path}.${k}`));
    throw fieldError(path, 'The +and/+or operators take a list of conditions.');
  }

  #clause(field: string, spec: unknown, now: number, path: string): Compiled {
    if (TAG_FIELDS.has(field)) return this.#tagClause(spec, path);
    const getter = this.#getter(field, path);
    if (Array.isArray(spec)) return or(spec.map((s, i) => this.#clause(field, s, now, `${path}.${i}`)));
    if (!isPlainObject(spec)) return { pred: this.#compare(getter, '+equals', spec, now, path) };
    const preds: Pred[] = [];
    for (const [op, operand] of Object.entries(spec)) {
      if (!OPERATORS.has(op)) throw fieldError(path, `The operator '${op}' is not supported.`);
      preds.push(this.#compare(getter, op, operand, now, `${path}.${op}`));
    }
    return and(preds.map((pred) => ({ pred })));
  }

  #tagClause(spec: unknown, path: string): Compiled {
    const names: unknown[] = Array.isArray(spec) ? spec : isPlainObject(spec) ? [spec['+equals'] ?? spec.name] : [spec];
    if (isPlainObject(spec) && Object.keys(spec).some((k) => k !== '+equals' && k !== 'name')) throw fieldError(path, 'Tags can only be matched exactly.');
    const tagIds: number[] = [];
    for (const n of names) {
      if (typeof n !== 'string') throw fieldError(path, 'A tag must be given by name.');
      const t = this.#store.tagByName(n);
      if (t) tagIds.push(t.id);
    }
    if (tagIds.length === 0) return { pred: undefined, none: true };
    const store = this.#store;
    if (tagIds.length === 1) {
      const only = tagIds[0] as number;
      return { pred: (id) => store.indicatorHasTag(id, only), tagId: only };
    }
    return { pred: (id) => tagIds.some((t) => store.indicatorHasTag(id, t)) };
  }

  #getter(field: string, path: string): { kind: FieldKind; get: (id: number) => Value } {
    const t = this.#store.indicators;
    const typeNames: string[] = [];
    for (const ty of this.#store.indicatorTypes) typeNames[ty.id] = ty.name;
    const typeClasses: string[] = [];
    for (const ty of this.#store.indicatorTypes) typeClasses[ty.id] = ty.class;
    const statusNames: string[] = [];
    for (const s of this.#store.statuses) statusNames[s.id] = s.name;
    switch (field) {
      case 'value':
        return { kind: 'string', get: (id) => t.values[id - 1] as string };
      case 'mentions':
        return { kind: 'string', get: (id) => t.values[id - 1] as string };
      case 'description':
        return { kind: 'string', get: (id) => t.descriptions.get(id) ?? '' };
      case 'type_name':
      case 'type':
      case 'type.name':
        return { kind: 'string', get: (id) => typeNames[t.typeIds[id - 1] as number] ?? '' };
      case 'class':
        return { kind: 'string', get: (id) => typeClasses[t.typeIds[id - 1] as number] ?? '' };
      case 'status_name':
      case 'status':
      case 'status.name':
        return { kind: 'string', get: (id) => statusNames[t.statusIds[id - 1] as number] ?? '' };
      case 'type_id':
        return { kind: 'number', get: (id) => t.typeIds[id - 1] as number };
      case 'status_id':
        return { kind: 'number', get: (id) => t.statusIds[id - 1] as number };
      case 'score':
        return { kind: 'number', get: (id) => t.scores[id - 1] as number };
      case 'id':
        return { kind: 'number', get: (id) => id };
      case 'created_at':
        return { kind: 'date', get: (id) => t.createdAt[id - 1] as number };
      case 'updated_at':
        return { kind: 'date', get: (id) => t.updatedAt[id - 1] as number };
      case 'touched_at':
        return { kind: 'date', get: (id) => t.touchedAt[id - 1] as number };
      default:
        throw fieldError(path, `The field '${field}' cannot be queried.`);
    }
  }

  #compare(getter: { kind: FieldKind; get: (id: number) => Value }, op: string, operand: unknown, now: number, path: string): Pred {
    const { kind, get } = getter;
    if (op === '+not') {
      const inner = this.#compare(getter, '+equals', operand, now, path);
      return (id) => !inner(id);
    }
    if (kind === 'string') {
      if (typeof operand !== 'string' && typeof operand !== 'number') throw fieldError(path, 'A text comparison needs a text value.');
      const text = String(operand);
      const lower = text.toLowerCase();
      switch (op) {
        case '+equals':
          return (id) => get(id) === text;
        case '+contains':
          return (id) => (get(id) as string).toLowerCase().includes(lower);
        case '+gt':
          return (id) => (get(id) as string) > text;
        case '+lt':
          return (id) => (get(id) as string) < text;
        case '+gte':
          return (id) => (get(id) as string) >= text;
        default:
          return (id) => (get(id) as string) <= text;
      }
    }
    let n: number | undefined;
    if (kind === 'date') {
      n = parseQueryDate(operand, now);
      if (n === undefined) throw fieldError(path, `The date '${String(operand)}' is not a valid date (use YYYY-MM-DD HH:MM:SS, NOW or a relative time).`);
    } else {
      n = typeof operand === 'number' ? operand : typeof operand === 'string' && operand.trim() !== '' ? Number(operand) : Number.NaN;
      if (!Number.isFinite(n)) throw fieldError(path, `'${String(operand)}' is not a number.`);
    }
    const x = n;
    switch (op) {
      case '+equals':
        return (id) => get(id) === x;
      case '+contains':
        return (id) => String(get(id)).includes(String(operand));
      case '+gt':
        return (id) => (get(id) as number) > x;
      case '+lt':
        return (id) => (get(id) as number) < x;
      case '+gte':
        return (id) => (get(id) as number) >= x;
      default:
        return (id) => (get(id) as number) <= x;
    }
  }

  #sortValue(id: number, field: SortField): Value {
    const t = this.#store.indicators;
    const i = id - 1;
    switch (field) {
      case 'id':
        return id;
      case 'value':
        return t.values[i] as string;
      case 'created_at':
        return t.createdAt[i] as number;
      case 'updated_at':
        return t.updatedAt[i] as number;
      case 'touched_at':
        return t.touchedAt[i] as number;
      case 'score':
        return t.scores[i] as number;
      case 'type_id':
        return t.typeIds[i] as number;
      default:
        return t.statusIds[i] as number;
    }
  }

  #sorted(ids: Int32Array, sort: SortKey[]): Int32Array {
    const first = sort[0];
    if (!first || (first.field === 'id' && !first.desc)) return ids;
    if (first.field === 'id') return ids.slice().reverse();
    return ids.slice().sort((a, b) => this.#compareIds(a, b, sort));
  }

  #compareIds(a: number, b: number, sort: SortKey[]): number {
    for (const k of sort) {
      const va = this.#sortValue(a, k.field);
      const vb = this.#sortValue(b, k.field);
      if (va === vb) continue;
      const c = va < vb ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  }

  #compareToKey(id: number, key: Value[], sort: SortKey[]): number {
    for (let j = 0; j < sort.length; j++) {
      const k = sort[j] as SortKey;
      const va = this.#sortValue(id, k.field);
      const vb = key[j] as Value;
      if (va === vb) continue;
      const c = va < vb ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  }

  #encodeCursor(id: number, sort: SortKey[]): string {
    return Buffer.from(JSON.stringify(sort.map((k) => this.#sortValue(id, k.field)))).toString('base64');
  }

  #decodeCursor(mark: string, sort: SortKey[]): Value[] {
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(mark, 'base64').toString('utf8'));
    } catch {
      key = undefined;
    }
    const valid =
      Array.isArray(key) &&
      key.length === sort.length &&
      key.every((v, j) => (sort[j]?.field === 'value' ? typeof v === 'string' : typeof v === 'number'));
    if (!valid) throw fieldError('cursorMark', `The cursorMark '${mark}' is not valid for this query and sort.`);
    return key as Value[];
  }
}
