import { ConnectorError, EXIT, UsageError } from '../errors.ts';
import { printableLines } from '../log/printable.ts';
import { Redactor } from '../log/redactor.ts';
import { parseCli, type ParsedCommand } from './cli.ts';
import type { CliIo } from './io.ts';

/**
 * The only place where errors become exit codes. Everything below throws ConnectorError (or
 * something unexpected, reported as an internal error); messages pass through a Redactor
 * holding the secrets known so far, so an error can never print one.
 */
export async function runMain(argv: readonly string[], io: CliIo): Promise<number> {
  const redactor = new Redactor();
  try {
    const parsed = await parseCli(argv, io.cwd, io);
    if (parsed.kind === 'output') {
      io.stdout.write(parsed.text.endsWith('\n') ? parsed.text : parsed.text + '\n');
      return EXIT.ok;
    }
    return await dispatch(parsed.parsed, io, redactor);
  } catch (error) {
    return reportError(error, io, redactor, argv);
  }
}

async function dispatch(cmd: ParsedCommand, io: CliIo, redactor: Redactor): Promise<number> {
  const context = { cmd, io, redactor };
  switch (cmd.command) {
    case 'self-check': {
      const { selfCheck } = await import('./commands/selfCheck.ts');
      await selfCheck({ configDir: cmd.global.configDir, name: cmd.global.name, out: (line) => io.stdout.write(line + '\n') });
      return EXIT.ok;
    }
    case 'configure': {
      const { configureCommand } = await import('./commands/configureCommand.ts');
      return configureCommand(context);
    }
    case 'run':
    case 'ingest':
    case 'export': {
      const { pipelineCommand } = await import('./commands/pipelineCommand.ts');
      return pipelineCommand(context);
    }
    case 'history': {
      const { history } = await import('./commands/history.ts');
      const a = cmd.args;
      const s = (k: string) => (a[k] === undefined ? undefined : String(Array.isArray(a[k]) ? (a[k] as unknown[]).at(-1) : a[k]));
      return history({
        configDir: cmd.global.configDir,
        name: cmd.global.name,
        query: ((a['query'] as string[] | undefined) ?? []).map(String),
        since: s('since'),
        until: s('until'),
        pipeline: s('pipeline'),
        status: s('status'),
        limit: s('limit'),
        format: s('format'),
        maxAge: s('max-age'),
        olderThan: s('older-than'),
        clock: io.clock,
        columns: io.columns,
        out: (text) => io.stdout.write(text),
      });
    }
    case 'doctor': {
      const { doctorCommand } = await import('./commands/doctor.ts');
      return doctorCommand(context);
    }
    case 'demo': {
      const { demo } = await import('./commands/demo.ts');
      const n = Number(cmd.args['breaches'] ?? 40);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new UsageError(`Invalid value for --breaches: '${String(cmd.args['breaches'])}'`, 'Allowed: a whole number from 1 to 100000', 'E_FLAG_VALUE');
      return demo({ io, keep: cmd.args['keep'] === true, breaches: n, seed: Number(cmd.args['seed'] ?? 1) || 1, run: (argv, subIo) => runMain(argv, subIo) });
    }
  }
}

function reportError(error: unknown, io: CliIo, redactor: Redactor, argv: readonly string[]): number {
  const verbose = argv.some((a) => /^(-v3|--verbosity=3)$/.test(a)) || argv.join(' ').includes('-v 3');
  if (ConnectorError.is(error)) {
    // Messages quote values from the servers and the configuration: no escape sequence reaches the terminal.
    io.stderr.write(`Error: ${printableLines(redactor.text(error.message))}\n`);
    if (error.hint) io.stderr.write(`  ${printableLines(redactor.text(error.hint))}\n`);
    if (verbose && error.cause instanceof Error) io.stderr.write(`  Cause: ${printableLines(redactor.text(error.cause.message))}\n`);
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  io.stderr.write(`Internal error (this is a bug in tq-conn-darktrace): ${printableLines(redactor.text(e.message))}\n`);
  io.stderr.write('  Please report it with the log file; nothing was left half-written: the next run continues safely\n');
  if (verbose && e.stack) io.stderr.write(printableLines(redactor.text(e.stack)) + '\n');
  return EXIT.internal;
}
