import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';

export type NormalisedEntry = { ok: true; value: string; kind: 'domain' | 'ip' | 'cidr' } | { ok: false; reason: string };

/** The ThreatQ indicator types that are exported; everything else is skipped. */
export const EXPORTED_TYPES = new Set(['FQDN', 'IP Address', 'IPv6 Address']);

const MAX_DOMAIN = 253;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

const skip = (reason: string): NormalisedEntry => ({ ok: false, reason });

/**
 * Turns a ThreatQ indicator into exactly one intel-feed entry, or says why it cannot be one.
 * Darktrace splits `addlist` on commas and newlines, so anything that is not one clean
 * domain or address must never be sent: it would inject extra entries.
 *
 * Domains: trimmed, lower case, one trailing dot removed, IDN converted to punycode, at most
 * 253 characters in labels of 1–63 letters, digits, hyphens or underscores, at least two
 * labels. Addresses: IPv4 in plain dotted form; IPv6 in canonical compressed lower-case form;
 * CIDR ranges keep their prefix (a /32 or /128 becomes the plain address) and must name the
 * network address.
 */
export function normaliseIndicator(typeName: string, raw: string): NormalisedEntry {
  if (!EXPORTED_TYPES.has(typeName)) return skip(`indicator type '${typeName}' is not exported (only FQDN and IP Address)`);
  if (typeof raw !== 'string' || raw.length === 0) return skip('empty value');
  if (/[,\r\n\u2028\u2029\u0085]/.test(raw)) return skip('contains a comma or line break, which would split it into several intel-feed entries');
  const value = raw.trim();
  if (value === '') return skip('empty value');
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return skip('contains white space or control characters');
  if (value.length > 1000) return skip(`too long (${value.length} characters)`);
  // Only a value with a colon (IPv6) or starting with a digit (IPv4, CIDR, either in brackets)
  // can be an address; the address parsers are the costliest part of a million domain names.
  const asAddress = value.includes(':') || /^\[?\d/.test(value) ? normaliseAddress(value) : undefined;
  if (asAddress) return asAddress;
  if (typeName !== 'FQDN') return skip(`not a valid ${typeName === 'IPv6 Address' ? 'IPv6' : 'IP'} address`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('/')) return skip('is a URL or path, not a domain');
  if (value.includes('*')) return skip('wildcards are not supported by the intel feed');
  if (value.includes('@')) return skip('is an email address, not a domain');
  if (/:\d*$/.test(value)) return skip('has a port; export the domain without it');
  if (/[<>"'`&;()\\[\]{}|^%$!?=+#~]/.test(value)) return skip('contains characters that cannot appear in a domain name');
  const lower = value.toLowerCase().replace(/\.$/, '');
  if (lower.startsWith('.') || lower.includes('..')) return skip('has an empty label');
  const ascii = /^[\x00-\x7f]*$/.test(lower) ? lower : domainToASCII(lower);
  if (!ascii) return skip('is not a valid internationalised domain name');
  if (ascii.length > MAX_DOMAIN) return skip(`longer than ${MAX_DOMAIN} characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) return skip('not a fully qualified domain name (needs at least two labels)');
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) return skip(bad.length > 63 ? 'has a label longer than 63 characters' : `has an invalid label '${bad}'`);
  if (/^\d+$/.test(labels[labels.length - 1]!)) return skip('looks like a malformed IP address, not a domain');
  return { ok: true, value: ascii, kind: 'domain' };
}

function normaliseAddress(value: string): NormalisedEntry | undefined {
  const slash = value.indexOf('/');
  const addr = slash === -1 ? value : value.slice(0, slash);
  const unbracketed = addr.startsWith('[') && addr.endsWith(']') ? addr.slice(1, -1) : addr;
  const v4 = isIPv4(unbracketed);
  const v6 = !v4 && isIPv6(unbracketed);
  if (!v4 && !v6) {
    // Leading zeros ("010.0.0.1") are octal to some parsers and decimal to others: refuse.
    if (/^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(value)) return skip('IPv4 address with leading zeros or out-of-range parts is ambiguous');
    return undefined;
  }
  if (unbracketed.includes('%')) return skip('IPv6 zone ids are not valid in the intel feed');
  const canonical = v4 ? unbracketed : new URL(`http://[${unbracketed}]/`).hostname.slice(1, -1);
  if (slash === -1) return { ok: true, value: canonical, kind: 'ip' };
  const prefixText = value.slice(slash + 1);
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return skip(`invalid CIDR prefix '/${prefixText}'`);
  const prefix = Number(prefixText);
  if (prefix === max) return { ok: true, value: canonical, kind: 'ip' };
  if (!isNetworkAddress(canonical, prefix, v4)) return skip(`CIDR range ${canonical}/${prefix} does not start at its network address`);
  return { ok: true, value: `${canonical}/${prefix}`, kind: 'cidr' };
}

function isNetworkAddress(addr: string, prefix: number, v4: boolean): boolean {
  const bits = v4 ? ipv4Bits(addr) : ipv6Bits(addr);
  return !bits.slice(prefix).includes('1');
}

function ipv4Bits(addr: string): string {
  return addr
    .split('.')
    .map((p) => Number(p).toString(2).padStart(8, '0'))
    .join('');
}

function ipv6Bits(addr: string): string {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}
