import { ConnectorError, EXIT, type ExitCode } from '../errors.ts';

/** Stable codes of every failure the ThreatQ client raises; branch on these, never on messages. */
export const TQ_ERROR = {
  /** The token endpoint refused the host/client id/user/password (EXIT.auth). */
  login: 'E_TQ_LOGIN',
  /** A freshly issued token was rejected too: a second 401 after one re-login (EXIT.auth). */
  unauthorized: 'E_TQ_UNAUTHORIZED',
  /** A 2xx answer that is still a failure: `errors` key, bulk item `error`, unreadable body. */
  api: 'E_TQ_API',
  /** A 4xx answer (403 maps to EXIT.auth). */
  request: 'E_TQ_REQUEST',
  /** A 5xx answer (EXIT.unavailable). */
  unavailable: 'E_TQ_UNAVAILABLE',
  /** No Threat Library collection (saved search) has this exact name (EXIT.usage). */
  collectionUnknown: 'E_TQ_COLLECTION_UNKNOWN',
  /** A saved search has neither a hash nor an api_query the client can run (EXIT.usage). */
  collectionQuery: 'E_TQ_COLLECTION_QUERY',
  /** No indicator status has this exact name (EXIT.usage). */
  statusUnknown: 'E_TQ_STATUS_UNKNOWN',
  /** No indicator type has this exact name (EXIT.usage). */
  typeUnknown: 'E_TQ_TYPE_UNKNOWN',
  /** The instance lists no Asset object in /api/objects (EXIT.usage). */
  assetsUnsupported: 'E_TQ_ASSETS_UNSUPPORTED',
} as const;

export type TqErrorCode = (typeof TQ_ERROR)[keyof typeof TQ_ERROR];

export function tqError(code: TqErrorCode, message: string, exitCode: ExitCode, hint?: string): ConnectorError {
  return new ConnectorError(code, message, { exitCode, hint });
}

const EXCERPT_CHARS = 300;

/** The start of a response body, on one line, with secrets removed by `scrub`. */
export function bodyExcerpt(body: Buffer | string | undefined, scrub: (text: string) => string): string {
  if (body === undefined) return '';
  const text = (typeof body === 'string' ? body : body.toString('utf8')).replace(/\s+/g, ' ').trim();
  const cut = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  return scrub(cut);
}

/**
 * Flattens ThreatQ's error shapes into short sentences: `{"errors": ["a", ["b1","b2"]]}` and the
 * validation form `{"data": {"errors": {"field": ["msg"]}}}`.
 */
export function errorMessages(json: unknown): string[] {
  if (json === null || typeof json !== 'object') return [];
  const top = (json as Record<string, unknown>).errors;
  const data = (json as Record<string, unknown>).data;
  const nested = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).errors : undefined;
  const out: string[] = [];
  for (const source of [top, nested]) {
    if (source === undefined || source === null) continue;
    if (Array.isArray(source)) {
      for (const e of source) out.push(Array.isArray(e) ? e.map(String).join(' ') : String(e));
    } else if (typeof source === 'object') {
      for (const [field, msgs] of Object.entries(source)) {
        out.push(`${field}: ${Array.isArray(msgs) ? msgs.map(String).join(' ') : String(msgs)}`);
      }
    } else {
      out.push(String(source));
    }
  }
  return out;
}

/** True when a 2xx body still reports failure (threatqsdk raises on any top-level `errors`). */
export function hasErrors(json: unknown): boolean {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  const obj = json as Record<string, unknown>;
  if ('errors' in obj) return true;
  const data = obj.data;
  return data !== null && typeof data === 'object' && !Array.isArray(data) && 'errors' in (data as object) && !('id' in (data as object));
}

export { EXIT };
