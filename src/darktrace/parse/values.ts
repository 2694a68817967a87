/** Small readers that never throw: each returns null (or a default) for anything unexpected. */
export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A finite number, also from a numeric string (`"72.9174234"`). */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A safe integer (ids up to 13 digits on Unified View are still below 2^53). */
export function int(v: unknown): number | null {
  const n = num(v);
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A non-empty string. */
export function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

export function bool(v: unknown): boolean {
  return v === true || v === 'true' || v === 1;
}

export function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string');
}

export function ints(v: unknown): number[] {
  return asArray(v)
    .map(int)
    .filter((x): x is number => x !== null);
}

/** Epoch ms: a number, or a numeric string. */
export function ms(v: unknown): number | null {
  const n = num(v);
  return n !== null && n >= 0 ? Math.round(n) : null;
}

/** Model descriptions carry literal backslash-n sequences (`\\n` in the JSON text). */
export function unescapeNewlines(s: string): string {
  return s.replace(/\\r\\n|\\n/g, '\n');
}

/** Why an id is unusable, for reject reasons. */
export function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const shown = JSON.stringify(v) ?? String(v);
  return shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
}
