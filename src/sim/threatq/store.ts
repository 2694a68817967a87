/**
 * Everything the simulated ThreatQ instance knows: look-ups, indicators (columnar), events,
 * assets, their attributes, sources, tags and relations, and the Threat Library saved searches.
 * Routes and tests both go through these methods; nothing here knows about HTTP except that
 * invalid changes throw the 400 the real server would answer.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { formatTqDate, parseTqDate } from './dates.ts';
import { SortedIdSet } from './idSet.ts';
import { IndicatorTable } from './indicatorTable.ts';
import type {
  AssetRecord,
  AssetView,
  AttributeRecord,
  EventRecord,
  EventTypeRecord,
  EventView,
  IndicatorTypeRecord,
  IndicatorView,
  ObjectKind,
  Pivot,
  RelationView,
  SavedSearchRecord,
  SourceLink,
  SourceRecord,
  StatusRecord,
  TagRecord,
} from './records.ts';
import { EVENT_TYPES, INDICATOR_STATUSES, INDICATOR_TYPE_NAMES, SEED_DATE, indicatorClassOf } from './seededLookups.ts';
import { fieldError, notFound } from './simError.ts';

export interface IndicatorInput {
  value: string;
  /** Type by name or id. */
  type: string | number;
  /** Status by name or id (default Review). */
  status?: string | number;
  description?: string;
  score?: number;
  /** Seconds since the epoch; default now. */
  createdAt?: number;
  updatedAt?: number;
  touchedAt?: number;
}

export interface IndicatorPatch {
  value?: string;
  typeId?: number;
  statusId?: number;
  description?: string | null;
  score?: number;
}

export interface EventInput {
  title: string;
  typeId: number;
  happenedAt: number;
  description?: string | null;
}

export interface SourceInput {
  name: string;
  tlpId?: number | null;
  publishedAt?: number;
}

export interface CollectionOptions {
  /** Extra `filters` of the saved api_query, e.g. `{"+and":[{"status_name":"Active"}]}`. */
  filters?: unknown;
}

const SEED_SECONDS = parseTqDate(SEED_DATE) as number;

const kindKey = (kind: ObjectKind, id: number) => `${kind}:${id}`;

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export class ThreatQStore {
  readonly clock: Clock;
  readonly indicators = new IndicatorTable();
  /** Bumped on every change that can alter an indicator query's answer. */
  indicatorVersion = 0;

  readonly indicatorTypes: IndicatorTypeRecord[];
  readonly statuses: StatusRecord[];
  readonly eventTypes: EventTypeRecord[];

  readonly events: EventRecord[] = [];
  readonly assets: AssetRecord[] = [];
  readonly savedSearches: SavedSearchRecord[] = [];
  readonly sources: SourceRecord[] = [];
  readonly tags: TagRecord[] = [];

  readonly #eventsByTitle = new Map<string, number[]>();
  readonly #assetsByValue = new Map<string, number>();
  readonly #sourcesByName = new Map<string, SourceRecord>();
  readonly #attributeNames = new Map<string, number>();
  readonly #attributes = new Map<string, AttributeRecord[]>();
  readonly #sourceLinks = new Map<string, SourceLink[]>();
  readonly #relations = new Map<string, Map<string, Pivot>>();
  readonly #tagsByName = new Map<string, TagRecord>();
  readonly #tagMembers = new Map<number, SortedIdSet>();
  #attributeValueSeq = 0;
  #pivotSeq = 0;

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
    this.indicatorTypes = INDICATOR_TYPE_NAMES.map((name, i) => ({ id: i + 1, name, class: indicatorClassOf(name) }));
    this.statuses = INDICATOR_STATUSES.map((s) => ({ ...s }));
    this.eventTypes = EVENT_TYPES.map((t) => ({ ...t, userEditable: 'N' as const, createdAt: SEED_SECONDS, updatedAt: SEED_SECONDS }));
  }

  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  // ---- look-ups ----

  /** Types and statuses are seeded with ids 1..n in order, so an id indexes the list directly. */
  indicatorType(ref: string | number): IndicatorTypeRecord | undefined {
    if (typeof ref === 'number') {
      const hit = this.indicatorTypes[ref - 1];
      return hit?.id === ref ? hit : this.indicatorTypes.find((t) => t.id === ref);
    }
    return this.indicatorTypes.find((t) => t.name === ref);
  }

  status(ref: string | number): StatusRecord | undefined {
    if (typeof ref === 'number') {
      const hit = this.statuses[ref - 1];
      return hit?.id === ref ? hit : this.statuses.find((s) => s.id === ref);
    }
    return this.statuses.find((s) => s.name === ref);
  }

  eventType(ref: string | number): EventTypeRecord | undefined {
    return typeof ref === 'number' ? this.eventTypes.find((t) => t.id === ref) : this.eventTypes.find((t) => t.name === ref);
  }

  createEventType(name: string): EventTypeRecord {
    const trimmed = name.trim();
    if (trimmed === '') throw fieldError('name', 'The name field is required.');
    if (this.eventType(trimmed)) throw fieldError('name', 'The name has already been taken.');
    const now = this.nowSeconds();
    const rec: EventTypeRecord = { id: Math.max(0, ...this.eventTypes.map((t) => t.id)) + 1, name: trimmed, userEditable: 'Y', createdAt: now, updatedAt: now };
    this.eventTypes.push(rec);
    return rec;
  }

  // ---- indicators ----

  #typeRef(ref: string | number): IndicatorTypeRecord {
    const t = this.indicatorType(ref);
    if (!t) throw fieldError('type', `The selected indicator type '${ref}' does not exist.`);
    return t;
  }

  #statusRef(ref: string | number): StatusRecord {
    const s = this.status(ref);
    if (!s) throw fieldError('status', `The selected indicator status '${ref}' does not exist.`);
    return s;
  }

  /** Creates the indicator, or finds the existing one with the same type and value. */
  upsertIndicator(input: IndicatorInput): { id: number; existing: boolean } {
    const type = this.#typeRef(input.type);
    const status = this.#statusRef(input.status ?? 'Review');
    if (typeof input.value !== 'string' || input.value.trim() === '') throw fieldError('value', 'The value field is required.');
    const found = this.indicators.find(type.id, input.value);
    if (found !== undefined) {
      this.indicators.touchedAt[found - 1] = this.nowSeconds();
      this.indicatorVersion++;
      return { id: found, existing: true };
    }
    const now = this.nowSeconds();
    const createdAt = input.createdAt ?? now;
    const id = this.indicators.insert({
      value: input.value,
      typeId: type.id,
      statusId: status.id,
      score: input.score,
      description: input.description,
      createdAt,
      updatedAt: input.updatedAt ?? createdAt,
      touchedAt: input.touchedAt ?? input.updatedAt ?? createdAt,
    });
    this.indicatorVersion++;
    return { id, existing: false };
  }

  requireIndicator(id: number): void {
    if (!this.indicators.has(id)) throw notFound(`Indicator ${id}`);
  }

  updateIndicator(id: number, patch: IndicatorPatch): void {
    this.requireIndicator(id);
    const t = this.indicators;
    const i = id - 1;
    const typeId = patch.typeId ?? t.typeId(id);
    const value = patch.value ?? t.value(id);
    if (patch.typeId !== undefined) this.#typeRef(patch.typeId);
    if (patch.statusId !== undefined) this.#statusRef(patch.statusId);
    if (typeof value !== 'string' || value.trim() === '') throw fieldError('value', 'The value field is required.');
    const clash = t.find(typeId, value);
    if (clash !== undefined && clash !== id) throw fieldError('value', 'An indicator with this value and type already exists.');
    let changed = false;
    if (value !== t.value(id)) {
      t.setValue(id, value);
      changed = true;
    }
    if (typeId !== t.typeIds[i]) {
      t.typeIds[i] = typeId;
      changed = true;
    }
    if (patch.statusId !== undefined && patch.statusId !== t.statusIds[i]) {
      t.statusIds[i] = patch.statusId;
      changed = true;
    }
    if (patch.score !== undefined && patch.score !== t.scores[i]) {
      t.scores[i] = Math.max(0, Math.min(10, Math.round(patch.score)));
      changed = true;
    }
    if (patch.description !== undefined && patch.description !== (t.descriptions.get(id) ?? null)) {
      if (patch.description === null) t.descriptions.delete(id);
      else t.descriptions.set(id, patch.description);
      changed = true;
    }
    const now = this.nowSeconds();
    t.touchedAt[i] = now;
    if (changed) t.updatedAt[i] = now;
    this.indicatorVersion++;
  }

  /** Test helper: changes the indicator's status by name ("Whitelisted", …). */
  setIndicatorStatus(id: number, statusName: string): void {
    this.updateIndicator(id, { statusId: this.#statusRef(statusName).id });
  }

  /** Test helper: changes the indicator's type by name. */
  setIndicatorType(id: number, typeName: string): void {
    this.updateIndicator(id, { typeId: this.#typeRef(typeName).id });
  }

  /** Test helper: sets the indicator's timestamps (seconds) without other changes. */
  setIndicatorTimes(id: number, times: { createdAt?: number; updatedAt?: number; touchedAt?: number }): void {
    this.requireIndicator(id);
    const i = id - 1;
    if (times.createdAt !== undefined) this.indicators.createdAt[i] = times.createdAt;
    if (times.updatedAt !== undefined) this.indicators.updatedAt[i] = times.updatedAt;
    if (times.touchedAt !== undefined) this.indicators.touchedAt[i] = times.touchedAt;
    this.indicatorVersion++;
  }

  findIndicator(typeName: string, value: string): number | undefined {
    const type = this.indicatorType(typeName);
    return type ? this.indicators.find(type.id, value) : undefined;
  }

  // ---- tags (collection membership) ----

  tag(name: string): TagRecord {
    let t = this.#tagsByName.get(name);
    if (!t) {
      t = { id: this.tags.length + 1, name, createdAt: this.nowSeconds() };
      this.tags.push(t);
      this.#tagsByName.set(name, t);
      this.#tagMembers.set(t.id, new SortedIdSet());
    }
    return t;
  }

  tagByName(name: string): TagRecord | undefined {
    return this.#tagsByName.get(name);
  }

  /** Indicator ids carrying the tag, ascending (a live view: copy it before changing tags). */
  tagMembers(tagId: number): SortedIdSet | undefined {
    return this.#tagMembers.get(tagId);
  }

  /** Tags are few (one per collection), so membership is looked up in each tag's sorted set. */
  indicatorTagIds(id: number): number[] {
    const out: number[] = [];
    for (const [tagId, members] of this.#tagMembers) if (members.has(id)) out.push(tagId);
    return out;
  }

  indicatorHasTag(id: number, tagId: number): boolean {
    return this.#tagMembers.get(tagId)?.has(id) ?? false;
  }

  tagIndicator(id: number, tagName: string): TagRecord {
    this.requireIndicator(id);
    const t = this.tag(tagName);
    if ((this.#tagMembers.get(t.id) as SortedIdSet).add(id)) this.indicatorVersion++;
    return t;
  }

  /** Seeding fast path: the ids arrive in ascending order and exist. */
  tagIndicatorsBulk(ids: ArrayLike<number>, tagName: string): void {
    const t = this.tag(tagName);
    const members = this.#tagMembers.get(t.id) as SortedIdSet;
    for (let k = 0; k < ids.length; k++) members.add(ids[k] as number);
    this.indicatorVersion++;
  }

  untagIndicator(id: number, tagId: number): boolean {
    const members = this.#tagMembers.get(tagId);
    if (!members || !members.delete(id)) return false;
    this.indicatorVersion++;
    return true;
  }

  // ---- events ----

  createEvent(input: EventInput): EventRecord {
    const now = this.nowSeconds();
    const rec: EventRecord = {
      id: this.events.length + 1,
      title: input.title,
      typeId: input.typeId,
      description: input.description ?? null,
      happenedAt: input.happenedAt,
      createdAt: now,
      updatedAt: now,
      publishedAt: now,
    };
    this.events.push(rec);
    this.#indexTitle(rec.title, rec.id);
    return rec;
  }

  event(id: number): EventRecord | undefined {
    return Number.isInteger(id) && id >= 1 ? this.events[id - 1] : undefined;
  }

  requireEvent(id: number): EventRecord {
    const e = this.event(id);
    if (!e) throw notFound(`Event ${id}`);
    return e;
  }

  updateEvent(id: number, patch: Partial<Omit<EventInput, 'description'>> & { description?: string | null }): EventRecord {
    const e = this.requireEvent(id);
    if (patch.title !== undefined && patch.title !== e.title) {
      const ids = (this.#eventsByTitle.get(e.title) ?? []).filter((x) => x !== id);
      if (ids.length === 0) this.#eventsByTitle.delete(e.title);
      else this.#eventsByTitle.set(e.title, ids);
      e.title = patch.title;
      this.#indexTitle(e.title, id);
    }
    if (patch.typeId !== undefined) e.typeId = patch.typeId;
    if (patch.happenedAt !== undefined) e.happenedAt = patch.happenedAt;
    if (patch.description !== undefined) e.description = patch.description;
    e.updatedAt = this.nowSeconds();
    return e;
  }

  eventsWithTitle(title: string): EventRecord[] {
    return (this.#eventsByTitle.get(title) ?? []).map((id) => this.events[id - 1] as EventRecord);
  }

  #indexTitle(title: string, id: number): void {
    const ids = this.#eventsByTitle.get(title);
    if (ids) ids.push(id);
    else this.#eventsByTitle.set(title, [id]);
  }

  // ---- assets ----

  upsertAsset(input: { value: string; description?: string | null }): { rec: AssetRecord; existing: boolean } {
    if (typeof input.value !== 'string' || input.value.trim() === '') throw fieldError('value', 'The value field is required.');
    const found = this.#assetsByValue.get(input.value);
    if (found !== undefined) {
      const rec = this.assets[found - 1] as AssetRecord;
      if (input.description !== undefined && input.description !== rec.description) {
        rec.description = input.description;
        rec.updatedAt = this.nowSeconds();
      }
      return { rec, existing: true };
    }
    const now = this.nowSeconds();
    const rec: AssetRecord = { id: this.assets.length + 1, value: input.value, description: input.description ?? null, createdAt: now, updatedAt: now };
    this.assets.push(rec);
    this.#assetsByValue.set(rec.value, rec.id);
    return { rec, existing: false };
  }

  asset(id: number): AssetRecord | undefined {
    return Number.isInteger(id) && id >= 1 ? this.assets[id - 1] : undefined;
  }

  assetByValue(value: string): AssetRecord | undefined {
    const id = this.#assetsByValue.get(value);
    return id === undefined ? undefined : this.assets[id - 1];
  }

  updateAsset(id: number, patch: { value?: string; description?: string | null }): AssetRecord {
    const a = this.asset(id);
    if (!a) throw notFound(`Asset ${id}`);
    if (patch.value !== undefined && patch.value !== a.value) {
      if (patch.value.trim() === '') throw fieldError('value', 'The value field is required.');
      if (this.#assetsByValue.has(patch.value)) throw fieldError('value', 'The value has already been taken.');
      this.#assetsByValue.delete(a.value);
      a.value = patch.value;
      this.#assetsByValue.set(a.value, id);
    }
    if (patch.description !== undefined) a.description = patch.description;
    a.updatedAt = this.nowSeconds();
    return a;
  }

  // ---- any object ----

  exists(kind: ObjectKind, id: number): boolean {
    if (kind === 'indicator') return this.indicators.has(id);
    if (kind === 'event') return this.event(id) !== undefined;
    return this.asset(id) !== undefined;
  }

  requireObject(kind: ObjectKind, id: number): void {
    if (!this.exists(kind, id)) throw notFound(`${kind[0]?.toUpperCase()}${kind.slice(1)} ${id}`);
  }

  /** Marks the object as changed (a new attribute, source or relation counts as a change). */
  touch(kind: ObjectKind, id: number): void {
    const now = this.nowSeconds();
    if (kind === 'indicator') {
      this.indicators.updatedAt[id - 1] = now;
      this.indicators.touchedAt[id - 1] = now;
      this.indicatorVersion++;
    } else if (kind === 'event') {
      const e = this.event(id);
      if (e) e.updatedAt = now;
    } else {
      const a = this.asset(id);
      if (a) a.updatedAt = now;
    }
  }

  // ---- sources ----

  source(name: string): SourceRecord {
    let s = this.#sourcesByName.get(name);
    if (!s) {
      s = { id: this.sources.length + 1, name, sourceType: 'users' };
      this.sources.push(s);
      this.#sourcesByName.set(name, s);
    }
    return s;
  }

  sourceLinks(kind: ObjectKind, id: number): SourceLink[] {
    return this.#sourceLinks.get(kindKey(kind, id)) ?? [];
  }

  /** Attaches the source once; `added` is false when it was already attached. */
  linkSource(kind: ObjectKind, id: number, input: SourceInput): { link: SourceLink; added: boolean } {
    if (typeof input.name !== 'string' || input.name.trim() === '') throw fieldError('sources.name', 'The source name field is required.');
    const src = this.source(input.name);
    const key = kindKey(kind, id);
    const links = this.#sourceLinks.get(key) ?? [];
    const existing = links.find((l) => l.sourceId === src.id);
    if (existing) return { link: existing, added: false };
    const now = this.nowSeconds();
    const link: SourceLink = { sourceId: src.id, pivotId: ++this.#pivotSeq, tlpId: input.tlpId ?? null, publishedAt: input.publishedAt ?? now, createdAt: now };
    links.push(link);
    this.#sourceLinks.set(key, links);
    return { link, added: true };
  }

  /** Detaches by source id or by the link's pivot id. */
  unlinkSource(kind: ObjectKind, id: number, sourceOrPivotId: number): boolean {
    const key = kindKey(kind, id);
    const links = this.#sourceLinks.get(key) ?? [];
    const rest = links.filter((l) => l.pivotId !== sourceOrPivotId && l.sourceId !== sourceOrPivotId);
    this.#sourceLinks.set(key, rest);
    return rest.length !== links.length;
  }

  // ---- attributes ----

  attributes(kind: ObjectKind, id: number): AttributeRecord[] {
    return this.#attributes.get(kindKey(kind, id)) ?? [];
  }

  addAttribute(kind: ObjectKind, id: number, input: { name: string; value: string; sources?: string[] }): AttributeRecord {
    const now = this.nowSeconds();
    let attributeId = this.#attributeNames.get(input.name);
    if (attributeId === undefined) {
      attributeId = this.#attributeNames.size + 1;
      this.#attributeNames.set(input.name, attributeId);
    }
    const rec: AttributeRecord = {
      id: ++this.#attributeValueSeq,
      attributeId,
      name: input.name,
      value: input.value,
      sourceIds: (input.sources ?? []).map((n) => this.source(n).id),
      createdAt: now,
      updatedAt: now,
    };
    const key = kindKey(kind, id);
    const list = this.#attributes.get(key);
    if (list) list.push(rec);
    else this.#attributes.set(key, [rec]);
    return rec;
  }

  /** Adds name=value unless the object already carries exactly that pair (consume's upsert). */
  ensureAttribute(kind: ObjectKind, id: number, input: { name: string; value: string; sources?: string[] }): { rec: AttributeRecord; added: boolean } {
    const existing = this.attributes(kind, id).find((a) => a.name === input.name && a.value === input.value);
    if (existing) return { rec: existing, added: false };
    return { rec: this.addAttribute(kind, id, input), added: true };
  }

  attribute(kind: ObjectKind, id: number, attributeValueId: number): AttributeRecord | undefined {
    return this.attributes(kind, id).find((a) => a.id === attributeValueId);
  }

  updateAttribute(kind: ObjectKind, id: number, attributeValueId: number, patch: { name?: string; value?: string }): AttributeRecord {
    const rec = this.attribute(kind, id, attributeValueId);
    if (!rec) throw notFound(`Attribute ${attributeValueId}`);
    if (patch.name !== undefined && patch.name !== rec.name) {
      let attributeId = this.#attributeNames.get(patch.name);
      if (attributeId === undefined) {
        attributeId = this.#attributeNames.size + 1;
        this.#attributeNames.set(patch.name, attributeId);
      }
      rec.name = patch.name;
      rec.attributeId = attributeId;
    }
    if (patch.value !== undefined) rec.value = patch.value;
    rec.updatedAt = this.nowSeconds();
    return rec;
  }

  deleteAttribute(kind: ObjectKind, id: number, attributeValueId: number): boolean {
    const key = kindKey(kind, id);
    const list = this.#attributes.get(key) ?? [];
    const rest = list.filter((a) => a.id !== attributeValueId);
    this.#attributes.set(key, rest);
    return rest.length !== list.length;
  }

  // ---- relations (stored both ways, one pivot) ----

  relate(a: ObjectKind, aId: number, b: ObjectKind, bId: number): { pivot: Pivot; added: boolean } {
    const ka = kindKey(a, aId);
    const kb = kindKey(b, bId);
    const existing = this.#relations.get(ka)?.get(kb);
    if (existing) return { pivot: existing, added: false };
    const pivot: Pivot = { id: ++this.#pivotSeq, createdAt: this.nowSeconds() };
    this.#edgeMap(ka).set(kb, pivot);
    this.#edgeMap(kb).set(ka, pivot);
    return { pivot, added: true };
  }

  unrelate(a: ObjectKind, aId: number, b: ObjectKind, bId: number): boolean {
    const ka = kindKey(a, aId);
    const kb = kindKey(b, bId);
    const had = this.#relations.get(ka)?.delete(kb) ?? false;
    this.#relations.get(kb)?.delete(ka);
    return had;
  }

  /** Related objects, optionally of one kind, in the order they were linked. */
  related(kind: ObjectKind, id: number, of?: ObjectKind): RelationView[] {
    const edges = this.#relations.get(kindKey(kind, id));
    if (!edges) return [];
    const out: RelationView[] = [];
    for (const [key, pivot] of edges) {
      const sep = key.indexOf(':');
      const k = key.slice(0, sep) as ObjectKind;
      if (of !== undefined && k !== of) continue;
      out.push({ kind: k, id: Number(key.slice(sep + 1)), pivotId: pivot.id });
    }
    return out;
  }

  pivot(a: ObjectKind, aId: number, b: ObjectKind, bId: number): Pivot | undefined {
    return this.#relations.get(kindKey(a, aId))?.get(kindKey(b, bId));
  }

  #edgeMap(key: string): Map<string, Pivot> {
    let m = this.#relations.get(key);
    if (!m) {
      m = new Map();
      this.#relations.set(key, m);
    }
    return m;
  }

  // ---- Threat Library saved searches ----

  createSavedSearch(name: string, json: unknown): SavedSearchRecord {
    if (typeof name !== 'string' || name.trim() === '') throw fieldError('name', 'The name field is required.');
    if (this.savedSearches.some((s) => s.name === name)) throw fieldError('name', 'The name has already been taken.');
    let parsed: unknown = json;
    if (typeof json === 'string') {
      try {
        parsed = JSON.parse(json);
      } catch {
        throw fieldError('json', 'The json must be a valid JSON string.');
      }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fieldError('json', 'The json field is required.');
    const doc = parsed as Record<string, unknown>;
    const api = (doc.api_query ?? {}) as Record<string, unknown>;
    const ui = (doc.ui_query ?? {}) as Record<string, unknown>;
    const objects = (ui.objects ?? {}) as Record<string, unknown>;
    const now = this.nowSeconds();
    const id = this.savedSearches.length + 1;
    const rec: SavedSearchRecord = {
      id,
      hash: md5(`saved-search:${id}:${name}`),
      name,
      json: typeof json === 'string' ? json : JSON.stringify(json),
      apiQuery: { criteria: api.criteria ?? {}, filters: api.filters ?? {} },
      objectCollection: typeof objects.current === 'string' ? objects.current : 'indicators',
      createdAt: now,
      updatedAt: now,
    };
    this.savedSearches.push(rec);
    return rec;
  }

  savedSearchByHash(hash: string): SavedSearchRecord | undefined {
    return this.savedSearches.find((s) => s.hash === hash || String(s.id) === hash);
  }

  savedSearchByName(name: string): SavedSearchRecord | undefined {
    return this.savedSearches.find((s) => s.name === name);
  }

  /**
   * A Threat Library collection whose members are the indicators tagged with its name (plus
   * optional filters): membership changes by tagging, and type/status filters re-evaluate live.
   */
  createCollection(name: string, options: CollectionOptions = {}): SavedSearchRecord {
    this.tag(name);
    const criteria = { '+and': [{ tags: name }] };
    const filters = options.filters ?? {};
    return this.createSavedSearch(name, {
      ui_query: {
        objects: { current: 'indicators' },
        criteria: [{ field: 'tags', operator: 'is', value: name }],
      },
      api_query: { criteria, filters },
    });
  }

  #collectionTag(name: string): TagRecord {
    if (!this.savedSearchByName(name)) throw notFound(`Collection '${name}'`);
    return this.tag(name);
  }

  addToCollection(name: string, ids: number | number[]): void {
    const tag = this.#collectionTag(name);
    for (const id of Array.isArray(ids) ? ids : [ids]) this.tagIndicator(id, tag.name);
  }

  removeFromCollection(name: string, ids: number | number[]): void {
    const tag = this.#collectionTag(name);
    for (const id of Array.isArray(ids) ? ids : [ids]) this.untagIndicator(id, tag.id);
  }

  // ---- test-facing views ----

  #attributeViews(kind: ObjectKind, id: number) {
    return this.attributes(kind, id).map((a) => ({ id: a.id, name: a.name, value: a.value }));
  }

  #sourceNames(kind: ObjectKind, id: number): string[] {
    return this.sourceLinks(kind, id).map((l) => this.sources[l.sourceId - 1]?.name ?? '');
  }

  indicatorView(id: number): IndicatorView | undefined {
    if (!this.indicators.has(id)) return undefined;
    const t = this.indicators;
    const i = id - 1;
    return {
      id,
      value: t.value(id),
      typeName: this.indicatorType(t.typeId(id))?.name ?? '',
      statusName: this.status(t.statusId(id))?.name ?? '',
      score: t.scores[i] as number,
      description: t.descriptions.get(id) ?? null,
      createdAt: formatTqDate(t.createdAt[i] as number),
      updatedAt: formatTqDate(t.updatedAt[i] as number),
      touchedAt: formatTqDate(t.touchedAt[i] as number),
      tags: this.indicatorTagIds(id).map((tid) => this.tags[tid - 1]?.name ?? ''),
      attributes: this.#attributeViews('indicator', id),
      sources: this.#sourceNames('indicator', id),
    };
  }

  /** Every indicator as a view; use filters for large stores. */
  listIndicators(filter: { typeName?: string; value?: string } = {}): IndicatorView[] {
    const ids = filter.value !== undefined ? this.indicators.idsWithValue(filter.value) : Array.from({ length: this.indicators.count }, (_, i) => i + 1);
    return ids.map((id) => this.indicatorView(id) as IndicatorView).filter((v) => filter.typeName === undefined || v.typeName === filter.typeName);
  }

  eventView(id: number): EventView | undefined {
    const e = this.event(id);
    if (!e) return undefined;
    return {
      id: e.id,
      title: e.title,
      typeName: this.eventType(e.typeId)?.name ?? '',
      description: e.description,
      happenedAt: formatTqDate(e.happenedAt),
      attributes: this.#attributeViews('event', id),
      sources: this.#sourceNames('event', id),
      indicators: this.related('event', id, 'indicator').map((r) => {
        const v = this.indicatorView(r.id) as IndicatorView;
        return { id: r.id, value: v.value, typeName: v.typeName, statusName: v.statusName };
      }),
      assets: this.related('event', id, 'asset').map((r) => ({ id: r.id, value: this.asset(r.id)?.value ?? '' })),
    };
  }

  listEvents(filter: { title?: string; typeName?: string } = {}): EventView[] {
    const recs = filter.title !== undefined ? this.eventsWithTitle(filter.title) : this.events;
    return recs.map((e) => this.eventView(e.id) as EventView).filter((v) => filter.typeName === undefined || v.typeName === filter.typeName);
  }

  countEventsByTitle(title: string): number {
    return this.#eventsByTitle.get(title)?.length ?? 0;
  }

  /** Events carrying an attribute `name` with exactly this value (e.g. a Darktrace alert id). */
  countEventsByAttribute(name: string, value: string): number {
    let n = 0;
    for (const e of this.events) if (this.attributes('event', e.id).some((a) => a.name === name && a.value === value)) n++;
    return n;
  }

  assetView(id: number): AssetView | undefined {
    const a = this.asset(id);
    if (!a) return undefined;
    return { id, value: a.value, description: a.description, attributes: this.#attributeViews('asset', id), sources: this.#sourceNames('asset', id) };
  }

  listAssets(): AssetView[] {
    return this.assets.map((a) => this.assetView(a.id) as AssetView);
  }

  relationsOf(kind: ObjectKind, id: number): RelationView[] {
    return this.related(kind, id);
  }
}

