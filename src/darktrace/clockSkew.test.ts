import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClockSkew, describeSkew } from './clockSkew.ts';

const LOCAL = Date.UTC(2023, 10, 14, 23, 0, 0);

test('the offset is measured from the Date header at the middle of the exchange', () => {
  const skew = new ClockSkew();
  assert.equal(skew.correctionMs, 0);
  const server = new Date(LOCAL + 45 * 60_000).toUTCString();
  const offset = skew.observe(server, LOCAL - 200, LOCAL + 200);
  assert.equal(offset, 45 * 60_000 + 500);
  assert.equal(skew.correctionMs, offset);
});

test('sub-2-second offsets are noise and not applied; a missing or bad header changes nothing', () => {
  const skew = new ClockSkew();
  skew.observe(new Date(LOCAL).toUTCString(), LOCAL, LOCAL);
  assert.equal(skew.measuredMs, 500);
  assert.equal(skew.correctionMs, 0);
  assert.equal(skew.observe(undefined, LOCAL, LOCAL), undefined);
  assert.equal(skew.observe('not a date', LOCAL, LOCAL), undefined);
  assert.equal(skew.measuredMs, 500);
});

test('skew is described from the local clock\'s point of view', () => {
  assert.equal(describeSkew(45 * 60_000), '45 minutes behind');
  assert.equal(describeSkew(-60_000), '1 minute ahead of');
  assert.equal(describeSkew(10_000), 'within a minute of');
});
