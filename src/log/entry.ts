export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A log entry is data; formatters decide how it looks (human text or JSON lines). */
export interface LogEntry {
  time: number;
  level: LogLevel;
  /** Stable dotted event name, e.g. "ingest.batch" or "http.retry". */
  event: string;
  message: string;
  fields: Record<string, unknown>;
}

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(event: string, message: string, fields?: Fields): void;
  info(event: string, message: string, fields?: Fields): void;
  warn(event: string, message: string, fields?: Fields): void;
  error(event: string, message: string, fields?: Fields): void;
  /** A logger that adds these fields to every entry. */
  child(fields: Fields): Logger;
}

export const nullLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return nullLogger;
  },
};
