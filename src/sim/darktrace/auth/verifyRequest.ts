/**
 * Checks a request's DTAPI headers the way an appliance does (darktrace-api.md §1.4–1.6):
 * no headers → login redirect; unknown token → signature error; unreadable or skewed date →
 * date error; then the HMAC-SHA1 over `signedTarget \n publicToken \n date`. The signed target
 * is the path plus the query as sent (GET/DELETE, or a POST without body) or the path plus `?`
 * plus the exact body bytes (POST with a body; its URL query is not signed).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseDtapiDate } from './parseDtapiDate.ts';
import type { DtapiDateFormat } from './parseDtapiDate.ts';

export const MAX_SKEW_MS = 30 * 60_000;

export interface VerifyInput {
  method: string;
  /** The request target exactly as received (path plus `?query`). */
  target: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface VerifyConfig {
  publicToken: string;
  privateToken: string;
  /** Simulated server time (ms). */
  serverNow: number;
  /** true: only the exact wire text signs. false: percent-decoded query/form bodies also sign. */
  strict: boolean;
  /** Date formats to refuse, e.g. a freshly provisioned appliance refusing the compact form. */
  rejectDateFormats?: readonly DtapiDateFormat[];
}

export type VerifyOutcome = { ok: true } | { ok: false; reason: 'noAuth' | 'signature' | 'date' };

export function verifyRequest(input: VerifyInput, config: VerifyConfig): VerifyOutcome {
  const token = header(input.headers, 'dtapi-token');
  const date = header(input.headers, 'dtapi-date');
  const signature = header(input.headers, 'dtapi-signature');
  if (token === undefined || date === undefined || signature === undefined) return { ok: false, reason: 'noAuth' };
  if (token !== config.publicToken) return { ok: false, reason: 'signature' };

  const parsed = parseDtapiDate(date);
  if (!parsed || config.rejectDateFormats?.includes(parsed.format)) return { ok: false, reason: 'date' };
  if (Math.abs(config.serverNow - parsed.ms) > MAX_SKEW_MS) return { ok: false, reason: 'date' };

  const wanted = signature.trim().toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(wanted)) return { ok: false, reason: 'signature' };
  const wantedBytes = Buffer.from(wanted, 'latin1');
  const suffix = Buffer.from(`\n${token}\n${date}`, 'utf8');
  for (const target of candidateTargets(input, config.strict)) {
    const mac = createHmac('sha1', Buffer.from(config.privateToken, 'utf8'));
    for (const part of target) mac.update(part);
    mac.update(suffix);
    if (timingSafeEqual(Buffer.from(mac.digest('hex'), 'latin1'), wantedBytes)) return { ok: true };
  }
  return { ok: false, reason: 'signature' };
}

/** Each candidate is a list of byte pieces, so a multi-megabyte body is never copied. */
function* candidateTargets(input: VerifyInput, strict: boolean): Generator<(Buffer | string)[]> {
  const q = input.target.indexOf('?');
  const path = q === -1 ? input.target : input.target.slice(0, q);
  const hasBody = input.method.toUpperCase() !== 'GET' && input.method.toUpperCase() !== 'DELETE' && input.body.length > 0;
  if (hasBody) {
    yield [`${path}?`, input.body];
    if (!strict) for (const decoded of decodings(input.body.toString('utf8'))) yield [`${path}?${decoded}`];
    return;
  }
  yield [input.target];
  if (!strict && q !== -1) for (const decoded of decodings(input.target.slice(q + 1))) yield [`${path}?${decoded}`];
}

/** The percent-decoded text clients such as XSOAR, Splunk SOAR and the SDK sign (with `+` kept or read as a space). */
function decodings(text: string): string[] {
  const out = new Set<string>();
  for (const variant of [text, text.replace(/\+/g, ' ')]) {
    try {
      out.add(decodeURIComponent(variant));
    } catch {
      // malformed escapes: only the raw text can match
    }
  }
  out.delete(text);
  return [...out];
}

function header(headers: VerifyInput['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
