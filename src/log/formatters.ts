import type { LogEntry } from './entry.ts';
import { printable } from './printable.ts';

export type LogFormat = 'text' | 'json';

const LABEL: Record<LogEntry['level'], string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

const MAX_FIELD_CHARS = 256;

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
