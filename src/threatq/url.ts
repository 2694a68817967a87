export type Query = Record<string, string | number | undefined>;

/**
 * Accepts what users type as "ThreatQ Host": a bare host (https is assumed, as threatqsdk
 * does), a URL, with or without a trailing slash or `/api`. Returns `scheme://host[:port]`.
 */
export function normalizeBaseUrl(input: string): string {
  let s = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) s = `https://${s}`;
  s = s.replace(/\/+$/, '');
  if (s.toLowerCase().endsWith('/api')) s = s.slice(0, -4);
  return s.replace(/\/+$/, '');
}

/** The host (and port) for messages: never a path, query or credentials. */
export function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.append(k, String(v));
  const qs = params.toString();
  return `${baseUrl}${path}${qs === '' ? '' : `?${qs}`}`;
}

/** One path segment (a collection name read from the server, an id). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
