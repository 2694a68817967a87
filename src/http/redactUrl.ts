import type { Redactor } from '../log/redactor.ts';
import { REDACTED } from '../log/redactor.ts';

/** Query parameters that carry credentials in the APIs we talk to (ThreatQ token refresh, OAuth). */
const SENSITIVE_PARAMS = new Set(['refresh_token', 'access_token', 'password', 'client_secret', 'token', 'code', 'private_token']);

/**
 * A URL fit for a log line or an error message: user:password@ removed by the Redactor,
 * sensitive query values replaced, registered secrets removed. The rest stays byte-for-byte,
 * so a logged Darktrace URL still matches what was signed.
 */
export function redactUrl(url: string, redactor: Redactor): string {
  const hash = url.indexOf('#');
  const withoutHash = hash === -1 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  let out = withoutHash;
  if (q !== -1) {
    const query = withoutHash
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq === -1) return pair;
        const name = safeDecode(pair.slice(0, eq)).toLowerCase();
        return SENSITIVE_PARAMS.has(name) || redactor.isSecretKey(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
      })
      .join('&');
    out = `${withoutHash.slice(0, q)}?${query}`;
  }
  return redactor.text(out);
}

/** `scheme://host:port` of a URL without any user:password, for naming a proxy in messages. */
export function displayOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable URL)';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
