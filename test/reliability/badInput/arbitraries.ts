/**
 * Shared generators and oracles of the bad-input suite: hostile strings (markup, quotes, control
 * characters, lone surrogates, huge blocks), hostile JSON values (wrong types, nulls, deep
 * nesting), mutations of the recorded Darktrace payloads, and the checks every mapped alert must
 * pass. Every property runs with a fixed seed so a failure reproduces.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { HOSTILE_STRINGS, HOSTILE_MODEL_NAME, HUGE_TEXT } from '../../../src/sim/darktrace/seed/hostile.ts';
import type { MappedAlert } from '../../../src/ingest/mappedAlert.ts';

export const SEED = 20261129;

export const FIXTURES = '/work/shared/fixtures/darktrace';

export function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** Any UTF-16 code unit, lone surrogates included (what a bad decode upstream leaves). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

const PIECES = [
  ...HOSTILE_STRINGS,
  HOSTILE_MODEL_NAME,
  '<', '>', '&', '"', "'", '&amp;', '&lt;', '&#60;', '</p>', '<br>', '<a href="x">', '\u0000', '\r', '\n', '\\n', '\u2028',
  '\ud800', '\udfff', '\ud83d\ude80', 'javascript:alert(1)', ' ', '\t',
];

/** A hostile string: hostile pieces, raw code units and ordinary text mixed. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }), fc.string({ unit: codeUnit, maxLength: 4 })), { maxLength: 8 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PIECES) },
);

/** Sometimes a very long version (up to 100 kB, the seed's huge description). */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.tuple(hostileString, fc.integer({ min: 1_000, max: HUGE_TEXT.length })).map(([s, n]) => s + HUGE_TEXT.slice(0, n) + s) },
);

/** Nested `depth` levels of arrays or objects around a leaf. */
export function deepNest(depth: number, leaf: unknown = 'x', asObject = false): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

/** A replacement value of the wrong kind: null, other types, huge strings, deep nesting, markup. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 1.5, Number.MAX_SAFE_INTEGER, 8.64e15 + 1, 1e20),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '1e400', '-5', 'true', '9'.repeat(400)),
  hostileString,
  fc.constant(HUGE_TEXT),
  fc.constantFrom(deepNest(200), deepNest(200, null, true), deepNest(50, { pbid: 1 }, true)),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant([]),
  fc.constant({}),
);

/** Every path (list of keys) inside a JSON value, the root excluded. */
export function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = [], limit = 400): (string | number)[][] {
  if (out.length >= limit) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      pathsOf(v, [...prefix, i], out, limit);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      pathsOf(v, [...prefix, k], out, limit);
    }
  }
  return out;
}

/** A deep copy of `value` with the thing at `at` replaced (undefined deletes it). */
export function replaceAt(value: unknown, at: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value);
  if (at.length === 0) return replacement;
  let parent = copy as Record<string | number, unknown>;
  for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = at[at.length - 1]!;
  if (replacement === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

/** A real record with one to three of its fields replaced by wrong values or deleted. */
export function mutatedRecord(records: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...records), fc.array(fc.tuple(fc.nat(), wrongValue), { minLength: 1, maxLength: 3 }))
    .map(([record, edits]) => {
      let out = record;
      for (const [pick, value] of edits) {
        const paths = pathsOf(out);
        if (paths.length === 0) break;
        out = replaceAt(out, paths[pick % paths.length]!, value);
      }
      return out;
    });
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The connector's own markup in a description; anything else that looks like markup came from Darktrace. */
const OWN_TAGS = /<\/?(?:p|strong|br)>|<a href="https?:\/\/[^"<>\s]*">|<\/a>/g;

/**
 * What ThreatQ may receive for an alert, whatever Darktrace sent: a description whose only markup
 * is the mapper's own (no `<`, `>` or bare `&` from the data), no control characters other than
 * tab/CR/LF and no lone surrogates anywhere; a one-line title of at most 255 characters ending with
 * the alert's id; non-empty one-line attribute values of at most 1,000 characters.
 */
export function assertSafeForThreatQ(alert: MappedAlert, note = ''): void {
  const d = alert.event.description;
  const stripped = d.replace(OWN_TAGS, '');
  assert.ok(!/[<>]/.test(stripped), `${note} description has markup that is not the mapper's own: ${JSON.stringify(stripped.slice(Math.max(0, stripped.search(/[<>]/) - 40), stripped.search(/[<>]/) + 40))}`);
  assert.ok(!/&(?!(?:amp|lt|gt|quot|#39);)/.test(d), `${note} description has a bare &`);
  assert.ok(!LONE_SURROGATE.test(d), `${note} description has a lone surrogate`);
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(d), `${note} description has control characters`);
  assert.ok(d.length <= 65_500, `${note} description within ThreatQ's 65,500 characters (${d.length})`);
  for (const m of d.matchAll(/<a href="([^"]*)">/g)) assert.match(m[1]!, /^https?:\/\//i, `${note} only http(s) links`);

  const t = alert.title;
  assert.ok(t.length > 0 && t.length <= 255, `${note} title length ${t.length}`);
  assert.ok(!/[\u0000-\u001f\u007f\u2028\u2029]/.test(t), `${note} title is one line without control characters: ${JSON.stringify(t)}`);
  assert.ok(!LONE_SURROGATE.test(t), `${note} title has a lone surrogate: ${JSON.stringify(t)}`);
  assert.ok(t.endsWith(` [${alert.kind === 'model_breach' ? `pbid ${alert.darktraceId}` : alert.darktraceId}]`), `${note} title ends with the alert id: ${JSON.stringify(t)}`);
  assert.match(alert.event.happenedAt, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, `${note} happened_at format`);

  for (const a of alert.event.attributes) {
    assert.ok(a.value.trim() !== '', `${note} attribute ${a.name} is not blank`);
    assert.ok(a.value.length <= 1_000, `${note} attribute ${a.name} has ${a.value.length} characters`);
    assert.ok(!/[\u0000-\u001f\u007f]/.test(a.value), `${note} attribute ${a.name} is one line: ${JSON.stringify(a.value.slice(0, 80))}`);
    assert.ok(!LONE_SURROGATE.test(a.value), `${note} attribute ${a.name} has a lone surrogate`);
  }
  for (const dev of alert.devices) {
    assert.ok(dev.assetName.trim() !== '' && dev.assetName.length <= 255, `${note} asset name ${JSON.stringify(dev.assetName.slice(0, 80))}`);
    assert.ok(!/[\u0000-\u001f\u007f]/.test(dev.assetName) && !LONE_SURROGATE.test(dev.assetName), `${note} asset name is clean text: ${JSON.stringify(dev.assetName.slice(0, 80))}`);
    for (const i of dev.indicators) assert.ok(/^[0-9a-z.:_-]+$/.test(i.value), `${note} device indicator ${i.typeName} ${JSON.stringify(i.value)}`);
  }
}

/** fast-check parameters: fixed seed, and the run count given. */
export function params<T>(numRuns: number): fc.Parameters<T> {
  return { seed: SEED, numRuns, endOnFailure: true, includeErrorInReport: true };
}
