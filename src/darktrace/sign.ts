import { createHmac } from 'node:crypto';
import type { HttpMethod } from '../http/types.ts';

export interface DarktraceTokens {
  publicToken: string;
  privateToken: string;
}

/**
 * The path and query (GET/DELETE) or the path and exact body bytes (POST with a body) that
 * Darktrace signs. A POST never signs its URL query (7.1.0 rejects that), and an empty query
 * signs the bare path: a lone trailing `?` gives a different signature.
 */
export function signedTarget(method: HttpMethod, path: string, query: string, body?: string): string {
  if (method !== 'GET' && method !== 'DELETE' && body !== undefined && body !== '') return `${path}?${body}`;
  return query === '' ? path : `${path}?${query}`;
}

/** `signedTarget + "\n" + publicToken + "\n" + date`, with no trailing newline. */
export function stringToSign(target: string, publicToken: string, dtapiDate: string): string {
  return `${target}\n${publicToken}\n${dtapiDate}`;
}

/** Lower-case hex HMAC-SHA1 keyed with the private token as UTF-8 bytes (no decoding). */
export function dtapiSignature(target: string, tokens: DarktraceTokens, dtapiDate: string): string {
  return createHmac('sha1', Buffer.from(tokens.privateToken, 'utf8'))
    .update(Buffer.from(stringToSign(target, tokens.publicToken, dtapiDate), 'utf8'))
    .digest('hex');
}

/** The three DTAPI headers for one attempt; the date given here must be the one signed. */
export function dtapiHeaders(target: string, tokens: DarktraceTokens, dtapiDate: string): Record<string, string> {
  return {
    'DTAPI-Token': tokens.publicToken,
    'DTAPI-Date': dtapiDate,
    'DTAPI-Signature': dtapiSignature(target, tokens, dtapiDate),
  };
}
