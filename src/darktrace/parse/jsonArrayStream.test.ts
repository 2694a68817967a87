import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JsonArrayStream, JsonArrayStreamError, type JsonArrayProblem } from './jsonArrayStream.ts';

/** Feeds `bytes` cut at `cuts` and returns every element, after end(). */
function parseInPieces(bytes: Buffer, cuts: number[]): unknown[] {
  const p = new JsonArrayStream();
  const out: unknown[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length)].sort((a, b) => a - b).concat(bytes.length)) {
    out.push(...p.push(bytes.subarray(at, cut)));
    at = cut;
  }
  p.end();
  return out;
}

function problemOf(text: string | Buffer, cuts: number[] = []): JsonArrayProblem | 'none' {
  try {
    parseInPieces(Buffer.isBuffer(text) ? text : Buffer.from(text), cuts);
    return 'none';
  } catch (err) {
    assert.ok(err instanceof JsonArrayStreamError, String(err));
    return err.problem;
  }
}

const FEED = [
  { name: 'evil.example', description: 'Exported, with "quotes", a \\ backslash and \u00e9 — bücher', expiry: '2024-07-01T00:00:00', strength: 100, iagn: false },
  { name: 'xn--bcher-kva.example', description: null, expiry: null, nested: { a: [1, { b: '}]' }], c: '[{' } },
  { name: '10.0.0.0/8', description: '日本語 \ud83d\ude00 emoji', expiry: '2024-07-02T00:00:00' },
];

test('every cut of a feed listing gives the same entries as JSON.parse', () => {
  const bytes = Buffer.from(JSON.stringify(FEED, null, 1));
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(parseInPieces(bytes, [cut]), FEED, `cut at byte ${cut}`);
  }
});

test('one byte at a time: escapes, multi-byte UTF-8 and brackets inside strings survive', () => {
  const bytes = Buffer.from(JSON.stringify(FEED));
  assert.deepEqual(parseInPieces(bytes, Array.from({ length: bytes.length }, (_, i) => i)), FEED);
});

test('any JSON array of any values, cut anywhere, parses like JSON.parse', () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue()), fc.array(fc.nat()), fc.boolean(), (items, cuts, pretty) => {
      const bytes = Buffer.from(JSON.stringify(items, null, pretty ? 2 : 0));
      assert.deepEqual(parseInPieces(bytes, cuts.map((c) => c % (bytes.length + 1))), JSON.parse(bytes.toString('utf8')));
    }),
    { numRuns: 300 },
  );
});

test('white space around and between elements, and an empty array', () => {
  assert.deepEqual(parseInPieces(Buffer.from(' \n[ \r\n\t{"a":1} ,\n "x" , 2 ,true,null , [ ] ]\n '), [3, 9, 17]), [{ a: 1 }, 'x', 2, true, null, []]);
  assert.deepEqual(parseInPieces(Buffer.from('[]'), []), []);
  assert.deepEqual(parseInPieces(Buffer.from(' [ ] '), [2]), []);
});

test('elements come back as soon as they are complete, not at the end', () => {
  const p = new JsonArrayStream();
  assert.deepEqual(p.push(Buffer.from('[{"name":"a"},{"na')), [{ name: 'a' }]);
  assert.deepEqual(p.push(Buffer.from('me":"b"}')), [{ name: 'b' }]);
  assert.equal(p.complete, false);
  assert.deepEqual(p.push(Buffer.from(']')), []);
  assert.equal(p.complete, true);
  p.end();
  assert.equal(p.elements, 2);
});

test('a body that is not an array is refused on its first character: an object, HTML, a bare string', () => {
  assert.equal(problemOf('{"error":"API SIGNATURE ERROR"}'), 'notArray');
  assert.equal(problemOf('<!DOCTYPE html><html><title>Log In | Darktrace</title></html>'), 'notArray');
  assert.equal(problemOf('  "x"'), 'notArray');
});

test('an empty body, a truncated one and malformed JSON are told apart', () => {
  assert.equal(problemOf(''), 'empty');
  assert.equal(problemOf(' \n '), 'empty');
  assert.equal(problemOf('['), 'truncated');
  assert.equal(problemOf('[{"name":"a"},{"name":"b'), 'truncated');
  assert.equal(problemOf('[{"name":"a"},'), 'truncated');
  assert.equal(problemOf('[1, 2'), 'truncated');
  assert.equal(problemOf('[{"name":"a"} {"name":"b"}]'), 'invalid');
  assert.equal(problemOf('[{"name":"a"},]'), 'invalid');
  assert.equal(problemOf('[,1]'), 'invalid');
  assert.equal(problemOf('[{"name":a}]'), 'invalid');
  assert.equal(problemOf('[{"name":"a"]'), 'invalid');
  assert.equal(problemOf('[tru]'), 'invalid');
  assert.equal(problemOf('[1] x'), 'invalid');
  assert.equal(problemOf('[1]]'), 'invalid');
});

test('a cut inside a multi-byte character is invisible in the decoded values', () => {
  const bytes = Buffer.from('["é日本\ud83d\ude00"]');
  for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(parseInPieces(bytes, [cut]), ['é日本\ud83d\ude00']);
});

test('an escaped quote or backslash at a chunk edge does not end the string early', () => {
  const value = 'a\\"b\\\\';
  const bytes = Buffer.from(JSON.stringify([{ d: value }, { d: '\\' }]));
  for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(parseInPieces(bytes, [cut]), [{ d: value }, { d: '\\' }]);
});

test('an element that never closes is refused past the size limit instead of being buffered forever', () => {
  const p = new JsonArrayStream({ maxElementBytes: 1024 });
  p.push(Buffer.from('[{"name":"'));
  assert.throws(() => p.push(Buffer.alloc(2048, 0x61)), (err: unknown) => err instanceof JsonArrayStreamError && err.problem === 'invalid');
});

test('invalid UTF-8 inside a string, cut anywhere, decodes as U+FFFD exactly as a whole-body decode does', () => {
  const bytes = Buffer.concat([
    Buffer.from('[{"name":"a'),
    Buffer.from([0xff]),
    Buffer.from('.example","description":"'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from('"},{"name":"b\u00e9.example"}]'),
  ]);
  const whole = JSON.parse(bytes.toString('utf8')) as Array<{ name: string }>;
  assert.equal(whole[0]!.name, 'a\uFFFD.example');
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(parseInPieces(bytes, [cut]), whole, `cut at byte ${cut}`);
  }
});
