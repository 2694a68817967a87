import { ConnectorError, EXIT } from '../errors.ts';
import { asList, asObject, type ThreatQApi } from './api.ts';
import { TQ_ERROR, tqError } from './errors.ts';
import { num, str } from './records.ts';
import type { NamedId } from './types.ts';

const LIST_LIMIT = 1000;

function quoteList(names: string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `'${n}'`).join(', ');
}

/**
 * Name → id look-ups, each list fetched once per client. Ids differ between ThreatQ instances,
 * so nothing here is ever assumed.
 */
export class Lookups {
  readonly #api: ThreatQApi;
  readonly #lists = new Map<string, Promise<NamedId[]>>();
  readonly #eventTypeCreations = new Map<string, Promise<number>>();
  #assetCollection: Promise<string | undefined> | undefined;

  constructor(api: ThreatQApi) {
    this.#api = api;
  }

  indicatorTypes(): Promise<NamedId[]> {
    return this.#list('/api/indicator/types', 'threatq.indicator_types');
  }

  indicatorStatuses(): Promise<NamedId[]> {
    return this.#list('/api/indicator/statuses', 'threatq.indicator_statuses');
  }

  eventTypes(): Promise<NamedId[]> {
    return this.#list('/api/event/types', 'threatq.event_types');
  }

  async indicatorTypeId(name: string): Promise<number> {
    const types = await this.indicatorTypes();
    const hit = types.find((t) => t.name === name);
    if (hit) return hit.id;
    throw tqError(
      TQ_ERROR.typeUnknown,
      `ThreatQ has no indicator type named '${name}'; types that exist: ${quoteList(types.map((t) => t.name))}`,
      EXIT.usage,
      'The connector needs the standard ThreatQ indicator types; ask the ThreatQ administrator whether this one was renamed or removed',
    );
  }

  async indicatorTypeName(id: number): Promise<string | undefined> {
    return (await this.indicatorTypes()).find((t) => t.id === id)?.name;
  }

  async indicatorStatusId(name: string): Promise<number> {
    const statuses = await this.indicatorStatuses();
    const hit = statuses.find((s) => s.name === name);
    if (hit) return hit.id;
    throw tqError(
      TQ_ERROR.statusUnknown,
      `ThreatQ has no indicator status named '${name}'; statuses that exist: ${quoteList(statuses.map((s) => s.name))}`,
      EXIT.usage,
      'Set the default indicator status to one of these names, spelled exactly as shown',
    );
  }

  async indicatorStatusName(id: number): Promise<string | undefined> {
    return (await this.indicatorStatuses()).find((s) => s.id === id)?.name;
  }

  async eventTypeId(name: string): Promise<number | undefined> {
    return (await this.eventTypes()).find((t) => t.name === name)?.id;
  }

  /** The id of the event type with this exact name, creating the type when it is missing. */
  async ensureEventType(name: string): Promise<number> {
    const existing = await this.eventTypeId(name);
    if (existing !== undefined) return existing;
    let p = this.#eventTypeCreations.get(name);
    if (!p) {
      p = this.#createEventType(name);
      this.#eventTypeCreations.set(name, p);
      p.catch(() => this.#eventTypeCreations.delete(name));
    }
    return p;
  }

  async #createEventType(name: string): Promise<number> {
    let created: number | undefined;
    try {
      const answer = await this.#api.call({ method: 'POST', path: '/api/event/types', body: { name }, operation: 'threatq.event_types.create' });
      created = num(asObject(answer.data)?.id);
    } catch (error) {
      // Another run may have created it between our look-up and our POST ("already taken").
      if (!ConnectorError.is(error) || (error.code !== TQ_ERROR.request && error.code !== TQ_ERROR.api)) throw error;
      this.#lists.delete('/api/event/types');
      const again = await this.eventTypeId(name);
      if (again !== undefined) return again;
      throw error;
    }
    this.#lists.delete('/api/event/types');
    if (created === undefined) {
      created = await this.eventTypeId(name);
      if (created === undefined) throw tqError(TQ_ERROR.api, `ThreatQ did not return an id for the new event type '${name}'`, EXIT.unavailable);
    }
    this.#api.logger.info('threatq.event_type.created', `Created the ThreatQ event type '${name}'`, { name, id: created });
    return created;
  }

  /**
   * The URL segment of the Asset object ("asset" on most instances, "assets" on some), read from
   * /api/objects; undefined when the instance has no Asset object.
   */
  assetCollection(): Promise<string | undefined> {
    if (!this.#assetCollection) {
      const p = this.#findAssetCollection();
      this.#assetCollection = p;
      p.catch(() => {
        if (this.#assetCollection === p) this.#assetCollection = undefined;
      });
    }
    return this.#assetCollection;
  }

  async #findAssetCollection(): Promise<string | undefined> {
    const answer = await this.#api.call({ method: 'GET', path: '/api/objects', operation: 'threatq.objects' });
    for (const o of asList(answer.data)) {
      const collection = str(o.collection);
      const names = [collection, str(o.name), str(o.display_name)].map((s) => s?.toLowerCase());
      if (names.some((n) => n === 'asset' || n === 'assets')) return collection ?? str(o.name)?.toLowerCase();
    }
    return undefined;
  }

  #list(path: string, operation: string): Promise<NamedId[]> {
    let p = this.#lists.get(path);
    if (!p) {
      p = this.#fetchAll(path, operation);
      this.#lists.set(path, p);
      const mine = p;
      p.catch(() => {
        if (this.#lists.get(path) === mine) this.#lists.delete(path);
      });
    }
    return p;
  }

  async #fetchAll(path: string, operation: string): Promise<NamedId[]> {
    const out: NamedId[] = [];
    let offset = 0;
    for (;;) {
      const answer = await this.#api.call({ method: 'GET', path, query: { limit: LIST_LIMIT, offset }, operation });
      const page = asList(answer.data);
      for (const item of page) {
        const id = num(item.id);
        const name = str(item.name);
        if (id !== undefined && name !== undefined && !out.some((x) => x.id === id)) out.push({ id, name });
      }
      offset += page.length;
      // Servers that ignore limit/offset send everything at once with total = length.
      if (page.length < LIST_LIMIT || answer.total === undefined || offset >= answer.total) return out;
    }
  }
}
