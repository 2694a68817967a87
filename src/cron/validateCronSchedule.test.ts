import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCronSchedule } from './validateCronSchedule.ts';
import { ConnectorError } from '../errors.ts';

test('accepts numbers, ranges, steps, lists and names', () => {
  for (const s of ['0 */2 * * *', '5 4 * * sun', '0 0 1,15 * *', '0 9-17/2 * * mon-fri', '*/15 * * jan,jul *', '59 23 31 12 7', '0 0 * * 0', '10/5 * * * *']) {
    assert.equal(validateCronSchedule(s), s);
  }
  assert.equal(validateCronSchedule('  0   */2 * *  * '), '0 */2 * * *');
});

test('refuses bad schedules with exit 2 and the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['0 */2 * *', /expected 5 fields, found 4/],
    ['60 * * * *', /minute 60 is outside 0-59/],
    ['* 24 * * *', /hour 24/],
    ['* * 0 * *', /day of month 0/],
    ['* * * 13 *', /month 13/],
    ['* * * * 8', /day of week 8/],
    ['*/0 * * * *', /step '0'/],
    ['5-1 * * * *', /runs backwards/],
    ['a * * * *', /not a number/],
    ['* * * foo *', /not a number or a name/],
    ['0 1,,2 * * *', /empty list item/],
    ['0 * * * * rm -rf /', /expected 5 fields, found 8/],
    ['0 * * * *\n* * * * * evil', /newlines/],
    ['', /found 0/],
  ];
  for (const [s, re] of cases) {
    assert.throws(
      () => validateCronSchedule(s),
      (e: unknown) => ConnectorError.is(e) && e.exitCode === 2 && re.test(e.message) && /--cron/.test(e.message),
      s,
    );
  }
});
