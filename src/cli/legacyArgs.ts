/**
 * The original connector used argparse, whose short options may be several letters long
 * (`-ll`, `-hist`, `-ep`, `-ds`) and take attached values (`-v3`). yargs would read `-ll` as
 * two `-l` flags, so these spellings are rewritten to their long forms before yargs sees them.
 * Rewriting stops at `--`, and values are never rewritten (`-c -ll` keeps `-ll` as the value).
 */
const LEGACY_SHORT: Record<string, string> = {
  '-ll': '--loglocation',
  '-hist': '--historical',
  '-ep': '--external-proxy',
  '-ds': '--disable-ssl',
  '-c': '--config',
  '-v': '--verbosity',
  '-n': '--name',
  '-d': '--no-differential',
  '-h': '--help',
};

/** Long options that take a value, so the next argument is not rewritten. */
const TAKES_VALUE = new Set([
  '--loglocation',
  '--historical',
  '--external-proxy',
  '--config',
  '--verbosity',
  '--name',
  '--cron',
  '--cron-dir',
  '--log-format',
  '--format',
  '--report',
  '--set',
  '--since',
  '--until',
  '--limit',
  '--pipeline',
  '--status',
  '--max-age',
  '--plan-format',
  '--breaches',
  '--seed',
  '--older-than',
]);

export function normaliseLegacyArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    let long: string | undefined;
    let attached: string | undefined;
    const eq = arg.indexOf('=');
    const head = arg.startsWith('-') && !arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (LEGACY_SHORT[head]) {
      long = LEGACY_SHORT[head];
      if (head !== arg) attached = arg.slice(eq + 1);
    } else if (/^-v\d+$/.test(arg)) {
      long = '--verbosity';
      attached = arg.slice(2);
    }
    if (long === undefined) {
      if (arg.startsWith('--') && !arg.includes('=') && TAKES_VALUE.has(arg) && isValue(argv[i + 1])) {
        out.push(`${arg}=${argv[++i]}`);
      } else {
        out.push(arg);
      }
      continue;
    }
    if (attached !== undefined) {
      out.push(`${long}=${attached}`);
    } else if (TAKES_VALUE.has(long) && isValue(argv[i + 1])) {
      // Joined with '=' so that a value like `-1` reaches the validator instead of looking like a flag.
      out.push(`${long}=${argv[++i]}`);
    } else {
      out.push(long);
    }
  }
  return out;
}

/** The next argument is a value unless it looks like a flag (negative numbers are values). */
function isValue(next: string | undefined): next is string {
  return next !== undefined && (!next.startsWith('-') || /^-\d/.test(next) || next === '-');
}
