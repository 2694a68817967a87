/**
 * Declares the commands and flags, and nothing else: each command's behaviour lives in
 * src/cli/commands/<name>.ts behind a function taking an options object, imported lazily so
 * `--help` starts fast. Flags keep the original connector's spellings (see legacyArgs.ts).
 */
import yargs from 'yargs';
import { UsageError } from '../errors.ts';
import { normaliseLegacyArgs } from './legacyArgs.ts';
import { DEFAULT_HISTORICAL_DAYS, DEFAULT_NAME, parseGlobalOptions, type GlobalOptions } from './globalOptions.ts';
import type { CliIo } from './io.ts';
import { VERSION } from '../version.ts';
import { printable } from '../log/printable.ts';

const COMMAND_NAMES = ['run', 'ingest', 'export', 'history', 'configure', 'doctor', 'demo', 'self-check'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export interface ParsedCommand {
  command: CommandName;
  global: GlobalOptions;
  /** Command-specific flags and positionals, as yargs parsed them. */
  args: Record<string, unknown>;
}

/** `--help`/`--version` output, or the command to run. */
export type CliParse = { kind: 'output'; text: string } | { kind: 'command'; parsed: ParsedCommand };

const EPILOG = `Exit codes: 0 success, 1 internal error, 2 usage or configuration error, 3 authentication or permission refused, 4 partial failure, 5 remote unavailable, 6 local file or database error, 75 another run holds the lock, 130 interrupted.
Every setting can come from the environment (TQ_HOST, TQ_CLIENT_ID, TQ_USERNAME, TQ_PASSWORD, TQ_STATUS, DARKTRACE_HOST, DARKTRACE_PUBLIC_TOKEN, DARKTRACE_PRIVATE_TOKEN, DARKTRACE_COLLECTIONS, DARKTRACE_SOURCE_NAME, DARKTRACE_EXPIRATION_DAYS); the environment wins over the file.`;

// Commands are chosen from argv._ after parsing, not run as yargs handlers.
export function buildParser(io: Pick<CliIo, 'columns'>) {
  const y = withoutHelpCache(yargs())
    .scriptName('tq-conn-darktrace')
    .parserConfiguration({
      // -ll, -hist, -ep, -ds are rewritten before parsing; never split short flags into letters.
      'short-option-groups': false,
      // --no-differential is a flag of its own, not the negation of --differential.
      'boolean-negation': false,
      'camel-case-expansion': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': true,
    })
    .usage('Usage: $0 [command] [options]\n\nMoves Darktrace alerts into ThreatQ and ThreatQ collections into Darktrace\'s intel feed.')
    .option('loglocation', { type: 'string', describe: "Directory for the log file <name>.log; 'stdout' logs to the console", defaultDescription: 'stdout', alias: 'll' })
    .option('config', { type: 'string', describe: 'Directory holding the configuration file and the state database', defaultDescription: 'current directory', alias: 'c' })
    .option('verbosity', { type: 'string', describe: 'Logging verbosity: 1 warnings, 2 info, 3 debug', defaultDescription: '1', alias: 'v' })
    .option('external-proxy', { type: 'string', describe: 'Proxy URL for the Darktrace side only (never used for ThreatQ)', alias: 'ep' })
    .option('no-differential', { type: 'boolean', describe: 'Export the whole desired set and leave the differential state untouched (testing only)', alias: 'd' })
    .option('disable-ssl', { type: 'boolean', describe: 'Do not verify TLS certificates (prints a warning)', alias: 'ds' })
    .option('historical', { type: 'string', describe: `Days of Darktrace history to load (default ${DEFAULT_HISTORICAL_DAYS} on a first run; later runs continue from the last checkpoint)`, alias: 'hist' })
    .option('name', { type: 'string', describe: 'Connector name: separate config, state and logs per name', defaultDescription: DEFAULT_NAME, alias: 'n' })
    .option('cron', { type: 'string', describe: 'Write a commented-out cron entry with this schedule, e.g. "0 */2 * * *"' })
    .option('cron-dir', { type: 'string', describe: 'Directory for the cron entry', defaultDescription: '/etc/cron.d' })
    .option('log-format', { type: 'string', describe: 'Log line format: text or json', defaultDescription: 'text' })
    .command(['run', '$0'], 'Run both pipelines, ingest first (the default)', (c) => exportFlags(reportFlag(c)))
    .command('ingest', 'Darktrace alerts into ThreatQ', (c) => reportFlag(c))
    .command('export', "ThreatQ collections into Darktrace's intel feed", (c) => exportFlags(reportFlag(c)))
    .command(
      'history [query..]',
      'Audit queries over the local state database: (none) recent runs | run ID | alert ID | indicator VALUE | skipped | last-success | prune',
      (c) =>
        c
          .positional('query', { type: 'string', array: true })
          .option('since', { type: 'string', describe: 'Only from this time: 7d, 24h, 2026-11-01 or an ISO date-time' })
          .option('until', { type: 'string', describe: 'Only before this time (same forms as --since)' })
          .option('pipeline', { type: 'string', describe: 'ingest, export, run, configure, doctor or demo' })
          .option('status', { type: 'string', describe: 'success, partial, failed, interrupted or running' })
          .option('limit', { type: 'string', describe: 'At most this many rows (default 50)' })
          .option('format', { type: 'string', describe: 'table, json or csv', defaultDescription: 'table' })
          .option('max-age', { type: 'string', describe: 'With last-success: exit 4 when a pipeline last succeeded longer ago than this (e.g. 26h)' })
          .option('older-than', { type: 'string', describe: 'With prune: remove audit rows older than this (e.g. 90d); ledgers are kept' }),
    )
    .command(
      'configure',
      'Create or change the configuration, interactively or with --set',
      (c) =>
        c
          .option('set', { type: 'string', array: true, describe: 'KEY=VALUE (KEY is a config key or its environment variable name); repeatable' })
          .option('show', { type: 'boolean', describe: 'Print the effective configuration with secrets redacted' }),
    )
    .command(
      'doctor',
      'Preflight checks: reachability, TLS, proxy, logins, permissions, clock skew, collections',
      (c) => c.option('format', { type: 'string', describe: 'text (an aligned list) or json (an array of {check, status, detail, fix})', defaultDescription: 'text' }),
    )
    .command(
      'demo',
      'Run both pipelines against built-in simulators on loopback and show what happened',
      (c) =>
        c
          .option('keep', { type: 'boolean', describe: 'Keep the throw-away configuration and state directory' })
          .option('breaches', { type: 'string', describe: 'How many model breaches to generate (default 40)' })
          .option('seed', { type: 'string', describe: 'Seed of the generated data (default 1)' }),
    )
    .command('self-check', false, (c) => c)
    .alias('help', 'h')
    .version(VERSION)
    .strict()
    .wrap(Math.min(io.columns ?? 100, 120))
    .epilog(EPILOG)
    .exitProcess(false);
  return { y, selected: (argv: Record<string, unknown>): CommandName => {
    const first = (argv['_'] as unknown[] | undefined)?.[0];
    return typeof first === 'string' && (COMMAND_NAMES as readonly string[]).includes(first) ? (first as CommandName) : 'run';
  } };
}

/**
 * yargs renders the whole help text after parsing any command but the default one, to keep it
 * for a later showHelp() (yargs 18 gives every command a handler, so declaring none does not
 * avoid it). Nothing here shows help after parsing, and the rendering costs about 45 ms of every
 * start of `history`, `ingest`, `export`… A help text that is asked for is rendered as before.
 */
function withoutHelpCache<T>(y: import('yargs').Argv<T>): import('yargs').Argv<T> {
  const internals = (y as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
  return y;
}

function reportFlag<T>(c: import('yargs').Argv<T>) {
  return c.option('report', { type: 'string', describe: 'Also write the run summary as one JSON document to this file (for monitoring)' });
}

function exportFlags<T>(c: import('yargs').Argv<T>) {
  return c
    .option('dry-run', { type: 'boolean', describe: 'Print the export plan (adds, refreshes, removes, skips) and change nothing anywhere' })
    .option('plan-format', { type: 'string', describe: 'Format of the --dry-run plan: text or json', defaultDescription: 'text' });
}

export async function parseCli(argv: readonly string[], cwd: string, io: Pick<CliIo, 'columns'>): Promise<CliParse> {
  const args = normaliseLegacyArgs(argv);
  const { y, selected } = buildParser(io);
  const result = await new Promise<{ err: Error | undefined; argv: Record<string, unknown>; output: string }>((resolve) => {
    y.parse(args, {}, (err, parsedArgv, output) => resolve({ err: err ?? undefined, argv: parsedArgv as Record<string, unknown>, output }));
  });
  if (result.err) {
    throw tidyValueInMessage(new UsageError(result.err.message.replace(/^Unknown arguments?: /, 'Unknown option: '), 'Run tq-conn-darktrace --help for the list of commands and options', 'E_USAGE'));
  }
  if (result.output) return { kind: 'output', text: showLegacyFlags(result.output) };
  let global: GlobalOptions;
  try {
    global = parseGlobalOptions(result.argv, cwd);
  } catch (error) {
    throw error instanceof UsageError ? tidyValueInMessage(error) : error;
  }
  // Checked here, before any network or state work, rather than silently read as 'text' later.
  const planFormat = result.argv['plan-format'];
  const planFormatText = Array.isArray(planFormat) ? String(planFormat[planFormat.length - 1]) : planFormat === undefined ? undefined : String(planFormat);
  if (planFormatText !== undefined && planFormatText !== 'text' && planFormatText !== 'json') {
    throw tidyValueInMessage(new UsageError(`Invalid value for --plan-format: '${planFormatText}'`, 'Allowed: text or json', 'E_FLAG_VALUE'));
  }
  return { kind: 'command', parsed: { command: selected(result.argv), global, args: result.argv } };
}

/**
 * A refused flag value is quoted in the error: a huge one would flood the terminal and a line
 * break would forge a second log line, so it is shown shortened, control characters escaped.
 */
function tidyValueInMessage(error: UsageError): UsageError {
  const message = printable(error.message).replace(/'([^']{77})[^']{4,}'/g, "'$1...'");
  return message === error.message ? error : new UsageError(message, error.hint, error.code);
}

/** yargs prints multi-letter aliases as `--ll`; show them as users of the original know them: `-ll`. */
function showLegacyFlags(help: string): string {
  return help.replace(/ {6}--([a-z][a-z-]*), --(ll|ep|ds|hist)\b/g, (_m, long: string, short: string) => `  -${short}, --${long}`.padEnd(8 + long.length + short.length + 4));
}
