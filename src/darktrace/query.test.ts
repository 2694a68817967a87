import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery } from './query.ts';

test('keys are sorted whatever order they were given in, so signing and sending agree', () => {
  assert.equal(buildQuery({ zparam: 'zval', aparam: 'aval', mparam: 'mval' }), 'aparam=aval&mparam=mval&zparam=zval');
});

test('booleans are lower case, undefined is left out, numbers are plain', () => {
  assert.equal(buildQuery({ starttime: 1700000000000, includeacknowledged: true, fast: false, minscore: 0.5, did: undefined }), 'fast=false&includeacknowledged=true&minscore=0.5&starttime=1700000000000');
});

test('values are percent-encoded consistently (space as %20, comma, colon, RFC 3986 reserved marks)', () => {
  assert.equal(buildQuery({ source: "Threat Q, it's (x)*", fulldetails: true }), 'fulldetails=true&source=Threat%20Q%2C%20it%27s%20%28x%29%2A');
});

test('repeated keys keep their given order; an empty query is the empty string', () => {
  assert.equal(buildQuery({ saasfilter: ['office365*', 'aws*'] }), 'saasfilter=office365%2A&saasfilter=aws%2A');
  assert.equal(buildQuery({}), '');
  assert.equal(buildQuery({ a: undefined }), '');
});

test('a NaN is refused rather than signed as "NaN"', () => {
  assert.throws(() => buildQuery({ starttime: Number.NaN }), /starttime/);
});
