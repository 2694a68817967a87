import { EXIT } from '../errors.ts';
import { asList, type ThreatQApi } from './api.ts';
import { TQ_ERROR, tqError } from './errors.ts';
import { num, str } from './records.ts';
import type { BulkItemResult } from './types.ts';

type Obj = Record<string, unknown>;

export interface ConsumeSpec<T> {
  api: ThreatQApi;
  /** URL segment: "events", "indicators", "asset"… */
  collection: string;
  items: T[];
  batchSize: number;
  toWire: (item: T) => Obj;
  /**
   * Match keys, strongest first (e.g. type+value, then a case-folded form, then value alone):
   * ThreatQ answers with records, not positions, and may normalise what it stored.
   */
  itemKeys: (item: T) => string[];
  recordKeys: (record: Obj) => string[];
  label: (item: T) => string;
  idempotent: boolean;
  operation: string;
  onBatch?: (results: BulkItemResult<T>[]) => void | Promise<void>;
}

/**
 * POST /api/{collection}/consume in batches and map the returned ids back to the items.
 * A failed batch call throws (earlier batches were already reported through onBatch); a
 * record carrying `error`, or an item the answer does not mention, fails that item only.
 */
export async function consumeInBatches<T>(spec: ConsumeSpec<T>): Promise<BulkItemResult<T>[]> {
  const size = Math.max(1, Math.floor(spec.batchSize));
  const all: BulkItemResult<T>[] = [];
  for (let start = 0; start < spec.items.length; start += size) {
    const batch = spec.items.slice(start, start + size);
    const answer = await spec.api.call({
      method: 'POST',
      path: `/api/${spec.collection}/consume`,
      body: batch.map(spec.toWire),
      idempotent: spec.idempotent,
      operation: spec.operation,
    });
    const results = matchBatch(spec, batch, asList(answer.data));
    spec.api.logger.debug('threatq.consume.batch', `Sent ${batch.length} ${spec.collection} to ThreatQ`, {
      collection: spec.collection,
      items: batch.length,
      failed: results.filter((r) => !r.ok).length,
      offset: start,
    });
    await spec.onBatch?.(results);
    all.push(...results);
  }
  return all;
}

function matchBatch<T>(spec: ConsumeSpec<T>, batch: T[], records: Obj[]): BulkItemResult<T>[] {
  const outcome = new Map<number, BulkItemResult<T>>();
  const keys = batch.map(spec.itemKeys);
  const levels = Math.max(0, ...keys.map((k) => k.length));
  const remaining = new Set(batch.map((_, i) => i));
  let unmatched = records;
  for (let level = 0; level < levels && unmatched.length > 0; level++) {
    const index = new Map<string, number[]>();
    for (const i of remaining) {
      const k = keys[i]?.[level];
      if (k === undefined) continue;
      const q = index.get(k);
      if (q) q.push(i);
      else index.set(k, [i]);
    }
    const next: Obj[] = [];
    for (const rec of unmatched) {
      const k = spec.recordKeys(rec)[level];
      const i = k === undefined ? undefined : index.get(k)?.shift();
      if (i === undefined) {
        next.push(rec);
        continue;
      }
      remaining.delete(i);
      const item = batch[i] as T;
      const id = num(rec.id);
      const err = rec.error;
      if (err !== undefined && err !== null && err !== false && err !== '') {
        outcome.set(i, { item, ok: false, error: itemError(spec, item, err) });
      } else if (id === undefined) {
        outcome.set(i, { item, ok: false, error: tqError(TQ_ERROR.api, `ThreatQ accepted ${spec.label(item)} in /api/${spec.collection}/consume but returned no id for it`, EXIT.internal) });
      } else {
        outcome.set(i, { item, ok: true, id });
      }
    }
    unmatched = next;
  }
  const stray = unmatched
    .map((r) => str(r.error) ?? (r.error !== undefined ? JSON.stringify(r.error) : undefined))
    .filter((e): e is string => e !== undefined)
    .slice(0, 3);
  return batch.map(
    (item, i) =>
      outcome.get(i) ?? {
        item,
        ok: false,
        error: tqError(
          TQ_ERROR.api,
          `ThreatQ's answer to /api/${spec.collection}/consume does not include ${spec.label(item)}${stray.length > 0 ? ` (errors in the answer: ${stray.join('; ').replace(/\s+/g, ' ').slice(0, 300)})` : ''}`,
          EXIT.internal,
        ),
      },
  );
}

function itemError<T>(spec: ConsumeSpec<T>, item: T, err: unknown) {
  const text = typeof err === 'string' ? err : JSON.stringify(err);
  return tqError(TQ_ERROR.api, `ThreatQ rejected ${spec.label(item)} in /api/${spec.collection}/consume: ${text.slice(0, 300)}`, EXIT.internal);
}
