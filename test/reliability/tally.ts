/**
 * The reliability suite's figures. Each test adds what it did (faults injected, kills survived,
 * inputs tried) and what it found lost or duplicated; `npm run test:reliability` sums them into
 * the table the README's "Reliability" section quotes. Without TQDT_RELIABILITY_TALLY set
 * (a plain `npm test`) nothing is written.
 */
import { appendFileSync } from 'node:fs';

export interface TallyCounts {
  /** Faults the simulators actually fired (count fired faults, not planned ones). */
  faultsInjected?: number;
  /** Connector processes killed with SIGKILL whose next clean run converged. */
  killsSurvived?: number;
  /** Bad or random inputs fed to a mapper, validator, CLI or pipeline. */
  inputsTried?: number;
  /** Connector runs made by the test. */
  runs?: number;
  /** Objects missing after convergence (alerts not in ThreatQ, desired indicators not in the feed). */
  lost?: number;
  /** Objects present more than once (ThreatQ events per alert > 1, stray feed entries). */
  duplicated?: number;
  /** Secret canary hits anywhere searched. */
  secretHits?: number;
}

export function tally(suite: string, counts: TallyCounts): void {
  const file = process.env['TQDT_RELIABILITY_TALLY'];
  if (!file) return;
  // One short line per call with O_APPEND: concurrent test files cannot interleave it.
  appendFileSync(file, `${JSON.stringify({ suite, ...counts })}\n`);
}
