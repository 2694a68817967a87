import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDtapiDate, formatIntelFeedExpiry, formatSpacedDtapiDate, parseDarktraceTime } from './dtapiDate.ts';

const T = Date.UTC(2023, 10, 14, 23, 0, 0); // 2023-11-14 23:00:00 UTC

test('DTAPI-Date is compact UTC to the second, milliseconds dropped', () => {
  assert.equal(formatDtapiDate(T), '20231114T230000');
  assert.equal(formatDtapiDate(T + 999), '20231114T230000');
  assert.equal(formatDtapiDate(Date.UTC(2019, 0, 1, 1, 0, 0)), '20190101T010000');
});

test('intel-feed expiry is YYYY-MM-DDTHH:MM:SS in UTC', () => {
  assert.equal(formatIntelFeedExpiry(Date.UTC(2023, 11, 14, 23, 0, 0, 500)), '2023-12-14T23:00:00');
});

test('Darktrace human times are read as UTC in all their forms', () => {
  assert.equal(parseDarktraceTime('2023-11-14T23:00:00'), T);
  assert.equal(parseDarktraceTime('2023-11-14 23:00:00'), T);
  assert.equal(parseDarktraceTime('2023-11-14T23:00:00Z'), T);
  assert.equal(parseDarktraceTime('2023-11-15T01:00:00+02:00'), T);
  assert.equal(parseDarktraceTime('2023-11-14 23:00'), T);
  assert.equal(parseDarktraceTime('tomorrow'), undefined);
  assert.equal(parseDarktraceTime('2023-13-45T99:00:00'), undefined);
});

test('the spaced DTAPI-Date form is UTC to the second', () => {
  assert.equal(formatSpacedDtapiDate(T + 999), '2023-11-14 23:00:00');
});
