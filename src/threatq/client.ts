import type { Clock } from '../clock.ts';
import { EXIT } from '../errors.ts';
import type { HttpTransport } from '../http/types.ts';
import type { Logger } from '../log/entry.ts';
import { asList, asObject, ThreatQApi } from './api.ts';
import { TokenManager } from './auth/tokenManager.ts';
import type { TokenStore } from './auth/tokenStore.ts';
import { collectionPages, findSavedSearch, listSavedSearches, type CollectionStrategy, type ProjectionState } from './collections.ts';
import { consumeInBatches } from './consume.ts';
import { TQ_ERROR, tqError } from './errors.ts';
import { Lookups } from './lookups.ts';
import { attributesWire, compact, idsWire, nameOf, num, sourcesWire, str, toAttribute, toEvent, toIndicator, toRelated } from './records.ts';
import { SecretKeeper, type SecretSink } from './secrets.ts';
import type {
  AssetInput,
  AttributeInput,
  BulkItemResult,
  BulkOptions,
  CollectionIndicator,
  EventInput,
  EventPatch,
  IndicatorInput,
  NamedId,
  PageOptions,
  SavedSearch,
  SourceInput,
  TqAttribute,
  TqEvent,
  TqIndicator,
  TqRelated,
} from './types.ts';
import { normalizeBaseUrl, seg } from './url.ts';

export interface ThreatQClientOptions {
  /** "host", "https://host" or "http://127.0.0.1:port" (simulator); a trailing /api is ignored. */
  baseUrl: string;
  clientId: string;
  /** The ThreatQ username (an e-mail address). */
  email: string;
  password: string;
  transport: HttpTransport;
  tokenStore: TokenStore;
  clock: Clock;
  logger: Logger;
  /** The run's log Redactor: told the password and every token, so no log line can show them. */
  redactor?: SecretSink;
  /** Items per consume call (default 500, threatqsdk's batch). */
  batchSize?: number;
  /** Items per collection page (default 1000). */
  pageSize?: number;
  /** Renew the token this long before it expires (default 60 s). */
  refreshMarginMs?: number;
  /** Ask collection queries for only the fields the export needs (default true; falls back by itself). */
  projectFields?: boolean;
}

const RELATED_PAGE = 1000;

type Obj = Record<string, unknown>;

/** Typed access to the ThreatQ REST API for the ingest and export pipelines and `doctor`. */
export class ThreatQClient {
  readonly baseUrl: string;
  readonly #api: ThreatQApi;
  readonly #tokens: TokenManager;
  readonly #lookups: Lookups;
  readonly #batchSize: number;
  readonly #pageSize: number;
  readonly #projection: ProjectionState;

  constructor(options: ThreatQClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    const secrets = new SecretKeeper(options.redactor);
    this.#tokens = new TokenManager({ ...options, baseUrl: this.baseUrl, secrets });
    this.#api = new ThreatQApi({ baseUrl: this.baseUrl, transport: options.transport, tokens: this.#tokens, secrets, logger: options.logger });
    this.#lookups = new Lookups(this.#api);
    this.#batchSize = options.batchSize ?? 500;
    this.#pageSize = options.pageSize ?? 1000;
    this.#projection = { fields: options.projectFields ?? true };
  }

  // ---- authentication ----

  /** Ensures a usable token (stored, refreshed or new); fails with E_TQ_LOGIN on bad credentials. */
  async authenticate(): Promise<void> {
    await this.#tokens.accessToken();
  }

  /** Logs in with the password even if a stored token exists (doctor's credential check). */
  login(): Promise<void> {
    return this.#tokens.login();
  }

  // ---- look-ups (cached per client) ----

  indicatorTypeId(name: string): Promise<number> {
    return this.#lookups.indicatorTypeId(name);
  }

  /** Fails with E_TQ_STATUS_UNKNOWN listing the statuses that exist. */
  indicatorStatusId(name: string): Promise<number> {
    return this.#lookups.indicatorStatusId(name);
  }

  indicatorStatuses(): Promise<NamedId[]> {
    return this.#lookups.indicatorStatuses();
  }

  /** Undefined when no event type has this exact name. */
  eventTypeId(name: string): Promise<number | undefined> {
    return this.#lookups.eventTypeId(name);
  }

  /** The event type's id, creating the type (POST /api/event/types) when it is missing. */
  ensureEventType(name: string): Promise<number> {
    return this.#lookups.ensureEventType(name);
  }

  /** "asset" or "assets" as /api/objects lists it; undefined when the instance has no Asset object. */
  findAssetCollection(): Promise<string | undefined> {
    return this.#lookups.assetCollection();
  }

  async assetCollection(): Promise<string> {
    const c = await this.#lookups.assetCollection();
    if (c !== undefined) return c;
    throw tqError(
      TQ_ERROR.assetsUnsupported,
      `ThreatQ at ${new URL(this.baseUrl).host} lists no Asset object in /api/objects`,
      EXIT.usage,
      'Assets need a ThreatQ version with the Asset system object; upgrade ThreatQ or ask its administrator to enable Assets',
    );
  }

  // ---- events ----

  /** POST /api/events (not idempotent: look the title up first when a retry could duplicate). */
  async createEvent(input: EventInput): Promise<TqEvent> {
    const typeId = await this.#lookups.ensureEventType(input.typeName);
    const answer = await this.#api.call({
      method: 'POST',
      path: '/api/events',
      body: compact({
        title: input.title,
        type: input.typeName,
        type_id: typeId,
        happened_at: input.happenedAt,
        description: input.description,
        sources: sourcesWire(input.sources),
        attributes: attributesWire(input.attributes),
      }),
      idempotent: false,
      operation: 'threatq.events.create',
    });
    return this.#oneEvent(answer.data, 'POST /api/events');
  }

  async updateEvent(id: number, patch: EventPatch): Promise<TqEvent> {
    const typeId = patch.typeName === undefined ? undefined : await this.#lookups.ensureEventType(patch.typeName);
    const answer = await this.#api.call({
      method: 'PUT',
      path: `/api/events/${seg(id)}`,
      body: compact({ title: patch.title, type_id: typeId, happened_at: patch.happenedAt, description: patch.description }),
      idempotent: true,
      operation: 'threatq.events.update',
    });
    return this.#oneEvent(answer.data, `PUT /api/events/${id}`);
  }

  /** Undefined when ThreatQ has no event with this id (404). */
  async getEvent(id: number): Promise<TqEvent | undefined> {
    const answer = await this.#api.call({ method: 'GET', path: `/api/events/${seg(id)}`, operation: 'threatq.events.get', allow404: true });
    if (answer === undefined) return undefined;
    return toEvent(asObject(answer.data) ?? {});
  }

  /** Events whose title is exactly this one, oldest (lowest id) first. */
  async findEventsByTitle(title: string): Promise<TqEvent[]> {
    const answer = await this.#api.call({ method: 'GET', path: '/api/events', query: { title }, operation: 'threatq.events.find' });
    return asList(answer.data)
      .map(toEvent)
      .filter((e): e is TqEvent => e !== undefined && e.title === title)
      .sort((a, b) => a.id - b.id);
  }

  async findEventByTitle(title: string): Promise<TqEvent | undefined> {
    return (await this.findEventsByTitle(title))[0];
  }

  /**
   * POST /api/events/consume in batches; ids mapped back by title. Not idempotent: a batch is
   * never repeated by the transport, and the caller looks titles up before trying again.
   */
  async createEvents(items: EventInput[], options: BulkOptions<EventInput> = {}): Promise<BulkItemResult<EventInput>[]> {
    for (const name of new Set(items.map((i) => i.typeName))) await this.#lookups.ensureEventType(name);
    return consumeInBatches({
      api: this.#api,
      collection: 'events',
      items,
      batchSize: options.batchSize ?? this.#batchSize,
      toWire: (e) =>
        compact({
          title: e.title,
          description: e.description,
          type: { name: e.typeName },
          happened_at: e.happenedAt,
          sources: sourcesWire(e.sources),
          attributes: attributesWire(e.attributes),
        }),
      itemKeys: (e) => [e.title, fold(e.title)],
      recordKeys: (r) => {
        const t = str(r.title) ?? '';
        return [t, fold(t)];
      },
      label: (e) => `the event '${e.title}'`,
      idempotent: false,
      operation: 'threatq.events.consume',
      onBatch: options.onBatch,
    });
  }

  // ---- indicators ----

  /**
   * POST /api/indicators/consume in batches (ThreatQ de-duplicates by value and type, so this is
   * an upsert and safe to repeat); ids mapped back by value+type. Unknown type or status names
   * fail before anything is sent.
   */
  async upsertIndicators(items: IndicatorInput[], options: BulkOptions<IndicatorInput> = {}): Promise<BulkItemResult<IndicatorInput>[]> {
    const typeNameById = new Map<number, string>();
    for (const name of new Set(items.map((i) => i.typeName))) typeNameById.set(await this.#lookups.indicatorTypeId(name), name);
    for (const name of new Set(items.map((i) => i.statusName))) await this.#lookups.indicatorStatusId(name);
    const typeOf = (r: Obj) => nameOf(r.type) ?? typeNameById.get(num(r.type_id) ?? -1) ?? '';
    return consumeInBatches({
      api: this.#api,
      collection: 'indicators',
      items,
      batchSize: options.batchSize ?? this.#batchSize,
      toWire: (i) =>
        compact({
          value: i.value,
          description: i.description,
          type: { name: i.typeName },
          status: { name: i.statusName },
          sources: sourcesWire(i.sources),
          events: idsWire(i.eventIds),
          attributes: attributesWire(i.attributes),
        }),
      itemKeys: (i) => [`${i.typeName}\u0000${i.value}`, `${i.typeName}\u0000${fold(i.value)}`, fold(i.value)],
      recordKeys: (r) => {
        const v = str(r.value) ?? '';
        const t = typeOf(r);
        return [`${t}\u0000${v}`, `${t}\u0000${fold(v)}`, fold(v)];
      },
      label: (i) => `the ${i.typeName} indicator '${i.value}'`,
      idempotent: true,
      operation: 'threatq.indicators.consume',
      onBatch: options.onBatch,
    });
  }

  /** Indicators with exactly this value (and type, when given). */
  async findIndicators(value: string, typeName?: string): Promise<TqIndicator[]> {
    const answer = await this.#api.call({ method: 'GET', path: '/api/indicators', query: { value, with: 'type,status' }, operation: 'threatq.indicators.find' });
    const found: TqIndicator[] = [];
    for (const raw of asList(answer.data)) {
      const ind = toIndicator(raw);
      if (!ind || ind.value !== value) continue;
      if (ind.typeName === undefined && ind.typeId !== undefined) ind.typeName = await this.#lookups.indicatorTypeName(ind.typeId);
      if (ind.statusName === undefined && ind.statusId !== undefined) ind.statusName = await this.#lookups.indicatorStatusName(ind.statusId);
      if (typeName === undefined || ind.typeName === typeName) found.push(ind);
    }
    return found;
  }

  // ---- assets ----

  /** POST /api/{asset collection}/consume in batches; ids mapped back by value. */
  async upsertAssets(items: AssetInput[], options: BulkOptions<AssetInput> = {}): Promise<BulkItemResult<AssetInput>[]> {
    if (items.length === 0) return [];
    const collection = await this.assetCollection();
    return consumeInBatches({
      api: this.#api,
      collection,
      items,
      batchSize: options.batchSize ?? this.#batchSize,
      toWire: (a) =>
        compact({
          value: a.value,
          description: a.description,
          sources: sourcesWire(a.sources),
          attributes: attributesWire(a.attributes),
          events: idsWire(a.eventIds),
          indicators: idsWire(a.indicatorIds),
        }),
      itemKeys: (a) => [a.value, fold(a.value)],
      recordKeys: (r) => {
        const v = str(r.value) ?? str(r.name) ?? '';
        return [v, fold(v)];
      },
      label: (a) => `the asset '${a.value}'`,
      idempotent: true,
      operation: 'threatq.assets.consume',
      onBatch: options.onBatch,
    });
  }

  // ---- attributes, sources, relations (any collection: "events", "indicators", "asset"…) ----

  async addAttribute(collection: string, id: number, attribute: AttributeInput): Promise<TqAttribute> {
    const answer = await this.#api.call({
      method: 'POST',
      path: `/api/${seg(collection)}/${seg(id)}/attributes`,
      body: attributesWire([attribute])?.[0],
      idempotent: false,
      operation: 'threatq.attributes.add',
    });
    const attr = toAttribute(asObject(answer.data) ?? {});
    if (!attr) throw tqError(TQ_ERROR.api, `ThreatQ did not return the attribute '${attribute.name}' added to ${collection}/${id}`, EXIT.internal);
    return attr;
  }

  async updateAttribute(collection: string, id: number, attributeId: number, value: string): Promise<void> {
    await this.#api.call({
      method: 'PUT',
      path: `/api/${seg(collection)}/${seg(id)}/attributes/${seg(attributeId)}`,
      body: { value },
      idempotent: true,
      operation: 'threatq.attributes.update',
    });
  }

  async listAttributes(collection: string, id: number): Promise<TqAttribute[]> {
    return this.#pagedRelated(`/api/${seg(collection)}/${seg(id)}/attributes`, { with: 'attribute' }, 'threatq.attributes.list', toAttribute);
  }

  /**
   * Makes the object carry `name = value` once: updates the first attribute of that name when its
   * value differs, adds it when absent. What an alert update needs, without duplicates.
   */
  async setAttribute(collection: string, id: number, attribute: AttributeInput): Promise<'added' | 'updated' | 'unchanged'> {
    const existing = (await this.listAttributes(collection, id)).find((a) => a.name === attribute.name);
    if (!existing) {
      await this.addAttribute(collection, id, attribute);
      return 'added';
    }
    if (existing.value === attribute.value) return 'unchanged';
    await this.updateAttribute(collection, id, existing.id, attribute.value);
    return 'updated';
  }

  async addSource(collection: string, id: number, source: SourceInput): Promise<void> {
    await this.#api.call({
      method: 'POST',
      path: `/api/${seg(collection)}/${seg(id)}/sources`,
      body: sourcesWire([source])?.[0],
      idempotent: false,
      operation: 'threatq.sources.add',
    });
  }

  /** POST /api/{collection}/{id}/{relatedCollection} with `[{"id": …}]`; returns the linked objects with their pivot ids. */
  async relate(collection: string, id: number, relatedCollection: string, relatedIds: number[]): Promise<TqRelated[]> {
    if (relatedIds.length === 0) return [];
    const answer = await this.#api.call({
      method: 'POST',
      path: `/api/${seg(collection)}/${seg(id)}/${seg(relatedCollection)}`,
      body: relatedIds.map((rid) => ({ id: rid })),
      idempotent: false,
      operation: 'threatq.relations.add',
    });
    return asList(answer.data)
      .map(toRelated)
      .filter((r): r is TqRelated => r !== undefined);
  }

  listRelated(collection: string, id: number, relatedCollection: string): Promise<TqRelated[]> {
    return this.#pagedRelated(`/api/${seg(collection)}/${seg(id)}/${seg(relatedCollection)}`, {}, 'threatq.relations.list', toRelated);
  }

  // ---- Threat Library collections ----

  listCollections(): Promise<SavedSearch[]> {
    return listSavedSearches(this.#api);
  }

  /** Fails with E_TQ_COLLECTION_UNKNOWN (EXIT.usage) listing the names that exist. */
  findCollection(name: string): Promise<SavedSearch> {
    return findSavedSearch(this.#api, name);
  }

  /** Every indicator of a collection, a page at a time (by hash+cursor when possible, else by api_query+offset). */
  collectionPages(search: SavedSearch, options: PageOptions & { strategy?: CollectionStrategy } = {}): AsyncGenerator<CollectionIndicator[]> {
    return collectionPages(this.#api, this.#lookups, search, options.pageSize ?? this.#pageSize, options.strategy, this.#projection);
  }

  /** Every indicator of a collection, one by one. */
  async *collectionIndicators(search: SavedSearch, options: PageOptions & { strategy?: CollectionStrategy } = {}): AsyncGenerator<CollectionIndicator> {
    for await (const page of this.collectionPages(search, options)) yield* page;
  }

  // ---- internals ----

  #oneEvent(data: unknown, where: string): TqEvent {
    const event = toEvent(asObject(data) ?? {});
    if (!event) throw tqError(TQ_ERROR.api, `ThreatQ's answer to ${where} carries no event id`, EXIT.internal);
    return event;
  }

  async #pagedRelated<T>(path: string, query: Record<string, string>, operation: string, map: (raw: Obj) => T | undefined): Promise<T[]> {
    const out: T[] = [];
    for (let offset = 0; ; ) {
      const answer = await this.#api.call({ method: 'GET', path, query: { ...query, limit: RELATED_PAGE, offset }, operation });
      const page = asList(answer.data);
      for (const raw of page) {
        const x = map(raw);
        if (x !== undefined) out.push(x);
      }
      offset += page.length;
      if (page.length < RELATED_PAGE || answer.total === undefined || offset >= answer.total) return out;
    }
  }
}

function fold(s: string): string {
  return s.trim().toLowerCase();
}

export type * from './types.ts';
export type { Tokens, TokenStore } from './auth/tokenStore.ts';
export type { CollectionStrategy } from './collections.ts';
