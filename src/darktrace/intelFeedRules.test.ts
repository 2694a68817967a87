import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intelFeedDescriptionProblem, intelFeedEntryProblem, intelFeedSourceProblem } from './intelFeedRules.ts';

test('an entry that addlist would split or mangle is refused with a reason', () => {
  for (const ok of ['evil.example', '198.51.100.7', '203.0.113.0/24', '2001:db8::1', 'xn--bcher-kva.example']) {
    assert.equal(intelFeedEntryProblem(ok), undefined, ok);
  }
  assert.match(intelFeedEntryProblem('a.example,b.example') ?? '', /comma/);
  assert.match(intelFeedEntryProblem('a.example\nb.example') ?? '', /line break/);
  assert.match(intelFeedEntryProblem('a.example\r') ?? '', /line break/);
  assert.match(intelFeedEntryProblem('a .example') ?? '', /white space/);
  assert.match(intelFeedEntryProblem('a.example\t') ?? '', /white space/);
  assert.match(intelFeedEntryProblem('') ?? '', /empty/);
});

test('source labels must be under 64 characters and descriptions under 256', () => {
  assert.equal(intelFeedSourceProblem('x'.repeat(63)), undefined);
  assert.match(intelFeedSourceProblem('x'.repeat(64)) ?? '', /64 characters/);
  assert.match(intelFeedSourceProblem('  ') ?? '', /empty/);
  assert.equal(intelFeedDescriptionProblem('d'.repeat(255)), undefined);
  assert.match(intelFeedDescriptionProblem('d'.repeat(256)) ?? '', /256 characters/);
});
