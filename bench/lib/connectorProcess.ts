/**
 * Runs the connector as its own process, the way cron does — the built executable when it
 * exists, otherwise the sources through tsx — and reports wall time and the process's peak
 * resident memory (its own VmHWM, not rusage, which also counts the bench process copied at
 * fork) and CPU time, written on exit through TQDT_PEAK_RSS_FILE (src/cli/main.ts, ownPeakRss.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCli } from '../../test/helpers/cliProcess.ts';
import { readUsageFile } from './peakRss.ts';

export interface ConnectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size of the connector process, in MiB. */
  peakRssMiB: number;
  /** CPU time of the connector process (all its threads), in ms: its own work, whatever it waited for. */
  cpuMs: number;
}

export async function runConnector(args: string[], env: Record<string, string>, cwd: string): Promise<ConnectorRun> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-rss-'));
  const rssFile = path.join(tmp, 'peak-rss');
  try {
    const started = performance.now();
    const { done } = startCli(args, { ...env, TQDT_PEAK_RSS_FILE: rssFile }, cwd);
    const r = await done;
    const ms = performance.now() - started;
    let peakKiB = NaN;
    let cpuMs = NaN;
    try {
      ({ peakKiB, cpuMs } = readUsageFile(rssFile));
    } catch {
      // The process died before its exit handler ran; the caller sees the exit code.
    }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, ms, peakRssMiB: peakKiB / 1024, cpuMs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The run's CPU time for notes: "12.34 s", or "n/a" from an executable older than the CPU line. */
export function cpuText(run: Pick<ConnectorRun, 'cpuMs'>): string {
  return Number.isFinite(run.cpuMs) ? `${(run.cpuMs / 1000).toFixed(2)} s` : 'n/a';
}
