import { closeSync, fsyncSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConnectorError, EXIT, UsageError } from '../errors.ts';
import { validateCronSchedule } from './validateCronSchedule.ts';

export interface CronEntryOptions {
  schedule: string;
  /** Absolute path of the executable to run. */
  executable: string;
  configDir: string;
  /** A directory, or 'stdout'. */
  logLocation: string;
  verbosity: 1 | 2 | 3;
  name: string;
  /** Whether -n was given (the default name is left off the command line, as in the original). */
  nameGiven: boolean;
}

/** Single-quotes a word for bash: `it's` → `'it'\''s'`. */
export function bashQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Escapes text placed inside the double-quoted `bash -c "…"` argument of a cron line: the
 * shell that cron starts treats $ ` " \ specially inside double quotes, and cron itself turns
 * an unescaped % into a newline.
 */
function forDoubleQuotes(text: string): string {
  return text.replace(/[\\"$`]/g, (c) => `\\${c}`).replace(/%/g, '\\%');
}

/**
 * The line of the original connector's template, commented out so the job starts only after
 * the administrator removes the '#':
 * `#{schedule} root /bin/bash -c "source /etc/env-vars.sh; {executable} --config=… > /proc/1/fd/1 2>/proc/1/fd/2"`
 */
export function renderCronEntry(o: CronEntryOptions): string {
  const schedule = validateCronSchedule(o.schedule);
  for (const [what, p] of [
    ['executable', o.executable],
    ['config directory', o.configDir],
    ['log location', o.logLocation],
  ] as const) {
    if (/[\r\n]/.test(p)) throw new UsageError(`Cannot write a cron entry: the ${what} path contains a newline: ${JSON.stringify(p)}`, 'Use a path without newlines', 'E_CRON_PATH');
    if (p !== 'stdout' && !path.isAbsolute(p)) throw new UsageError(`Cannot write a cron entry: the ${what} '${p}' is not absolute`, 'Give an absolute path', 'E_CRON_PATH');
  }
  const args = [bashQuote(o.executable), `--config=${bashQuote(o.configDir)}`, `--loglocation=${bashQuote(o.logLocation)}`, `-v${o.verbosity}`];
  if (o.nameGiven) args.push(`--name=${bashQuote(o.name)}`);
  const command = `source /etc/env-vars.sh; ${args.join(' ')} > /proc/1/fd/1 2>/proc/1/fd/2`;
  return `#${schedule} root /bin/bash -c "${forDoubleQuotes(command)}"\n`;
}

/** Writes `<cronDir>/<name>` atomically (mode 0644, as cron.d requires) and returns its path. */
export function writeCronEntry(o: CronEntryOptions & { cronDir: string }): string {
  const line = renderCronEntry(o);
  let isDir = false;
  try {
    isDir = statSync(o.cronDir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new UsageError(`Cannot write the cron entry: directory '${o.cronDir}' does not exist`, 'Create it, or choose another with --cron-dir', 'E_CRON_DIR');
  }
  // cron ignores files in cron.d whose names contain dots.
  const file = path.join(o.cronDir, o.name.replace(/\./g, '_'));
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, '# Written by tq-conn-darktrace --cron. Remove the leading # to enable the job.\n' + line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (cause) {
    throw new ConnectorError('E_CRON_WRITE', `Cannot write the cron entry '${file}': ${(cause as Error).message}`, {
      exitCode: EXIT.localIo,
      cause,
      hint: `Run as a user that may write to '${o.cronDir}' (usually root), or choose another directory with --cron-dir`,
    });
  }
  return file;
}
