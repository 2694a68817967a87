/**
 * Peak resident memory of one run of a program, in MiB (NaN when it cannot be read): from GNU
 * time when installed (works for any program, and for `--help`, which exits before the
 * connector's own hook is installed), else from the connector's TQDT_PEAK_RSS_FILE hook.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

export function peakRssOfRun(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): number {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-rss-'));
  const out = path.join(tmp, 'peak-rss');
  try {
    if (existsSync(GNU_TIME)) {
      spawnSync(GNU_TIME, ['-f', '%M', '-o', out, file, ...args], { cwd: options.cwd, env: options.env, stdio: 'ignore' });
    } else {
      spawnSync(file, args, { cwd: options.cwd, env: { ...options.env, TQDT_PEAK_RSS_FILE: out }, stdio: 'ignore' });
    }
    // GNU time puts "Command exited with non-zero status N" first; the figure is the last line.
    const kib = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
    return kib > 0 ? kib / 1024 : NaN;
  } catch {
    return NaN;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
