import { UsageError } from '../errors.ts';
import type { ConfigProblem } from './types.ts';

/**
 * A configuration that cannot be used (exit 2). Lists every problem at once, so a user fixes
 * them in one go; `problems` carries them as data for `doctor` and tests. Never holds a secret.
 */
export class ConfigError extends UsageError {
  readonly problems: readonly ConfigProblem[];

  constructor(code: string, message: string, problems: readonly ConfigProblem[], hint?: string) {
    super(message, hint, code);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The command a user runs to fix the configuration; -c always (cron runs elsewhere), -n when not the default. */
export function configureCommandLine(dir: string, name: string): string {
  const parts = ['tq-conn-darktrace configure', `-c ${shellQuote(dir)}`];
  if (name !== 'tq-conn-darktrace') parts.push(`-n ${shellQuote(name)}`);
  return parts.join(' ');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
