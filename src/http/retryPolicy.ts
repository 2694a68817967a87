import type { HttpMethod } from './types.ts';

/**
 * When and how long to wait before repeating a request, as plain data so a reader (or a test)
 * sees the whole policy at once. The functions below are pure: time and randomness come in as
 * arguments.
 */
export interface RetryPolicy {
  /** Attempts in total, the first one included (1 = never retry). */
  readonly maxAttempts: number;
  /** Backoff before the first retry, before jitter. */
  readonly baseDelayMs: number;
  /** Each further retry waits `factor` times longer, up to `maxDelayMs`. */
  readonly factor: number;
  readonly maxDelayMs: number;
  /**
   * 'full': wait a uniformly random time between 0 and the backoff, so many connectors started
   * by the same cron minute do not hammer a recovering appliance in lockstep. 'none': exact.
   */
  readonly jitter: 'full' | 'none';
  /** Statuses worth repeating: the server was busy or a gateway failed. */
  readonly retryStatuses: readonly number[];
  /** Statuses that prove the server did not process the request (429), so any method may repeat. */
  readonly statusesSafeForAnyMethod: readonly number[];
  /** Network error codes (Node and undici) worth repeating. */
  readonly retryNetworkCodes: readonly string[];
  /** Network error codes raised before a single byte reached the server, so any method may repeat. */
  readonly networkCodesSafeForAnyMethod: readonly string[];
  /** Methods safe to repeat when the request does not say (`HttpRequest.idempotent`). */
  readonly idempotentMethods: readonly HttpMethod[];
  /** Wait what the server's `Retry-After` asks instead of the computed backoff. */
  readonly honourRetryAfter: boolean;
  /** A longer `Retry-After` is cut to this, so a misbehaving server cannot park a cron run for hours. */
  readonly maxRetryAfterMs: number;
}

/**
 * Worst case with 5 attempts: 0.5 + 1 + 2 + 4 = 7.5 s of waiting (mean 3.75 s with full jitter),
 * plus whatever `Retry-After` asks, each capped at 2 minutes.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 'full',
  retryStatuses: Object.freeze([429, 500, 502, 503, 504]),
  statusesSafeForAnyMethod: Object.freeze([429]),
  retryNetworkCodes: Object.freeze([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'ENETDOWN',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
  ]),
  networkCodesSafeForAnyMethod: Object.freeze(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']),
  // PUT and DELETE are idempotent by HTTP semantics; POST only when the client says so.
  idempotentMethods: Object.freeze<HttpMethod[]>(['GET', 'PUT', 'DELETE']),
  honourRetryAfter: true,
  maxRetryAfterMs: 120_000,
}) as RetryPolicy;

/** A policy that never repeats a request (useful for `doctor` and for tests). */
export const NO_RETRY_POLICY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY_POLICY, maxAttempts: 1 });

/**
 * Checks a policy built from user or test input.
 * @throws RangeError naming the field and its current value
 */
export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const positiveInt = (name: keyof RetryPolicy, v: number) => {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot use the retry policy as '${name}' must be a positive integer: current value is ${v}`);
    }
  };
  const nonNegative = (name: keyof RetryPolicy, v: number) => {
    if (!Number.isFinite(v) || v < 0) {
      throw new RangeError(`Cannot use the retry policy as '${name}' must be a finite number of at least 0: current value is ${v}`);
    }
  };
  positiveInt('maxAttempts', policy.maxAttempts);
  nonNegative('baseDelayMs', policy.baseDelayMs);
  nonNegative('maxDelayMs', policy.maxDelayMs);
  nonNegative('maxRetryAfterMs', policy.maxRetryAfterMs);
  if (!Number.isFinite(policy.factor) || policy.factor < 1) {
    throw new RangeError(`Cannot use the retry policy as 'factor' must be at least 1: current value is ${policy.factor}`);
  }
  if (policy.jitter !== 'full' && policy.jitter !== 'none') {
    throw new RangeError(`Cannot use the retry policy as 'jitter' must be 'full' or 'none': current value is '${String(policy.jitter)}'`);
  }
  return policy;
}

export interface RetryQuestion {
  method: HttpMethod;
  /** `HttpRequest.idempotent` as the client set it; undefined = decided by the method. */
  idempotent?: boolean | undefined;
  /** The response status, when a response arrived. */
  status?: number | undefined;
  /** The Node/undici error code, when the attempt failed without a response. */
  errorCode?: string | undefined;
  /** The attempt that just failed, 1-based. */
  attempt: number;
}

/** Whether the attempt that just ended should be repeated. */
export function shouldRetry(policy: RetryPolicy, q: RetryQuestion): boolean {
  if (q.attempt >= policy.maxAttempts) return false;
  const safeToRepeat = q.idempotent ?? policy.idempotentMethods.includes(q.method);
  if (q.status !== undefined) {
    if (!policy.retryStatuses.includes(q.status)) return false;
    return safeToRepeat || policy.statusesSafeForAnyMethod.includes(q.status);
  }
  if (q.errorCode !== undefined) {
    if (!policy.retryNetworkCodes.includes(q.errorCode)) return false;
    return safeToRepeat || policy.networkCodesSafeForAnyMethod.includes(q.errorCode);
  }
  return false;
}

/**
 * How long to wait after failed attempt `attempt` (1-based) before the next one.
 * `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3) wins over the backoff when the
 * policy honours it, capped at `maxRetryAfterMs`; otherwise capped exponential backoff with
 * optional full jitter. `random` returns a number in [0, 1).
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterHeader: string | undefined,
  random: () => number,
  nowMs: number,
): number {
  if (policy.honourRetryAfter && retryAfterHeader !== undefined) {
    const asked = parseRetryAfterMs(retryAfterHeader, nowMs);
    if (asked !== undefined) return Math.min(asked, policy.maxRetryAfterMs);
  }
  const exponent = Math.max(0, attempt - 1);
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** exponent);
  if (policy.jitter === 'none') return Math.round(backoff);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoff);
}

/**
 * `Retry-After` in milliseconds from `nowMs`: delta-seconds ("120") or an HTTP date. A date in
 * the past means "now" (0). Anything unparsable is undefined, so the caller falls back to backoff.
 */
export function parseRetryAfterMs(header: string, nowMs: number): number | undefined {
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only accept things that look like a date, so "1.5" or "-3" do not parse as years.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
