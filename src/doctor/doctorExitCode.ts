import { EXIT, type ExitCode } from '../errors.ts';
import type { CheckResult } from './checkList.ts';

/**
 * The exit code of a doctor run: 0 when no check failed (warnings are allowed).
 *
 * Each failed check carries the exit code a real run would end with for the same problem, so a
 * cron wrapper sees the same code from `doctor` as from the run it guards: a missing or invalid
 * setting, unknown collection or unknown status is 2 (configuration); a refused signature,
 * login, clock or permission is 3 (authentication/permission); DNS, TCP, TLS and proxy failures
 * are 5 (unreachable), as in a run. When several fail, the most specific wins: 2 names the exact
 * setting to change, 3 names the credential or right, 5 can be anything between this host and
 * the server. Anything else (6 local I/O, 1 internal error) ranks after those.
 */
const PRECEDENCE: readonly ExitCode[] = [EXIT.usage, EXIT.auth, EXIT.unavailable, EXIT.localIo, EXIT.internal];

export function doctorExitCode(results: readonly CheckResult[]): ExitCode {
  const codes = new Set(results.filter((r) => r.status === 'fail').map((r) => r.exitCode ?? EXIT.internal));
  if (codes.size === 0) return EXIT.ok;
  return PRECEDENCE.find((c) => codes.has(c)) ?? [...codes][0]!;
}
