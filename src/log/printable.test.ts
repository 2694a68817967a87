import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable, printableLines } from './printable.ts';

test('printable escapes line breaks, terminal escapes and bidi overrides, and leaves other text alone', () => {
  assert.equal(printable('a\nb\u001b[2J\u202ec\u2028d'), 'a\\nb\\u001b[2J\\u202ec\\u2028d');
  assert.equal(printable('bücher.example — ok'), 'bücher.example — ok');
});

test('printableLines keeps the line breaks of a multi-line message and escapes the rest of each line', () => {
  assert.equal(printableLines('2 problems:\n  - x = \u001b[31mred\n  - y'), '2 problems:\n  - x = \\u001b[31mred\n  - y');
});
