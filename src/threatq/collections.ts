import { ConnectorError, EXIT } from '../errors.ts';
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
    `ThreatQ has no Threat Library collection named '${name}'; collections that exist: ${names.length === 0 ? '(none)' : names.map((n) => `'${n}'`).join(', ')}`,
    EXIT.usage,
    close
      ? `Names must match exactly: did you mean '${close.name}'?`
      : 'Give collection names exactly as ThreatQ shows them (case and spaces count), separated by commas',
  );
}

/** Turns raw indicator records into the export's shape, resolving type/status ids when only ids came back. */
async function toCollectionIndicator(lookups: Lookups, raw: Obj): Promise<CollectionIndicator | undefined> {
  const id = num(raw.id);
  const value = str(raw.value);
  if (id === undefined || value === undefined) return undefined;
  let typeName = nameOf(raw.type);
  if (typeName === undefined) {
    const typeId = num(raw.type_id) ?? num((raw.type as Obj | undefined)?.id);
    if (typeId !== undefined) typeName = await lookups.indicatorTypeName(typeId);
  }
  let statusName = nameOf(raw.status);
  if (statusName === undefined) {
    const statusId = num(raw.status_id);
    if (statusId !== undefined) statusName = await lookups.indicatorStatusName(statusId);
  }
  const out: CollectionIndicator = { id, value, typeName: typeName ?? '' };
  if (statusName !== undefined) out.statusName = statusName;
  const updatedAt = str(raw.updated_at);
  if (updatedAt !== undefined) out.updatedAt = updatedAt;
  return out;
}

/**
 * GET /api/indicators/query/hash/{hash} with cursorMark paging. Stops on an empty page (ThreatQ
 * may send `data: {}`), a missing cursor, or a cursor that stops changing. The next page is
 * requested as soon as a page's cursor is known, so ThreatQ assembles it while this one is
 * being consumed (one page ahead at most).
 */
export async function* indicatorsByHash(api: ThreatQApi, lookups: Lookups, hash: string, pageSize: number): AsyncGenerator<CollectionIndicator> {
  let cursor = '*';
  let read = 0;
  let total: number | undefined;
  const fetchPage = (mark: string) =>
    api.call({
      method: 'GET',
      path: `/api/indicators/query/hash/${seg(hash)}`,
      query: { limit: pageSize, cursorMark: mark },
      operation: 'threatq.collections.page',
    });
  let pending: Promise<ApiAnswer> | undefined = fetchPage(cursor);
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
        pending = fetchPage(cursor);
        // Awaited on the next turn; until then a failure must not count as unhandled.
        pending.catch(() => undefined);
      }
      for (const raw of records) {
        const ind = await toCollectionIndicator(lookups, raw);
        if (ind) yield ind;
      }
      if (last) return checkComplete(hash, read, total);
    }
  } finally {
    // A consumer that stops early leaves at most one page in flight; let it finish unobserved.
    pending?.catch(() => undefined);
  }
}

/** POST /api/indicators/query with the saved api_query, paging by limit/offset until total is reached. */
export async function* indicatorsByQuery(
  api: ThreatQApi,
  lookups: Lookups,
  apiQuery: Record<string, unknown>,
  pageSize: number,
): AsyncGenerator<CollectionIndicator> {
  let offset = 0;
  for (let page = 1; ; page++) {
    const answer = await api.call({
      method: 'POST',
      path: '/api/indicators/query',
      query: { limit: pageSize, offset, sort: 'id' },
      body: apiQuery,
      // A query changes nothing, so repeating it is safe.
      idempotent: true,
      operation: 'threatq.collections.page',
    });
    const records = asList(answer.data);
    for (const raw of records) {
      const ind = await toCollectionIndicator(lookups, raw);
      if (ind) yield ind;
    }
    offset += records.length;
    api.logger.debug('threatq.collection.page', `Read page ${page} of a ThreatQ collection`, { page, items: records.length, total: answer.total });
    if (records.length === 0) return checkComplete('saved query', offset, answer.total);
    if (answer.total !== undefined ? offset >= answer.total : records.length < pageSize) return;
  }
}

/** Pages through a saved search: by hash when it has one (stable cursor), else by its api_query. */
export async function* collectionIndicators(
  api: ThreatQApi,
  lookups: Lookups,
  search: SavedSearch,
  pageSize: number,
  strategy: CollectionStrategy = 'auto',
): AsyncGenerator<CollectionIndicator> {
  const useHash = strategy === 'hash' || (strategy === 'auto' && search.hash !== undefined);
  if (useHash && search.hash !== undefined) return yield* indicatorsByHash(api, lookups, search.hash, pageSize);
  if (strategy !== 'hash' && search.apiQuery !== undefined) return yield* indicatorsByQuery(api, lookups, search.apiQuery, pageSize);
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
