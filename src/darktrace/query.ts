/** A query value; arrays become repeated keys (`saasfilter=a&saasfilter=b`), undefined is left out. */
export type QueryValue = string | number | boolean | undefined | readonly (string | number | boolean)[];
export type QueryParams = Readonly<Record<string, QueryValue>>;

/**
 * Builds the query text once, in a fixed order (keys sorted by code unit, repeated keys in the
 * order given), so the exact text that is signed is also the text that is sent. Keys and values
 * are percent-encoded with encodeURIComponent plus `!'()*` (RFC 3986), spaces as %20, booleans
 * as lower-case `true`/`false` (Darktrace's documented form). Returns '' when nothing is left.
 *
 * @throws RangeError for a number that is not finite (NaN would otherwise be signed as "NaN")
 */
export function buildQuery(params: QueryParams): string {
  const parts: string[] = [];
  for (const key of Object.keys(params).sort(byCodeUnit)) {
    const value = params[key];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? (value as readonly (string | number | boolean)[]) : [value as string | number | boolean];
    for (const v of values) parts.push(`${encode(key)}=${encode(text(key, v))}`);
  }
  return parts.join('&');
}

function text(key: string, v: string | number | boolean): string {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new RangeError(`Cannot build a Darktrace query as parameter '${key}' must be a finite number: current value is ${v}`);
  }
  return String(v);
}

function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
