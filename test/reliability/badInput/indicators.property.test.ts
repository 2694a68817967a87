/**
 * Property tests of what the export may send to Darktrace: for any ThreatQ indicator value,
 * normaliseIndicator gives either a reason to skip it or exactly one intel-feed entry — one that
 * the client's own rules accept, that the Darktrace simulator's `addlist` split keeps as one
 * identical entry (also inside a batch), that is a plain domain, address or CIDR range, and that
 * normalises to itself. Source labels and descriptions: the client's limits match the simulator's.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { EXPORTED_TYPES, normaliseIndicator } from '../../../src/export/normaliseIndicator.ts';
import { intelFeedDescriptionProblem, intelFeedEntryProblem, intelFeedSourceProblem } from '../../../src/darktrace/intelFeedRules.ts';
import { DESCRIPTION_LIMIT, SOURCE_LIMIT, splitAddList } from '../../../src/sim/darktrace/routes/intelfeed.ts';
import { hostileFqdn, hostileIpv4, hostileIpv6, OTHER_TYPES } from '../../../src/sim/threatq/hostileValues.ts';
import { Prng } from '../../../src/sim/threatq/prng.ts';
import { tally } from '../tally.ts';
import { hostileString, params } from './arbitraries.ts';

let inputs = 0;

/** An intel-feed entry as Darktrace stores it, written independently of the normaliser. */
function isSingleEntry(s: string): boolean {
  if (isIPv4(s)) return true;
  if (isIPv6(s)) return s === s.toLowerCase() && !s.includes('%');
  const cidr = /^(.+)\/(\d{1,3})$/.exec(s);
  if (cidr) return (isIPv4(cidr[1]!) && Number(cidr[2]) < 32) || (isIPv6(cidr[1]!) && Number(cidr[2]) < 128);
  return s.length <= 253 && /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(s);
}

/** Values near the valid ones: real domains and addresses with a separator, space, case or unicode edit. */
const nearValid = fc
  .tuple(
    fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6(), fc.ipV4().map((a) => `${a}/${a.length % 33}`), fc.ipV6().map((a) => `${a}/64`)),
    fc.constantFrom('', ',', '\n', '\r', ' ', '\t', '\u2028', '\u0085', '\u00a0', '\ufeff', '\u0000', '.', '..', ':80', '/', '*', '@', 'İ', 'ß', '\u200b', '%eth0', '[', ']'),
    fc.nat(),
    fc.boolean(),
  )
  .map(([v, edit, at, upper]) => {
    const i = at % (v.length + 1);
    const s = v.slice(0, i) + edit + v.slice(i);
    return upper ? s.toUpperCase() : s;
  });

const rng = new Prng(7);
const simHostile = fc.nat({ max: 100_000 }).map((n) => [hostileFqdn, hostileIpv4, hostileIpv6][n % 3]!(n, rng));

const value = fc.oneof(hostileString, nearValid, simHostile, fc.string({ maxLength: 300 }), fc.constant('a.'.repeat(200) + 'example'), fc.domain(), fc.ipV4(), fc.ipV6());
const type = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...EXPORTED_TYPES) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_TYPES, 'fqdn', '') });

test('any indicator value is skipped with a reason or becomes exactly one entry Darktrace accepts', () => {
  let accepted = 0;
  fc.assert(
    fc.property(type, value, (type, raw) => {
      inputs++;
      const r = normaliseIndicator(type, raw);
      if (!r.ok) {
        assert.ok(r.reason.length > 5 && !/[\r\n]/.test(r.reason), `a one-line reason: ${JSON.stringify(r.reason)}`);
        return;
      }
      accepted++;
      assert.ok(EXPORTED_TYPES.has(type), `only exported types pass (${type})`);
      assert.equal(intelFeedEntryProblem(r.value), undefined, `the client accepts ${JSON.stringify(r.value)}`);
      assert.deepEqual(splitAddList(r.value), [r.value], `Darktrace's addlist keeps ${JSON.stringify(r.value)} as one entry`);
      assert.ok(isSingleEntry(r.value), `a plain domain, address or range: ${JSON.stringify(r.value)} from ${JSON.stringify(raw)}`);
      assert.ok(!/[\s\u0000-\u001f\u007f-\u009f]/.test(r.value) && /^[\x21-\x7e]+$/.test(r.value), 'printable ASCII only');
      const again = normaliseIndicator(type, r.value);
      assert.deepEqual(again, r, 'normalising is idempotent');
    }),
    params(3000),
  );
  assert.ok(accepted > 300, `the generators reach valid values too (${accepted})`);
});

test('a batch of accepted values joined as one addlist is split by Darktrace into exactly those entries', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('FQDN', 'IP Address', 'IPv6 Address'), value), { minLength: 1, maxLength: 40 }), (items) => {
      inputs += items.length;
      const entries = [...new Set(items.map(([t, v]) => normaliseIndicator(t, v)).flatMap((r) => (r.ok ? [r.value] : [])))];
      assert.deepEqual(splitAddList(entries.join(',')), entries);
    }),
    params(300),
  );
});

test('source labels and descriptions: what the client allows, the simulated appliance accepts', () => {
  fc.assert(
    fc.property(fc.oneof(hostileString, fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', minLength: 55, maxLength: 70 })), (s) => {
      inputs++;
      if (intelFeedSourceProblem(s) === undefined) assert.ok(s.length < SOURCE_LIMIT && s.trim() !== '', `source ${JSON.stringify(s)}`);
      if (intelFeedDescriptionProblem(s) === undefined) assert.ok(s.length < DESCRIPTION_LIMIT);
    }),
    params(1000),
  );
  assert.equal(intelFeedSourceProblem('\u{1F680}'.repeat(32)) !== undefined, true, '32 emoji are 64 UTF-16 units: refused like the appliance does');
});

after(() => tally('bad input', { inputsTried: inputs, runs: 0 }));
