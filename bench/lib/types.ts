/**
 * What every benchmark returns to `npm run bench` (bench/run.ts), which prints the rows as they
 * come and writes the full run's table into bench/RESULTS.md.
 */
export interface BenchRow {
  /** Group, e.g. "export", "ingest", "history", "start-up". */
  group: string;
  /** e.g. "first run (1,000,000 indicators, 3 collections)". */
  scenario: string;
  wallMs: number;
  /** Work done per second, with its unit, e.g. "25,400 indicators/s"; '' where it means nothing. */
  throughput: string;
  /** Peak RSS of the connector process in MiB; NaN where no connector process ran. */
  peakRssMiB: number;
  /** Requests the simulators received from the connector during this scenario. */
  requests?: { darktrace: number; threatq: number; writesToDarktrace: number; writesToThreatQ: number };
  /** Time of the raw-HTTP ceiling client doing the same requests in the same run. */
  ceilingMs?: number;
  /** The target in words, e.g. "≤1.5x ceiling and <90 s"; '' if none. */
  target: string;
  /** Whether the target was met; undefined where there is no target. */
  met?: boolean;
  notes?: string;
}

export interface BenchOptions {
  /** A size that finishes in a couple of minutes (same scenarios, smaller numbers). */
  quick: boolean;
  /**
   * A directory that outlives the benchmark: keep each connector config directory (and so its
   * state database) under `workDir/<group>/…`, so the history benchmark can query what the
   * export and ingest runs recorded.
   */
  workDir: string;
  /** Progress lines for the console. */
  log(line: string): void;
}

export type Bench = (options: BenchOptions) => Promise<BenchRow[]>;
