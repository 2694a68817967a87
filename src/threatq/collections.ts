import { ConnectorError, EXIT } from '../errors.ts';
import { printable } from '../log/printable.ts';
import { asList, type ApiAnswer, type ThreatQApi } from './api.ts';
import { TQ_ERROR, tqError } from './errors.ts';
import type { Lookups } from './lookups.ts';
import { nameOf, num, str, toSavedSearch } from './records.ts';
import type { CollectionIndicator, SavedSearch } from './types.ts';
import { seg } from './url.ts';

type Obj = Record<string, unknown>;

/** How to page a collection: by its hash with a cursor, by its saved api_query with offsets, or hash when it has one. */
export type CollectionStrategy = 'auto' | 'hash' | 'query';

export async function listSavedSearches(api: ThreatQApi): Promise<SavedSearch[]> {
  const answer = await api.call({ method: 'GET', path: '/api/search/query', operation: 'threatq.collections.list' });
  return asList(answer.data)
    .map(toSavedSearch)
    .filter((s): s is SavedSearch => s !== undefined);
}

/** The saved search with exactly this name; an unknown name fails listing the names that exist. */
export async function findSavedSearch(api: ThreatQApi, name: string): Promise<SavedSearch> {
  const all = await listSavedSearches(api);
  const hit = all.find((s) => s.name === name);
  if (hit) return hit;
  const names = [...new Set(all.map((s) => s.name))].sort((a, b) => a.localeCompare(b));
  const close = all.find((s) => s.name.trim().toLowerCase() === name.trim().toLowerCase());
  throw tqError(
    TQ_ERROR.collectionUnknown,
    // Names come from ThreatQ: one with a line break must not print a line of its own.
    `ThreatQ has no Threat Library collection named '${printable(name)}'; collections that exist: ${names.length === 0 ? '(none)' : names.map((n) => `'${printable(n)}'`).join(', ')}`,
    EXIT.usage,
    close
      ? `Names must match exactly: did you mean '${printable(close.name)}'?`
      : 'Give collection names exactly as ThreatQ shows them (case and spaces count), separated by commas',
  );
}

/**
 * What the export reads of each member. With `fields=` ThreatQ sends ~40 bytes per indicator
 * instead of ~600 (the whole record with its nested type and status): a million-indicator
 * collection is 40 MB on the wire, not 600 MB. `type` may come back as a name or an object and
 * `type_id` covers a server that projects only plain columns.
 */
export const COLLECTION_FIELDS: readonly string[] = ['id', 'value', 'type_id', 'type'];

/**
 * Whether walks that start from now on ask for the projection. A ThreatQ that refuses `fields`
 * (HTTP 400/422) or answers a projected page without the value or type of a member is read as
 * whole records from then on: the projection's record shape is the least documented part of the
 * API (see `pageWithFallback`).
 */
export interface ProjectionState {
  fields: boolean;
}

/** Why a page cannot be used: the first member that lacks an id, a value or any form of type. */
function incompleteMember(records: readonly unknown[]): string | undefined {
  for (const r of records) {
    const raw = r !== null && typeof r === 'object' ? (r as Obj) : {};
    const id = num(raw.id);
    if (id === undefined) return 'a member without an id';
    if (str(raw.value) === undefined) return `member ${id} without a value`;
    if (nameOf(raw.type) === undefined && num(raw.type_id) === undefined && num((raw.type as Obj | undefined)?.id) === undefined) return `member ${id} without a type`;
  }
  return undefined;
}

/** A page of whole records that still lacks a member's id, value or type cannot be used. */
function requireComplete(answer: ApiAnswer, where: string): ApiAnswer {
  const bad = incompleteMember(asList(answer.data));
  if (bad !== undefined) {
    // Dropping it would remove the entry from Darktrace as if it had left the collection.
    throw new ConnectorError('E_TQ_COLLECTION_RECORD', `ThreatQ listed ${bad} in ${where}; the export stopped before changing anything`, {
      exitCode: EXIT.unavailable,
      hint: 'Usually transient; if it repeats, check the indicator in ThreatQ\'s Threat Library and report it with the log file',
    });
  }
  return answer;
}

/** Member records of a checked page (`pageWithFallback`) into the export's shape; type names come from the lookup table when only ids came back. */
async function toCollectionIndicators(lookups: Lookups, records: readonly unknown[]): Promise<CollectionIndicator[]> {
  let typeNames: Map<number, string> | undefined;
  const out: CollectionIndicator[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const raw = records[i] as Obj;
    let typeName = nameOf(raw.type);
    if (typeName === undefined) {
      typeNames ??= new Map((await lookups.indicatorTypes()).map((t) => [t.id, t.name]));
      typeName = typeNames.get((num(raw.type_id) ?? num((raw.type as Obj | undefined)?.id)) as number);
    }
    const ind: CollectionIndicator = { id: num(raw.id) as number, value: str(raw.value) as string, typeName: typeName ?? '' };
    if (raw.status !== undefined || raw.status_id !== undefined) {
      let statusName = nameOf(raw.status);
      const statusId = num(raw.status_id);
      if (statusName === undefined && statusId !== undefined) statusName = await lookups.indicatorStatusName(statusId);
      if (statusName !== undefined) ind.statusName = statusName;
    }
    const updatedAt = str(raw.updated_at);
    if (updatedAt !== undefined) ind.updatedAt = updatedAt;
    out[i] = ind;
  }
  return out;
}

/** One collection's walk: whether its pages are still asked for projected. */
interface WalkMode {
  fields: boolean;
}

/**
 * One page, projected while this walk may ask for it. A projected page that is refused as sent
 * (400, 422) or comes back without what the export needs is fetched again as whole records — the
 * same cursor or offset, which name a position in the listing, not a shape — before any of it is
 * used; the walk, and every walk that starts later in the run, then asks for whole records.
 */
async function pageWithFallback(
  api: ThreatQApi,
  projection: ProjectionState,
  walk: WalkMode,
  fetch: (fields: boolean) => Promise<ApiAnswer>,
  collection: string,
  where: string,
): Promise<ApiAnswer> {
  if (!walk.fields) return requireComplete(await fetch(false), where);
  let why: string;
  try {
    const answer = await fetch(true);
    const bad = incompleteMember(asList(answer.data));
    if (bad === undefined) return answer;
    why = `its answer had ${bad}`;
  } catch (error) {
    // Only a refusal of the request as sent can be about the field list; a vanished collection,
    // rate limits and access problems stay what they are.
    if (!(ConnectorError.is(error) && error.code === TQ_ERROR.request && (error.httpStatus === 400 || error.httpStatus === 422))) throw error;
    why = `it refused the request (${error.message})`;
  }
  walk.fields = false;
  // Collections read side by side may all learn it at once; one warning says it.
  const first = projection.fields;
  projection.fields = false;
  if (first) api.logger.warn('threatq.collection.projection', `ThreatQ did not take the field list of a collection query (${why}); reading '${collection}' as whole records instead, which is slower`, {
    collection,
  });
  return requireComplete(await fetch(false), where);
}

/**
 * GET /api/indicators/query/hash/{hash} with cursorMark paging, a page at a time. Stops on an
 * empty page (ThreatQ may send `data: {}`), a missing cursor, or a cursor that stops changing.
 * The next page is requested as soon as a page's cursor is known, so ThreatQ assembles it while
 * this one is being consumed (one page ahead at most).
 */
export async function* indicatorPagesByHash(
  api: ThreatQApi,
  lookups: Lookups,
  search: { name: string; hash: string },
  pageSize: number,
  projection: ProjectionState = { fields: true },
): AsyncGenerator<CollectionIndicator[]> {
  let cursor = '*';
  let read = 0;
  let total: number | undefined;
  const fetchPage = (mark: string, fields: boolean) =>
    api.call({
      method: 'GET',
      path: `/api/indicators/query/hash/${seg(search.hash)}`,
      query: fields ? { limit: pageSize, cursorMark: mark, fields: COLLECTION_FIELDS.join(',') } : { limit: pageSize, cursorMark: mark },
      operation: 'threatq.collections.page',
    });
  const walk: WalkMode = { fields: projection.fields };
  const fetchAt = (mark: string, page: number) => pageWithFallback(api, projection, walk, (fields) => fetchPage(mark, fields), search.name, `page ${page} of collection '${search.name}'`);
  let pending: Promise<ApiAnswer> | undefined = fetchAt(cursor, 1);
  try {
    for (let page = 1; ; page++) {
      const answer: ApiAnswer = await (pending as Promise<ApiAnswer>);
      pending = undefined;
      const records = asList(answer.data);
      const obj = answer.json as Obj | undefined;
      const next = str(obj?.nextCursorMark);
      read += records.length;
      if (answer.total !== undefined) total = answer.total;
      api.logger.debug('threatq.collection.page', `Read page ${page} of a ThreatQ collection`, { page, items: records.length, total: answer.total });
      const last = records.length === 0 || next === undefined || next === '' || next === cursor;
      if (!last) {
        cursor = next;
        pending = fetchAt(cursor, page + 1);
        // Awaited on the next turn; until then a failure must not count as unhandled.
        pending.catch(() => undefined);
      }
      if (records.length > 0) yield await toCollectionIndicators(lookups, records);
      if (last) return checkComplete(search.hash, read, total);
    }
  } finally {
    // A consumer that stops early leaves at most one page in flight; let it finish unobserved.
    pending?.catch(() => undefined);
  }
}

/** POST /api/indicators/query with the saved api_query, paging by limit/offset until total is reached. */
export async function* indicatorPagesByQuery(
  api: ThreatQApi,
  lookups: Lookups,
  search: { name: string; apiQuery: Record<string, unknown> },
  pageSize: number,
  projection: ProjectionState = { fields: true },
): AsyncGenerator<CollectionIndicator[]> {
  let offset = 0;
  const walk: WalkMode = { fields: projection.fields };
  const fetchPage = (fields: boolean) =>
    api.call({
      method: 'POST',
      path: '/api/indicators/query',
      query: { limit: pageSize, offset, sort: 'id' },
      // threatqsdk's way: the saved api_query with the wanted fields added.
      body: fields ? { ...search.apiQuery, fields: [...COLLECTION_FIELDS] } : search.apiQuery,
      // A query changes nothing, so repeating it is safe.
      idempotent: true,
      operation: 'threatq.collections.page',
    });
  for (let page = 1; ; page++) {
    const answer = await pageWithFallback(api, projection, walk, fetchPage, search.name, `page ${page} of collection '${search.name}'`);
    const records = asList(answer.data);
    if (records.length > 0) yield await toCollectionIndicators(lookups, records);
    offset += records.length;
    api.logger.debug('threatq.collection.page', `Read page ${page} of a ThreatQ collection`, { page, items: records.length, total: answer.total });
    if (records.length === 0) return checkComplete('saved query', offset, answer.total);
    if (answer.total !== undefined ? offset >= answer.total : records.length < pageSize) return;
  }
}

/** Pages through a saved search: by hash when it has one (stable cursor), else by its api_query. */
export async function* collectionPages(
  api: ThreatQApi,
  lookups: Lookups,
  search: SavedSearch,
  pageSize: number,
  strategy: CollectionStrategy = 'auto',
  projection: ProjectionState = { fields: true },
): AsyncGenerator<CollectionIndicator[]> {
  const useHash = strategy === 'hash' || (strategy === 'auto' && search.hash !== undefined);
  if (useHash && search.hash !== undefined) return yield* indicatorPagesByHash(api, lookups, { name: search.name, hash: search.hash }, pageSize, projection);
  if (strategy !== 'hash' && search.apiQuery !== undefined) return yield* indicatorPagesByQuery(api, lookups, { name: search.name, apiQuery: search.apiQuery }, pageSize, projection);
  throw tqError(
    TQ_ERROR.collectionQuery,
    `The ThreatQ collection '${search.name}' has ${strategy === 'hash' ? 'no hash' : 'neither a hash nor a saved api_query'} to run`,
    EXIT.usage,
    'Open and save the collection again in ThreatQ\'s Threat Library, or choose another collection',
  );
}

/**
 * A collection read that ends before ThreatQ's own total is incomplete: exporting it would
 * remove from Darktrace every entry on the missing pages. Fail instead; the next run retries.
 */
function checkComplete(what: string, read: number, total: number | undefined): void {
  if (total !== undefined && read < total) {
    throw new ConnectorError(
      'E_TQ_COLLECTION_SHORT',
      `ThreatQ ended the collection listing (${what}) after ${read} of ${total} indicators; the export stopped before changing anything`,
      { exitCode: EXIT.unavailable, hint: 'Usually transient (ThreatQ under load); the next run reads the collection again' },
    );
  }
}
