import type { HttpResponse } from '../http/types.ts';
import { DarktraceError, DT_ERROR, EXIT, permissionFor } from './errors.ts';

export interface AnswerContext {
  method: string;
  /** API path without query, e.g. `/modelbreaches`. */
  endpoint: string;
  /** `host[:port]` for messages. */
  host: string;
  /** Removes the tokens from any text quoted from the server. */
  scrub: (text: string) => string;
}

/** The JSON of a successful answer, or the one failure the caller handles itself. */
export type Answer = { kind: 'json'; json: unknown } | { kind: 'dateError' };

const EXCERPT_CHARS = 200;

/**
 * Classifies one final Darktrace answer (the transport has already retried what it could).
 * The status decides first and the body second, because successful bodies vary by endpoint
 * and version. Returns the parsed JSON, or `dateError` for a 400 `API DATE ERROR` (the caller
 * corrects its clock and retries once); every other failure throws a DarktraceError.
 */
export function readAnswer(res: HttpResponse, ctx: AnswerContext): Answer {
  const where = `${ctx.method} ${ctx.endpoint} on Darktrace ${ctx.host}`;
  const text = res.body.toString('utf8');
  const fail = (code: (typeof DT_ERROR)[keyof typeof DT_ERROR], message: string, exitCode: (typeof EXIT)[keyof typeof EXIT], hint?: string) =>
    new DarktraceError(code, message, { endpoint: ctx.endpoint, status: res.status, exitCode, hint });

  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.location ?? '';
    const target = locationPath(location);
    if (target === '/403') throw permissionError(res.status, ctx, where, `redirected to /403`);
    if (target === '/login' || target.startsWith('/login/') || (target === '' && /redirecting to \/login/i.test(text))) {
      throw fail(
        DT_ERROR.loginRedirect,
        `Darktrace redirected ${where} to its login page (HTTP ${res.status}): it did not accept the API token pair, or this Darktrace version has no endpoint ${ctx.endpoint}`,
        EXIT.auth,
        'Check the Darktrace host and the public/private token pair (System Config > Settings > API Token); if they are right, this Darktrace version may not offer the endpoint',
      );
    }
    throw fail(
      DT_ERROR.request,
      `Darktrace answered ${where} with a redirect (HTTP ${res.status}) to '${ctx.scrub(location.slice(0, EXCERPT_CHARS))}'`,
      EXIT.internal,
      'Check that the Darktrace host setting points at the appliance itself, not at a portal or proxy',
    );
  }

  const errorValue = apiErrorValue(text);
  if ((res.status === 400 || res.status === 401) && errorValue === 'API DATE ERROR') return { kind: 'dateError' };
  if ((res.status === 400 || res.status === 401) && errorValue === 'API SIGNATURE ERROR') {
    throw fail(
      DT_ERROR.signature,
      `Darktrace rejected the request signature for ${where} (HTTP ${res.status} API SIGNATURE ERROR)`,
      EXIT.auth,
      'Check the public and private token pair: both must come from the same API token in Darktrace (System Config > Settings > API Token, or the user\'s API Access), copied without spaces',
    );
  }
  if (res.status === 401) {
    throw fail(
      DT_ERROR.signature,
      `Darktrace refused the credentials for ${where} (HTTP 401)${excerpt(text, ctx)}`,
      EXIT.auth,
      'Check the public and private token pair and that this host\'s clock is within 30 minutes of Darktrace\'s',
    );
  }
  if (res.status === 403) throw permissionError(res.status, ctx, where, 'HTTP 403');
  if (res.status === 429 || res.status >= 500) {
    throw fail(
      DT_ERROR.unavailable,
      `Darktrace failed on ${where} (HTTP ${res.status}) after retries${excerpt(text, ctx)}`,
      EXIT.unavailable,
      'Darktrace is failing or overloaded; the run can be repeated later (it continues from its checkpoint)',
    );
  }
  if (res.status < 200 || res.status >= 300) {
    throw fail(DT_ERROR.request, `Darktrace refused ${where} (HTTP ${res.status})${excerpt(text, ctx)}`, EXIT.internal);
  }

  if (looksLikeHtml(text, res.headers['content-type'])) {
    if (/log\s*in|login/i.test(text)) {
      throw fail(
        DT_ERROR.noApiAccess,
        `Darktrace answered ${where} with its HTML login page instead of JSON: the token pair is known but has no API access`,
        EXIT.auth,
        "Use a token pair with API access: the instance-wide API Token (System Config > Settings), or a local non-SSO user's token with the 'API Access' flag",
      );
    }
    throw fail(
      DT_ERROR.badResponse,
      `Darktrace answered ${where} with an HTML page instead of JSON${excerpt(text, ctx)}`,
      EXIT.unavailable,
      'Check that the Darktrace host setting points at the appliance itself, not at a portal or proxy',
    );
  }
  try {
    return { kind: 'json', json: JSON.parse(text) };
  } catch {
    const declared = Number(res.headers['content-length']);
    const truncated = Number.isFinite(declared) && declared > res.body.length;
    throw fail(
      DT_ERROR.badResponse,
      `Darktrace answered ${where} with ${truncated ? `a truncated body (${res.body.length} of ${declared} bytes)` : text.trim() === '' ? 'an empty body' : 'a body that is not valid JSON'} (HTTP ${res.status})${excerpt(text, ctx)}`,
      EXIT.unavailable,
      'Repeat the run; if it persists, check for a proxy or gateway cutting responses short, or raise the Darktrace timeout',
    );
  }
}

function permissionError(status: number, ctx: AnswerContext, where: string, how: string): DarktraceError {
  const permission = permissionFor(ctx.endpoint);
  return new DarktraceError(
    DT_ERROR.permission,
    `Darktrace denied ${where} (${how}): the API token's user lacks the permission for ${ctx.endpoint}`,
    {
      endpoint: ctx.endpoint,
      status,
      exitCode: EXIT.auth,
      hint: permission
        ? `Give the API token's user the Darktrace permission ${permission}`
        : 'Give the API token\'s user the Darktrace permission this endpoint requires',
    },
  );
}

/** `{"<segment>": "API SIGNATURE ERROR"}`: the key varies, so any string value counts. */
function apiErrorValue(text: string): string | undefined {
  if (!text.includes('API ')) return undefined;
  try {
    const json: unknown = JSON.parse(text);
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
    for (const v of Object.values(json)) {
      if (v === 'API DATE ERROR' || v === 'API SIGNATURE ERROR') return v;
    }
  } catch {
    // not JSON: not one of these errors
  }
  return undefined;
}

function locationPath(location: string): string {
  if (location === '') return '';
  try {
    return new URL(location, 'http://x').pathname.replace(/\/+$/, '') || '/';
  } catch {
    return location;
  }
}

function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  const start = text.trimStart().slice(0, 100).toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html') || (/text\/html/i.test(contentType ?? '') && start.startsWith('<'));
}

function excerpt(text: string, ctx: AnswerContext): string {
  const one = text.replace(/\s+/g, ' ').trim();
  if (one === '') return '';
  return `: ${ctx.scrub(one.length > EXCERPT_CHARS ? `${one.slice(0, EXCERPT_CHARS)}…` : one)}`;
}
