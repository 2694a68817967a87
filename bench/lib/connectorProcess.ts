/**
 * Runs the connector as its own process, the way cron does — the built executable when it
 * exists, otherwise the sources through tsx — and reports wall time and the process's peak
 * resident memory (its own VmHWM, not rusage, which also counts the bench process copied at
 * fork; written on exit through TQDT_PEAK_RSS_FILE, see src/cli/ownPeakRss.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCli } from '../../test/helpers/cliProcess.ts';

export interface ConnectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size of the connector process, in MiB. */
  peakRssMiB: number;
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
    try {
      peakKiB = Number(readFileSync(rssFile, 'utf8').trim());
    } catch {
      // The process died before its exit handler ran; the caller sees the exit code.
    }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, ms, peakRssMiB: peakKiB / 1024 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
