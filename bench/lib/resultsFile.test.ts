import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { keptProse, PROSE_HEADING, writeResults, type Results } from './resultsFile.ts';

const results = (wallMs: number): Results => ({
  date: new Date('2026-11-29T10:00:00Z'),
  machine: ['CPU: Test CPU, 2 cores'],
  commit: 'abc1234 + uncommitted changes',
  command: 'npm run bench',
  durationMs: 60_000,
  benchPeakRssMiB: 100,
  load: '0.10 0.20 0.30 at the start, 0.40 0.50 0.60 at the end',
  rows: [
    { group: 'history', scenario: '1M synthetic · query · history', wallMs, throughput: '', peakRssMiB: NaN, target: '<200 ms', met: wallMs < 200 },
    { group: 'start-up', scenario: 'tq-conn-darktrace --help', wallMs: 70, throughput: '', peakRssMiB: 39, target: '--help <150 ms median', met: true, notes: 'a | b' },
  ],
});

test('a re-run replaces the table and keeps the hand-written section word for word', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-results-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'RESULTS.md');
  writeResults(file, results(12));
  const prose = 'We profiled `history run` with EXPLAIN QUERY PLAN.\n\n### Start-up\n\nThe help text is rendered at build time.';
  writeFileSync(file, readFileSync(file, 'utf8').replace(/## What was profiled and changed\n\n[^]*$/, `${PROSE_HEADING}\n\n${prose}\n\n## Appendix\n\nold\n`));

  writeResults(file, results(250));
  const text = readFileSync(file, 'utf8');
  assert.equal(keptProse(text), prose);
  assert.match(text, /250\.0 ms .*✗ missed/);
  assert.doesNotMatch(text, /12\.0 ms/, 'the old table is gone');
  assert.match(text, /Targets missed \(1\):\*\* history · 1M synthetic · query · history/);
  assert.match(text, /a \\\| b/, 'a pipe in a cell does not split the Markdown row');
  assert.match(text, /Commit: abc1234 \+ uncommitted changes/);
});

test('a first run writes a placeholder where the account of the profiling goes', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-results-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'RESULTS.md');
  writeResults(file, results(12));
  const text = readFileSync(file, 'utf8');
  assert.match(keptProse(text) ?? '', /To be written/);
  assert.match(text, /Every target was met\./);
});
