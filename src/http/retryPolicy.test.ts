import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
  retryDelayMs,
  shouldRetry,
  validateRetryPolicy,
  type RetryPolicy,
} from './retryPolicy.ts';

const exact: RetryPolicy = { ...DEFAULT_RETRY_POLICY, jitter: 'none' };
const NOW = Date.parse('2026-03-01T12:00:00Z');

test('backoff doubles from 500 ms and stops growing at 30 s', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((a) => retryDelayMs(exact, a, undefined, Math.random, NOW));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
});

test('full jitter waits between 0 and the backoff for that attempt', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
      const d = retryDelayMs(DEFAULT_RETRY_POLICY, attempt, undefined, () => r, NOW);
      const cap = Math.min(30_000, 500 * 2 ** (attempt - 1));
      return Number.isInteger(d) && d >= 0 && d <= cap;
    }),
  );
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 3, undefined, () => 0.5, NOW), 1000);
});

test('Retry-After in seconds replaces the backoff', () => {
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 1, '7', () => 0.5, NOW), 7000);
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 1, ' 0 ', () => 0.5, NOW), 0);
});

test('Retry-After as an HTTP date waits until that moment', () => {
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 'Sun, 01 Mar 2026 12:00:42 GMT', () => 0.5, NOW), 42_000);
  // A date in the past means "retry now".
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 'Sun, 01 Mar 2026 11:00:00 GMT', () => 0.5, NOW), 0);
});

test('a long Retry-After is capped at maxRetryAfterMs', () => {
  assert.equal(retryDelayMs(DEFAULT_RETRY_POLICY, 1, '86400', () => 0.5, NOW), DEFAULT_RETRY_POLICY.maxRetryAfterMs);
});

test('an unparsable Retry-After falls back to the backoff, and so does one the policy ignores', () => {
  assert.equal(retryDelayMs(exact, 2, 'soon', () => 0, NOW), 1000);
  assert.equal(retryDelayMs(exact, 2, '-3', () => 0, NOW), 1000);
  assert.equal(retryDelayMs(exact, 2, '1.5', () => 0, NOW), 1000);
  assert.equal(retryDelayMs({ ...exact, honourRetryAfter: false }, 2, '7', () => 0, NOW), 1000);
  assert.equal(parseRetryAfterMs('', NOW), undefined);
});

test('GET, PUT and DELETE are retried on 5xx; POST only when marked idempotent', () => {
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method, status: 502, attempt: 1 }), true, method);
  }
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'POST', status: 502, attempt: 1 }), false);
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'POST', idempotent: true, status: 502, attempt: 1 }), true);
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'GET', idempotent: false, status: 502, attempt: 1 }), false);
});

test('429 is retried for any method: the server did not process the request', () => {
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'POST', status: 429, attempt: 1 }), true);
});

test('client errors, successes and redirects are never retried', () => {
  for (const status of [200, 201, 301, 400, 401, 403, 404, 409, 501]) {
    assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'GET', status, attempt: 1 }), false, String(status));
  }
});

test('network errors: listed codes retried for safe requests; refused connections for any method', () => {
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'GET', errorCode: 'ECONNRESET', attempt: 1 }), true);
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'POST', errorCode: 'ECONNRESET', attempt: 1 }), false);
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'POST', errorCode: 'ECONNREFUSED', attempt: 1 }), true);
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'GET', errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', attempt: 1 }), false);
  assert.equal(shouldRetry(DEFAULT_RETRY_POLICY, { method: 'GET', errorCode: 'ENOTFOUND', attempt: 1 }), false);
});

test('no retry once maxAttempts attempts were made', () => {
  const p = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 };
  assert.equal(shouldRetry(p, { method: 'GET', status: 503, attempt: 2 }), true);
  assert.equal(shouldRetry(p, { method: 'GET', status: 503, attempt: 3 }), false);
  assert.equal(shouldRetry({ ...p, maxAttempts: 1 }, { method: 'GET', status: 429, attempt: 1 }), false);
});

test('validateRetryPolicy names the bad field and its value', () => {
  assert.throws(() => validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, maxAttempts: 0 }), {
    name: 'RangeError',
    message: "Cannot use the retry policy as 'maxAttempts' must be a positive integer: current value is 0",
  });
  assert.throws(() => validateRetryPolicy({ ...DEFAULT_RETRY_POLICY, factor: 0.5 }), /'factor' must be at least 1: current value is 0.5/);
  assert.equal(validateRetryPolicy(DEFAULT_RETRY_POLICY), DEFAULT_RETRY_POLICY);
});
