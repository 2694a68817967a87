/**
 * Request parameters as the routes read them: one flat map of the URL query, overlaid by a POST's
 * JSON object or form body, plus the small parsers Darktrace's documented values need.
 */
export type ParamValue = string | boolean | number | null | unknown[] | Record<string, unknown>;

export class Params {
  readonly #values = new Map<string, ParamValue>();

  constructor(entries: Iterable<[string, ParamValue]> = []) {
    for (const [k, v] of entries) if (!this.#values.has(k)) this.#values.set(k, v);
  }

  /** Body values override the URL query's. */
  overlay(entries: Iterable<[string, ParamValue]>): void {
    for (const [k, v] of entries) this.#values.set(k, v);
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  raw(key: string): ParamValue | undefined {
    return this.#values.get(key);
  }

  string(key: string): string | undefined {
    const v = this.#values.get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  /** `true`/`false` in any case (also JSON booleans and 1/0); undefined when absent or unreadable. */
  bool(key: string): boolean | undefined {
    const v = this.#values.get(key);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v !== 'string') return undefined;
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    return undefined;
  }

  number(key: string): number | undefined {
    const s = this.string(key);
    if (s === undefined || s.trim() === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
}

export function queryParams(query: string): Params {
  return new Params(new URLSearchParams(query));
}

/** `YYYY-MM-DD HH:MM:SS` (UTC), the human form Darktrace uses in `ips[].time` and `from`/`to`. */
export function formatSpaced(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYYY-MM-DDTHH:MM:SS` (UTC), the intel-feed expiry form GET returns. */
export function formatIsoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction and `Z` or an offset
 * (no zone = UTC), or a date alone. Used for `from`/`to` and intel-feed `expiry`.
 */
export function parseHumanTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x)));
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return undefined;
  if (m[7]) ms += Math.floor(Number(`0${m[7]}`) * 1000);
  const zone = m[8]?.toUpperCase();
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    ms -= zone[0] === '-' ? -offset : offset;
  }
  return ms;
}
