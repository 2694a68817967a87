import { isIPv4 } from 'node:net';

export type HostResult = { ok: true; value: string } | { ok: false; reason: string };

const HOST_ALLOWED =
  'a host name, an IPv4 or IPv6 address, or a URL with scheme and port like https://10.0.0.5:8443 (http:// only for 127.0.0.0/8, ::1 or localhost)';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Turns what a user typed for a host into a base URL (`https://name[:port]`, no trailing
 * slash). Accepted: a bare host name or IP (HTTPS on 443), `name:port`, a bare or bracketed
 * IPv6 address, or an http(s) URL with no path, query or credentials. Plain `http://` is only
 * accepted for loopback, because the connector sends passwords and tokens to these hosts.
 */
export function normaliseHost(input: string): HostResult {
  const text = input.trim();
  if (text === '') return fail('it is empty');
  if (/\s/.test(text)) return fail('it contains white space');
  let candidate: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    if (s !== 'https' && s !== 'http') return fail(`the scheme '${s}://' is not supported`);
    candidate = text;
  } else if (text.startsWith('[')) {
    candidate = `https://${text}`;
  } else if ((text.match(/:/g) ?? []).length >= 2) {
    // Two or more colons without brackets can only be a bare IPv6 address.
    candidate = `https://[${text}]`;
  } else {
    candidate = `https://${text}`;
  }
  const authority = candidate.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0] ?? '';
  if (authority.includes('@')) return fail('it must not contain credentials (user:password@)');
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return fail('it is not a valid host name, IP address or URL');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || /[?#]/.test(candidate)) {
    return fail('it must not contain a path, query or fragment; give only the base, like https://host:8443');
  }
  if (url.port === '0') return fail('port 0 is not a usable port');
  let hostname = url.hostname;
  if (!hostname.startsWith('[')) {
    if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
    const typed = authority.replace(/:\d*$/, '').toLowerCase().replace(/\.$/, '');
    if (isIPv4(hostname)) {
      // URL turns '10.1' or '0x7f.1' into dotted quads; only accept what the user actually wrote.
      if (typed !== hostname) return fail(`'${typed}' is not a dotted-quad IPv4 address`);
    } else if (!isHostName(hostname)) {
      return fail(`'${hostname}' is not a valid host name`);
    }
  }
  if (url.protocol === 'http:' && !isLoopback(hostname)) {
    return fail('http:// is only allowed for loopback (127.0.0.0/8, ::1, localhost); use https://');
  }
  return { ok: true, value: `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ''}` };
}

/** True for 127.0.0.0/8, ::1 (bracketed, as URL gives it) and localhost. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

function isHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  // An all-numeric last label would have been parsed as an IPv4 address; anything else numeric is a typo.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((l) => LABEL.test(l));
}

function fail(reason: string): HostResult {
  return { ok: false, reason: `${reason}. Allowed: ${HOST_ALLOWED}` };
}

export const HOST_ALLOWED_TEXT = HOST_ALLOWED;
