import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson, formatText } from './formatters.ts';
import type { LogEntry } from './entry.ts';

const entry = (message: string, fields: Record<string, unknown> = {}): LogEntry => ({ time: Date.UTC(2026, 10, 29), level: 'warn', event: 'ingest.quarantine', message, fields });

test('a hostile value cannot start a forged log line or reorder the text around it', () => {
  const forged = 'x\n2026-11-29T00:00:00.000Z INFO  run.done Finished\r';
  const line = formatText(entry(`Alert ${forged} skipped`, { id: forged, name: 'evil\u202etxt.exe', nul: 'a\u0000b' }));
  assert.equal(line.split('\n').length, 1, line);
  assert.doesNotMatch(line, /[\u0000-\u001f\u202e]/);
  assert.match(line, /Alert x\\n2026/);
  assert.match(line, /name=evil\\u202etxt\.exe/);
  assert.match(line, /nul=a\\u0000b/);
});

test('a huge string field is cut with the number of characters left out', () => {
  const line = formatText(entry('Skipped', { id: 'A'.repeat(100_000) }));
  assert.ok(line.length < 400, `line of ${line.length} characters`);
  assert.match(line, /…\(\+99744 chars\)/);
});

test('structured fields and plain values keep their text form', () => {
  const line = formatText(entry('Retrying request', { attempt: 2, path: '/modelbreaches', counts: { created: 3 }, note: 'two words' }));
  assert.equal(line, '2026-11-29T00:00:00.000Z WARN  ingest.quarantine Retrying request attempt=2 path=/modelbreaches counts={"created":3} note="two words"');
});

test('JSON lines carry the value unchanged, for machines', () => {
  const parsed = JSON.parse(formatJson(entry('m', { id: 'a\nb\u202e' }))) as { id: string };
  assert.equal(parsed.id, 'a\nb\u202e');
});
