import path from 'node:path';
import { normaliseHost } from './normaliseHost.ts';

/** Value kinds a setting can hold. */
export type SettingValue = string | number | string[];

export type Parsed<T extends SettingValue = SettingValue> = { ok: true; value: T } | { ok: false; reason: string };

export interface ParseContext {
  /** 'file' values come from JSON (numbers, arrays); 'text' values from the environment, a prompt or --set. */
  origin: 'file' | 'text';
  /** Relative file paths are resolved against the configuration directory, so cron's working directory does not matter. */
  configDir: string;
}

export type ValueParser = (raw: unknown, ctx: ParseContext) => Parsed;

const CONTROL = /[\u0000-\u001f\u007f]/;

function ok<T extends SettingValue>(value: T): Parsed<T> {
  return { ok: true, value };
}
function bad(reason: string): Parsed<never> {
  return { ok: false, reason };
}

/** A one-line text value: trimmed, non-empty, no control characters, optionally no white space inside. */
export function text(options: { noSpaces?: boolean; maxLength?: number; noCommas?: boolean } = {}): ValueParser {
  return (raw) => {
    if (typeof raw !== 'string') return bad('it must be a text value');
    const v = raw.trim();
    if (v === '') return bad('it is empty; a value is required');
    if (CONTROL.test(v)) return bad('it must be a single line without control characters');
    if (options.noSpaces && /\s/.test(v)) return bad('it must not contain white space');
    if (options.noCommas && v.includes(',')) return bad('it must not contain a comma (Darktrace splits intel-feed values on commas)');
    // Counted in UTF-16 units, as Darktrace's limits are (an emoji counts twice), so a value
    // accepted here is never refused at run time.
    if (options.maxLength !== undefined && v.length > options.maxLength) {
      const chars = [...v].length;
      return bad(`it is ${chars} characters long${chars !== v.length ? ` (${v.length} UTF-16 units, as Darktrace counts them)` : ''}; at most ${options.maxLength} are allowed`);
    }
    return ok(v);
  };
}

/**
 * A secret (password, token): kept exactly as given except for a trailing line break, which
 * secret stores and `$(cat file)` habits tend to add. Reasons never quote the value.
 */
export function secret(options: { noSpaces?: boolean } = {}): ValueParser {
  return (raw) => {
    if (typeof raw !== 'string') return bad('it must be a text value');
    const v = raw.replace(/[\r\n]+$/, '');
    if (v.trim() === '') return bad('it is empty; a value is required');
    if (CONTROL.test(v)) return bad('it must not contain line breaks or control characters');
    if (options.noSpaces && /\s/.test(v)) return bad('it must not contain white space');
    return ok(options.noSpaces ? v.trim() : v);
  };
}

export const host: ValueParser = (raw) => {
  if (typeof raw !== 'string') return bad('it must be a text value');
  const r = normaliseHost(raw);
  return r.ok ? ok(r.value) : bad(r.reason);
};

/** A whole number in [min, max]; JSON numbers or digit strings. */
export function integer(min: number, max: number, unit: string): ValueParser {
  return (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) return bad(`it must be a whole number of ${unit} from ${min} to ${max}`);
    return ok(n);
  };
}

/** A number (decimals allowed) in [min, max]. */
export function decimal(min: number, max: number): ValueParser {
  return (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) return bad(`it must be a number from ${min} to ${max}`);
    return ok(n);
  };
}

/**
 * A list of names: a JSON array in the file, comma-separated text elsewhere. Names are trimmed
 * and de-duplicated; an empty name (`a,,b`) is an error rather than silently dropped.
 */
export function list(options: { nonEmpty: boolean; itemLabel: string }): ValueParser {
  return (raw, ctx) => {
    let items: unknown[];
    if (Array.isArray(raw)) items = raw;
    else if (typeof raw === 'string') items = raw.trim() === '' ? [] : raw.split(',');
    else return bad(ctx.origin === 'file' ? 'it must be a JSON array of text values' : 'it must be a comma-separated list');
    const out: string[] = [];
    for (const [i, item] of items.entries()) {
      if (typeof item !== 'string') return bad(`entry ${i + 1} is not a text value`);
      const v = item.trim();
      if (v === '') return bad(`entry ${i + 1} is an empty ${options.itemLabel}`);
      if (CONTROL.test(v)) return bad(`entry ${i + 1} contains a line break or control character`);
      if (!out.includes(v)) out.push(v);
    }
    if (options.nonEmpty && out.length === 0) return bad(`at least one ${options.itemLabel} is required`);
    return ok(out);
  };
}

/** A file path; relative paths are resolved against the configuration directory. */
export const filePath: ValueParser = (raw, ctx) => {
  if (typeof raw !== 'string') return bad('it must be a text value (a file path)');
  const v = raw.trim();
  if (v === '') return bad('it is empty; give the path of a PEM file');
  if (CONTROL.test(v)) return bad('it must not contain control characters');
  return ok(path.resolve(ctx.configDir, v));
};
