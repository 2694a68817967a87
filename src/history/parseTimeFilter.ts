import { UsageError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * A point in time from `--since`/`--until`/`--older-than`: a relative age (`90m`, `24h`, `7d`,
 * `2w`, meaning that long before now), a date `YYYY-MM-DD` (UTC midnight) or an ISO date-time.
 */
export function parseTimeFilter(flag: string, text: string, now: number): number {
  const rel = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) {
    const t = Date.parse(`${text.trim()}T00:00:00Z`);
    if (!Number.isNaN(t)) return t;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text.trim())) {
    const iso = text.trim().replace(' ', 'T');
    const t = Date.parse(/Z|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : iso + 'Z');
    if (!Number.isNaN(t)) return t;
  }
  throw new UsageError(
    `Invalid value for ${flag}: '${text}'`,
    'Allowed: an age like 90m, 24h, 7d or 2w, a date like 2026-11-01, or a UTC date-time like 2026-11-01T06:00:00Z',
    'E_FLAG_VALUE',
  );
}

/** `26h` → milliseconds, for thresholds such as --max-age. */
export function parseDuration(flag: string, text: string): number {
  const rel = /^(\d+)\s*([mhdw])$/i.exec(text.trim());
  if (!rel || Number(rel[1]) === 0) {
    throw new UsageError(`Invalid value for ${flag}: '${text}'`, 'Allowed: a positive duration like 90m, 26h, 7d or 2w', 'E_FLAG_VALUE');
  }
  return Number(rel[1]) * UNIT_MS[rel[2]!.toLowerCase()]!;
}
