import { ConnectorError, EXIT, type ExitCode } from '../errors.ts';

/** Stable codes of every failure the Darktrace client raises; branch on these, never on messages. */
export const DT_ERROR = {
  /** 400 `API SIGNATURE ERROR`: the token pair does not match (EXIT.auth). */
  signature: 'E_DT_SIGNATURE',
  /** 400 `API DATE ERROR` even after correcting for the measured clock skew (EXIT.auth). */
  date: 'E_DT_DATE',
  /** 302 to /login: no or invalid authentication, or an endpoint this version lacks (EXIT.auth). */
  loginRedirect: 'E_DT_LOGIN_REDIRECT',
  /** 403 or 302 to /403: the token's user lacks the permission for this endpoint (EXIT.auth). */
  permission: 'E_DT_PERMISSION',
  /** 200 with the HTML login page: the tokens are valid but have no API access (EXIT.auth). */
  noApiAccess: 'E_DT_NO_API_ACCESS',
  /** Any other 3xx/4xx answer (EXIT.internal). */
  request: 'E_DT_REQUEST',
  /** 5xx or 429 still failing after the transport's retries (EXIT.unavailable). */
  unavailable: 'E_DT_UNAVAILABLE',
  /** A 2xx body that is not the JSON expected: unparseable, truncated, wrong shape (EXIT.unavailable). */
  badResponse: 'E_DT_BAD_RESPONSE',
  /** An intel-feed write refused before sending: bad entry, source or description (EXIT.usage). */
  intelFeedInput: 'E_DT_INTELFEED_INPUT',
  /** A client method called with impossible arguments (a bug in the caller; EXIT.internal). */
  argument: 'E_DT_ARGUMENT',
} as const;

export type DtErrorCode = (typeof DT_ERROR)[keyof typeof DT_ERROR];

export interface DarktraceErrorDetails {
  /** The API path without query, e.g. `/modelbreaches`. */
  endpoint?: string;
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** Server minus local time in ms, when measured (E_DT_DATE). */
  skewMs?: number;
  hint?: string;
  exitCode: ExitCode;
  cause?: unknown;
}

/** A ConnectorError that also says which endpoint failed and how, for `doctor` and the pipelines. */
export class DarktraceError extends ConnectorError {
  readonly endpoint: string | undefined;
  readonly status: number | undefined;
  readonly skewMs: number | undefined;

  constructor(code: DtErrorCode, message: string, details: DarktraceErrorDetails) {
    super(code, message, { exitCode: details.exitCode, hint: details.hint, cause: details.cause });
    this.name = 'DarktraceError';
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.skewMs = details.skewMs;
  }
}

/** Minimum Darktrace permissions per endpoint (6.1 docs, darktrace-api.md §5). */
const PERMISSIONS: readonly [prefix: string, permission: string][] = [
  ['/modelbreaches', "'Unrestricted Devices' plus 'Visualizer' (or 'View/Edit Models')"],
  ['/mbcomments', "'Unrestricted Devices' plus 'Visualizer'"],
  ['/aianalyst', "'Unrestricted Devices' plus 'Visualizer'"],
  ['/intelfeed', "'Edit Domains'"],
  ['/status', "'Status'"],
  ['/summarystatistics', "'Visualizer'"],
  ['/devices', "'Unrestricted Devices' plus 'Visualizer' (or 'Device Admin')"],
  ['/devicesearch', "'Unrestricted Devices' plus 'Visualizer'"],
];

/** The permission a token's user needs for this path, in words, or undefined when not documented. */
export function permissionFor(endpoint: string): string | undefined {
  const match = PERMISSIONS.filter(([p]) => endpoint === p || endpoint.startsWith(`${p}/`));
  match.sort((a, b) => b[0].length - a[0].length);
  return match[0]?.[1];
}

export { EXIT };
