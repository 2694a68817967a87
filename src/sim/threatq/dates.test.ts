import assert from 'node:assert/strict';
import test from 'node:test';
import { formatTqDate, parseQueryDate, parseTqDate } from './dates.ts';

test('formatTqDate matches the ISO clock for arbitrary instants, before and after 1970', () => {
  for (const s of [0, 59, 86_399, 86_400, 951_782_400, 1_709_164_799, 4_102_444_800, -1, -86_401, 1_700_000_000.9]) {
    const iso = new Date(Math.floor(s) * 1000).toISOString();
    assert.equal(formatTqDate(s), `${iso.slice(0, 10)} ${iso.slice(11, 19)}`, String(s));
  }
});

test('parseTqDate takes only real "YYYY-MM-DD HH:MM:SS" dates', () => {
  assert.equal(parseTqDate('2024-02-29 23:59:59'), Date.UTC(2024, 1, 29, 23, 59, 59) / 1000);
  for (const bad of ['2023-02-29 00:00:00', '2024-13-01 00:00:00', '2024-01-01T00:00:00', '2024-01-01 00:00', '2024-01-01 00:60:00', ' 2024-01-01 00:00:00', 1_700_000_000]) {
    assert.equal(parseTqDate(bad), undefined, String(bad));
  }
});

test('query dates also take NOW, bare dates and relative offsets', () => {
  const now = 1_700_000_000;
  assert.equal(parseQueryDate('NOW', now), now);
  assert.equal(parseQueryDate('now', now), now);
  assert.equal(parseQueryDate('2024-01-02', now), Date.UTC(2024, 0, 2) / 1000);
  assert.equal(parseQueryDate('-2 days', now), now - 2 * 86_400);
  assert.equal(parseQueryDate('3 hours ago', now), now - 3 * 3600);
  assert.equal(parseQueryDate('+1 week', now), now + 7 * 86_400);
  assert.equal(parseQueryDate('last tuesday', now), undefined);
});
