import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrapText } from './wrapText.ts';
import { renderTable } from './renderTable.ts';

test('wrapText keeps a fitting line as written and wraps a long one under its indent', () => {
  assert.deepEqual(wrapText('  ', 'run 1  added     x', 80), ['  run 1  added     x']);
  const lines = wrapText('  label  ', 'alpha beta gamma delta epsilon zeta eta theta', 30);
  assert.deepEqual(lines, ['  label  alpha beta gamma', '         delta epsilon zeta', '         eta theta']);
  assert.ok(wrapText('', 'x'.repeat(95), 40).every((l) => l.length <= 40), 'a long word is cut to the width');
  assert.equal(wrapText('', 'x'.repeat(95), 40).join(''), 'x'.repeat(95), 'nothing of it is lost');
});

test('renderTable fits the width and wraps the wrap columns instead of cutting them', () => {
  const reason = 'contains a comma or line break, which would split it into several intel-feed entries';
  const out = renderTable(['WHEN', 'VALUE', 'REASON'], [['2026-11-29 06:00', 'evil.example,good.example', reason]], 50, { wrap: [1, 2] });
  const lines = out.trimEnd().split('\n');
  assert.ok(lines.every((l) => l.length <= 50), out);
  assert.ok(lines.length > 3, 'the row wrapped onto further lines');
  const column = (start: number) => lines.slice(2).map((l) => l.slice(start).split('  ')[0]!.trim()).join(' ');
  assert.equal(column(lines[0]!.indexOf('REASON')).replace(/\s+/g, ' '), reason);
  assert.match(out, /^2026-11-29 06:00 /m, 'the other columns are whole');
});
