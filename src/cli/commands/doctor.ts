import type { Clock } from '../../clock.ts';
import type { Env } from '../../config/index.ts';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../log/createLogger.ts';
import type { Logger } from '../../log/entry.ts';
import { Redactor } from '../../log/redactor.ts';
import { renderJson, renderResultLine, renderSummary } from '../../doctor/renderResults.ts';
import { runDoctor } from '../../doctor/runDoctor.ts';
import type { HostLookup } from '../../doctor/probes.ts';
import type { CommandContext } from './pipelineCommand.ts';

export interface DoctorCommandOptions {
  configDir: string;
  name: string;
  env: Env;
  clock: Clock;
  /** -ds */
  disableSsl?: boolean;
  /** -ep */
  externalProxy?: string | undefined;
  /** `text` (an aligned list, the default) or `json` (an array of {check, status, detail, fix}). */
  format?: string | undefined;
  /** Where the report goes (stdout). */
  out: (text: string) => void;
  redactor?: Redactor;
  logger?: Logger;
  lookup?: HostLookup;
  connectTimeoutMs?: number;
}

/**
 * `tq-conn-darktrace doctor`: runs the preflight checks and prints them; returns the exit code
 * (0 when nothing failed, warnings allowed; see doctorExitCode for the rest).
 *
 * @throws UsageError E_FLAG_VALUE for an unknown --format
 */
export async function doctor(options: DoctorCommandOptions): Promise<number> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`Invalid value for --format: '${format}'`, 'Allowed: text or json', 'E_FLAG_VALUE');
  }
  const text = format === 'text';
  const outcome = await runDoctor({
    configDir: options.configDir,
    name: options.name,
    env: options.env,
    clock: options.clock,
    redactor: options.redactor ?? new Redactor(),
    disableSsl: options.disableSsl,
    externalProxy: options.externalProxy,
    logger: options.logger,
    lookup: options.lookup,
    connectTimeoutMs: options.connectTimeoutMs,
    // Text lines appear as checks finish; JSON is one document at the end.
    onResult: text ? (r) => options.out(renderResultLine(r)) : undefined,
  });
  options.out(text ? renderSummary(outcome.results, outcome.exitCode) : renderJson(outcome.results));
  return outcome.exitCode;
}

/** Wires the CLI's flags and streams into `doctor`; logs go to -ll (the console means stderr, so stdout stays the report). */
export async function doctorCommand({ cmd, io, redactor }: CommandContext): Promise<number> {
  const g = cmd.global;
  const raw = cmd.args['format'];
  const format = raw === undefined ? undefined : String(Array.isArray(raw) ? raw.at(-1) : raw);
  const logger = createLogger({
    location: g.logLocation,
    name: g.name,
    verbosity: g.verbosity,
    format: g.logFormat,
    redactor,
    clock: io.clock,
    console: (line) => io.stderr.write(line + '\n'),
  });
  return doctor({
    configDir: g.configDir,
    name: g.name,
    env: io.env,
    clock: io.clock,
    disableSsl: g.disableSsl,
    externalProxy: g.externalProxy,
    format,
    out: (t) => io.stdout.write(t),
    redactor,
    logger,
  });
}
