import { parseDarktraceTime } from '../dtapiDate.ts';
import type { IntelFeedEntry, ParseResult } from '../types.ts';
import { parseList, type RecordOutcome } from './result.ts';
import { asObj, bool, describe, num, str, text } from './values.ts';

/** `GET /intelfeed?fulldetails=true` answer. */
export function parseIntelFeedDetails(body: unknown): ParseResult<IntelFeedEntry> {
  return parseList(body, parseIntelFeedEntry, 'intel-feed entry');
}

/** A plain string answer (`GET /intelfeed`, `?source=`, `?sources=true`); non-strings are rejects. */
export function parseIntelFeedNames(body: unknown): ParseResult<string> {
  return parseList(
    body,
    (raw): RecordOutcome<string> => (text(raw) !== null ? { ok: true, record: raw as string } : { ok: false, reason: `not a non-blank string (${describe(raw)})` }),
    'intel-feed name',
  );
}

export function parseIntelFeedEntry(raw: unknown): RecordOutcome<IntelFeedEntry> {
  // Some versions may list plain names even with fulldetails: keep them, details unknown.
  if (text(raw) !== null) return { ok: true, record: { name: raw as string, description: null, expiresAt: null, strength: null, iagn: false } };
  const o = asObj(raw);
  if (!o) return { ok: false, reason: 'intel-feed entry is not an object' };
  const name = text(o.name);
  if (name === null) return { ok: false, reason: `intel-feed entry has no name (${describe(o.name)})` };
  const expiry = o.expiry;
  let expiresAt: number | null = null;
  if (typeof expiry === 'number' && Number.isFinite(expiry) && expiry > 0) {
    // Epoch seconds or ms; nothing documents this form, so both are read.
    expiresAt = expiry < 1e11 ? expiry * 1000 : expiry;
  } else if (typeof expiry === 'string' && expiry.trim() !== '') {
    const parsed = parseExpiry(expiry);
    if (parsed === undefined) return { ok: false, id: name, reason: `intel-feed entry has an unreadable expiry (${describe(expiry)})` };
    expiresAt = parsed;
  }
  return { ok: true, record: { name, description: str(o.description), expiresAt, strength: num(o.strength), iagn: bool(o.iagn) } };
}

/** Entries added together share one expiry text: a million-entry listing has only a few distinct ones. */
let lastExpiry: { text: string; ms: number | undefined } | undefined;

function parseExpiry(text: string): number | undefined {
  if (lastExpiry?.text !== text) lastExpiry = { text, ms: parseDarktraceTime(text) };
  return lastExpiry.ms;
}
