/**
 * Peak resident memory of one run of the connector, in MiB (NaN when it cannot be read), from
 * the connector's own TQDT_PEAK_RSS_FILE hook (src/cli/main.ts) — the same measure as
 * bench/lib/connectorProcess.ts, for runs that are timed separately.
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
    const kib = Number(readFileSync(out, 'utf8').split('\n')[0]);
    return kib > 0 ? kib / 1024 : NaN;
  } catch {
    return NaN;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
