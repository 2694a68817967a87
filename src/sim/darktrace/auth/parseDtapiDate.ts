/**
 * The five `DTAPI-Date` forms clients ship (darktrace-api.md §1.5), always UTC unless an offset
 * is written. Written independently of the connector's own formatter on purpose: the simulator
 * must catch the connector's mistakes, not share them.
 */
export type DtapiDateFormat = 'compact' | 'spaced' | 'isoOffset' | 'isoNaive' | 'rfc3339Z';

export interface ParsedDtapiDate {
  ms: number;
  format: DtapiDateFormat;
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;
const SPACED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
// ISO 8601 with 'T': optional fraction, then nothing (naive), 'Z', or ±HH:MM / ±HHMM.
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseDtapiDate(text: string): ParsedDtapiDate | undefined {
  let m = COMPACT.exec(text);
  if (m) return build(m, undefined, undefined, 'compact');
  m = SPACED.exec(text);
  if (m) return build(m, undefined, undefined, 'spaced');
  m = ISO.exec(text);
  if (!m) return undefined;
  const zone = m[8];
  const format: DtapiDateFormat = zone === undefined ? 'isoNaive' : zone === 'Z' ? 'rfc3339Z' : 'isoOffset';
  return build(m, m[7], zone, format);
}

function build(m: RegExpExecArray, fraction: string | undefined, zone: string | undefined, format: DtapiDateFormat): ParsedDtapiDate | undefined {
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February over into March; a real server would not read that as a date.
  if (new Date(ms).getUTCDate() !== d) return undefined;
  if (fraction) ms += Math.floor(Number(`0${fraction}`) * 1000);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    if (offsetMin > 18 * 60) return undefined;
    ms -= sign * offsetMin * 60_000;
  }
  return { ms, format };
}
