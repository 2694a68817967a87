import { accessSync, constants, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { LEVEL_RANK, type Fields, type LogEntry, type Logger, type LogLevel } from './entry.ts';
import { FORMATTERS, type LogFormat } from './formatters.ts';
import { Redactor } from './redactor.ts';

/** -v 1/2/3 → warning/info/debug, as in the original connector. */
export const VERBOSITY_LEVEL: Record<1 | 2 | 3, LogLevel> = { 1: 'warn', 2: 'info', 3: 'debug' };

export interface LoggerOptions {
  /** A directory (log file `<dir>/<name>.log`, appended) or the special value `stdout` (the console). */
  location: string;
  name: string;
  verbosity: 1 | 2 | 3;
  format?: LogFormat;
  redactor: Redactor;
  clock?: Clock;
  /** Where console logs go; stderr, so command output on stdout stays machine-readable. */
  console?: (line: string) => void;
}

export interface ConnectorLogger extends Logger {
  /** The file being appended to, or undefined when logging to the console. */
  readonly file: string | undefined;
}

/**
 * Builds the run's logger. Every entry passes through the Redactor before it is formatted, so a
 * secret cannot reach the log whatever a caller passes in. File writes are synchronous: a run
 * killed with SIGKILL keeps every line written before the kill.
 */
export function createLogger(options: LoggerOptions): ConnectorLogger {
  const threshold = LEVEL_RANK[VERBOSITY_LEVEL[options.verbosity]];
  const format = FORMATTERS[options.format ?? 'text'];
  const clock = options.clock ?? systemClock;
  const redactor = options.redactor;
  let write: (line: string) => void;
  let file: string | undefined;
  if (options.location === 'stdout') {
    write = options.console ?? ((line) => process.stderr.write(line + '\n'));
  } else {
    file = logFilePath(options.location, options.name);
    let fd: number;
    try {
      fd = openSync(file, 'a', 0o640);
    } catch (cause) {
      throw new UsageError(
        `Cannot open the log file '${file}': ${(cause as Error).message}`,
        'Make the file writable by this user, or use -ll stdout',
        'E_LOG_DIR',
      );
    }
    const toConsole = options.console ?? ((line: string) => process.stderr.write(line + '\n'));
    const logFile = file;
    let failed = false;
    // A full or read-only log disk must not stop a run half-way (the state database, not the
    // log, is the record): say so once, then keep logging to the console.
    write = (line) => {
      if (failed) return toConsole(line);
      try {
        writeSync(fd, line + '\n');
      } catch (cause) {
        failed = true;
        const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
        const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the filesystem is read-only' : code;
        toConsole(`Warning: cannot write the log file '${logFile}' (${why}); logging to the console from now on. Free space or fix the -ll directory.`);
        toConsole(line);
      }
    };
  }

  const make = (bound: Fields): ConnectorLogger => {
    const emit = (level: LogLevel, event: string, message: string, fields?: Fields) => {
      if (LEVEL_RANK[level] < threshold) return;
      const entry: LogEntry = {
        time: clock.now(),
        level,
        event,
        message: redactor.text(message),
        fields: redactor.value({ ...bound, ...fields }) as Fields,
      };
      write(format(entry));
    };
    return {
      file,
      debug: (e, m, f) => emit('debug', e, m, f),
      info: (e, m, f) => emit('info', e, m, f),
      warn: (e, m, f) => emit('warn', e, m, f),
      error: (e, m, f) => emit('error', e, m, f),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

/** Checks a -ll directory and returns `<dir>/<name>.log`; a clear usage error otherwise. */
export function logFilePath(dir: string, name: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(
      `Cannot log to -ll/--loglocation '${dir}': the directory does not exist`,
      `Create it first (mkdir -p '${dir}') or use -ll stdout to log to the console`,
      'E_LOG_DIR',
    );
  }
  if (!isDir) {
    throw new UsageError(`Cannot log to -ll/--loglocation '${dir}': it is not a directory`, 'Give a directory; the log file is <dir>/<name>.log', 'E_LOG_DIR');
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(
      `Cannot log to -ll/--loglocation '${dir}': the directory is not writable by this user`,
      'Fix its permissions or choose another directory',
      'E_LOG_DIR',
    );
  }
  return path.join(dir, `${name}.log`);
}
