/**
 * Every failure the connector reports to a user is a ConnectorError: a stable machine `code`
 * (branch on it, never on the message), the process exit code it maps to, and a message that
 * says what failed, the value involved and what to do. Only the CLI entry point turns these
 * into exit codes.
 */
export const EXIT = {
  ok: 0,
  /** An unexpected internal error (a bug): the message says so. */
  internal: 1,
  /** Bad command line or configuration. */
  usage: 2,
  /** Darktrace or ThreatQ refused our credentials, signature or permissions. */
  auth: 3,
  /** The run finished but some records failed; they are retried next run. */
  partial: 4,
  /** A remote side could not be reached or kept failing after retries. */
  unavailable: 5,
  /** The local state database or a local file could not be written (disk full, read-only). */
  localIo: 6,
  /** Interrupted by SIGINT/SIGTERM; state is consistent and the next run continues. */
  interrupted: 130,
  /** Another run of the same connector holds the lock (EX_TEMPFAIL). */
  locked: 75,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ConnectorErrorOptions {
  exitCode?: ExitCode;
  cause?: unknown;
  /** What the user should do about it; printed on its own line after the message. */
  hint?: string;
  /** The HTTP status of the answer that caused it, when there was one. */
  httpStatus?: number;
}

const BRAND = Symbol.for('tq-conn-darktrace.ConnectorError');

export class ConnectorError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly httpStatus: number | undefined;
  readonly [BRAND] = true;

  constructor(code: string, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.internal;
    this.hint = options.hint;
    this.httpStatus = options.httpStatus;
  }

  /** Reliable across bundled copies of this module, unlike instanceof. */
  static is(value: unknown): value is ConnectorError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** A bad flag or configuration value: exit 2. */
export class UsageError extends ConnectorError {
  constructor(message: string, hint?: string, code = 'E_USAGE') {
    super(code, message, { exitCode: EXIT.usage, hint });
    this.name = 'UsageError';
  }
}
