/**
 * Peak resident memory of one run of the connector, in MiB (NaN when it cannot be read), from
 * the connector's own TQDT_PEAK_RSS_FILE hook (src/cli/main.ts) — the same measure as
 * bench/lib/connectorProcess.ts, for runs that are timed separately; and the reader of that file
 * both use.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function peakRssOfRun(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): number {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-rss-'));
  const out = path.join(tmp, 'peak-rss');
  try {
    spawnSync(file, args, { cwd: options.cwd, env: { ...options.env, TQDT_PEAK_RSS_FILE: out }, stdio: 'ignore' });
    const { peakKiB } = readUsageFile(out);
    return peakKiB > 0 ? peakKiB / 1024 : NaN;
  } catch {
    return NaN;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * What the TQDT_PEAK_RSS_FILE hook wrote: peak memory in KiB, then CPU time in ms, a line each.
 * cpuMs is NaN from an executable older than the CPU line. Throws when the file is missing (the
 * process died before its exit handler ran).
 */
export function readUsageFile(file: string): { peakKiB: number; cpuMs: number } {
  const [kib, cpu] = readFileSync(file, 'utf8').split('\n');
  return { peakKiB: Number(kib), cpuMs: cpu ? Number(cpu) : NaN };
}
