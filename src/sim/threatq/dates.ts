/**
 * ThreatQ's date format, "YYYY-MM-DD HH:MM:SS" in UTC, with whole seconds as the stored unit.
 * Query filters also take "NOW" and Laravel-style relative offsets ("-2 days"), which
 * threatqsdk's inject_date sends for differential exports.
 */

const STRICT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const RELATIVE = /^([+-]?\s*\d+)\s*(second|sec|minute|min|hour|day|week|month|year)s?(\s+ago)?$/i;

const UNIT_SECONDS: Record<string, number> = {
  second: 1,
  sec: 1,
  minute: 60,
  min: 60,
  hour: 3600,
  day: 86_400,
  week: 7 * 86_400,
  month: 30 * 86_400,
  year: 365 * 86_400,
};

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

const dayCache = new Map<number, string>();
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad(i));

/** Seconds since the epoch → "YYYY-MM-DD HH:MM:SS" (UTC). Hot when a million indicators are paged, hence the day cache. */
export function formatTqDate(seconds: number): string {
  const whole = Math.floor(seconds);
  const day = Math.floor(whole / 86_400);
  let date = dayCache.get(day);
  if (date === undefined) {
    const d = new Date(day * 86_400_000);
    date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(day, date);
  }
  const rest = whole - day * 86_400;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  return `${date} ${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[rest % 60]}`;
}

function fromParts(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2023-02-30 over into March; a real calendar date survives the round trip.
  if (new Date(ms).getUTCDate() !== d) return undefined;
  return ms / 1000;
}

/** Exactly "YYYY-MM-DD HH:MM:SS" with a real calendar date, else undefined. */
export function parseTqDate(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = STRICT.exec(text);
  if (!m) return undefined;
  return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** A date operand in a query: the strict format, a bare date, NOW, or a relative offset from now. */
export function parseQueryDate(value: unknown, nowSeconds: number): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^now$/i.test(text)) return nowSeconds;
  const strict = parseTqDate(text);
  if (strict !== undefined) return strict;
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) return fromParts(Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]), 0, 0, 0);
  const rel = RELATIVE.exec(text);
  if (rel) {
    let amount = Number((rel[1] ?? '0').replace(/\s+/g, ''));
    if (rel[3] !== undefined) amount = -Math.abs(amount);
    return nowSeconds + amount * (UNIT_SECONDS[(rel[2] ?? '').toLowerCase()] ?? 0);
  }
  return undefined;
}
