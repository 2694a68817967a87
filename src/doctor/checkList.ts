import { ConnectorError, EXIT, type ExitCode } from '../errors.ts';
import type { Redactor } from '../log/redactor.ts';

/**
 * `info` reports a fact that needs no action (the export's source label exists or not);
 * `skip` means the check could not run because an earlier one it depends on failed.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip' | 'info';

export interface CheckResult {
  /** Stable dotted id, e.g. `darktrace.signature`. */
  check: string;
  status: CheckStatus;
  /** One line: what was found. */
  detail: string;
  /** What to do about it; set on warn and fail. */
  fix?: string;
  /** On fail: the exit code a run would end with for the same problem. */
  exitCode?: ExitCode;
}

/**
 * Collects check results in order. Every detail and fix passes through the run's Redactor as it
 * is recorded, so no result can carry a secret whatever a check or an error message put in it.
 */
export class CheckList {
  readonly results: CheckResult[] = [];
  readonly #redactor: Redactor;
  readonly #onResult: ((result: CheckResult) => void) | undefined;

  constructor(redactor: Redactor, onResult?: (result: CheckResult) => void) {
    this.#redactor = redactor;
    this.#onResult = onResult;
  }

  ok(check: string, detail: string): void {
    this.#add({ check, status: 'ok', detail });
  }

  info(check: string, detail: string): void {
    this.#add({ check, status: 'info', detail });
  }

  warn(check: string, detail: string, fix: string): void {
    this.#add({ check, status: 'warn', detail, fix });
  }

  fail(check: string, detail: string, fix: string, exitCode: ExitCode): void {
    this.#add({ check, status: 'fail', detail, fix, exitCode });
  }

  skip(check: string, reason: string): void {
    this.#add({ check, status: 'skip', detail: reason });
  }

  /** A failure from a thrown error: its message, hint and exit code (an unexpected error is a bug, exit 1). */
  failure(check: string, error: unknown, detail?: string): void {
    if (ConnectorError.is(error)) {
      this.fail(check, detail ?? error.message, error.hint ?? 'See the message above', error.exitCode);
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.fail(check, detail ?? `Unexpected error: ${message}`, 'This is a bug in tq-conn-darktrace; please report it with this output', EXIT.internal);
  }

  /** Runs one check; an error it throws becomes that check's failure. Returns whether it threw nothing. */
  async attempt(check: string, run: () => Promise<void>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      this.failure(check, error);
      return false;
    }
  }

  skipAll(checks: readonly string[], reason: string): void {
    for (const c of checks) this.skip(c, reason);
  }

  #add(result: CheckResult): void {
    const clean: CheckResult = { ...result, detail: oneLine(this.#redactor.text(result.detail)) };
    if (result.fix !== undefined) clean.fix = oneLine(this.#redactor.text(result.fix));
    this.results.push(clean);
    this.#onResult?.(clean);
  }
}

/** Multi-line error messages (the configuration's list of problems) are folded onto one line. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/^- /, ''))
    .filter((l) => l !== '')
    .join('; ')
    .replace(/:; /g, ': ');
}
