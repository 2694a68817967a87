import type { LogEntry } from './entry.ts';

export type LogFormat = 'text' | 'json';

const LABEL: Record<LogEntry['level'], string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

// Control characters, line separators and bidi overrides from hostile API values would let one
// log line forge or visually reorder another; a text line shows them as \uXXXX instead.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const MAX_FIELD_CHARS = 256;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function clip(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS)}…(+${text.length - MAX_FIELD_CHARS} chars)` : text;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? printable(JSON.stringify(clip(value))) : printable(clip(value));
  if (value === undefined) return 'undefined';
  return printable(JSON.stringify(value) ?? String(value));
}

/** One line: `2026-11-29T06:00:00.000Z WARN  http.retry Retrying request attempt=2 delayMs=1000`. */
export function formatText(entry: LogEntry): string {
  const fields = Object.entries(entry.fields)
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(' ');
  const message = printable(entry.message.replace(/\r\n/g, '\n'));
  return `${new Date(entry.time).toISOString()} ${LABEL[entry.level].padEnd(5)} ${entry.event} ${message}${fields ? ' ' + fields : ''}`;
}

/** JSON lines with a fixed key order: time, level, event, message, then the fields. */
export function formatJson(entry: LogEntry): string {
  return JSON.stringify({ time: new Date(entry.time).toISOString(), level: entry.level, event: entry.event, message: entry.message, ...entry.fields });
}

export const FORMATTERS: Record<LogFormat, (entry: LogEntry) => string> = { text: formatText, json: formatJson };
