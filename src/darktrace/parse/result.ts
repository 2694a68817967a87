import type { ParseReject, ParseResult } from '../types.ts';

/** One record's outcome: the record, or why it was rejected. */
export type RecordOutcome<T> = { ok: true; record: T } | { ok: false; id?: string | number; reason: string };

/**
 * Applies a record parser to every element of a list answer; a record that fails (even by
 * throwing) becomes a reject with its raw value, the others carry on. A non-array answer yields
 * one reject for the whole body.
 */
export function parseList<T>(body: unknown, parseOne: (raw: unknown) => RecordOutcome<T>, what: string): ParseResult<T> {
  const records: T[] = [];
  const rejects: ParseReject[] = [];
  if (!Array.isArray(body)) {
    rejects.push({ reason: `expected a list of ${what}, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`, raw: body });
    return { records, rejects };
  }
  for (const raw of body) {
    let outcome: RecordOutcome<T>;
    try {
      outcome = parseOne(raw);
    } catch (err) {
      outcome = { ok: false, reason: `unreadable ${what} record: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (outcome.ok) records.push(outcome.record);
    else rejects.push({ ...(outcome.id === undefined ? {} : { id: outcome.id }), reason: outcome.reason, raw });
  }
  return { records, rejects };
}
