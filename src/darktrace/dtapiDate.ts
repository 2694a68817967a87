/** `YYYYMMDDTHHMMSS` in UTC, second precision: the compact DTAPI-Date form Elastic and dtctl send. */
export function formatDtapiDate(ms: number): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC: the other DTAPI-Date form every 7.1.0 appliance accepts. */
export function formatSpacedDtapiDate(ms: number): string {
  return formatIntelFeedExpiry(ms).replace('T', ' ');
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC: the intel-feed `expiry` form (the one GET returns). */
export function formatIntelFeedExpiry(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/**
 * Reads Darktrace's human UTC times: `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`, optionally with
 * fractional seconds and a `Z` or `±HH:MM` offset (no offset means UTC). Returns epoch ms or
 * undefined when the text is not such a time.
 */
export function parseDarktraceTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const zone = m[8] === undefined || m[8].toUpperCase() === 'Z' ? 'Z' : m[8].length === 5 ? `${m[8].slice(0, 3)}:${m[8].slice(3)}` : m[8];
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`);
  return Number.isFinite(ms) ? ms : undefined;
}
