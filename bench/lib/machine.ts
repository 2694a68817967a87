/** The machine, software and commit a benchmark ran on, for bench/RESULTS.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function describeMachine(): string[] {
  const cpuinfo = read('/proc/cpuinfo');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const osName = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(read('/etc/os-release'))?.[1] ?? os.type();
  return [
    `CPU: ${cpu}, ${os.availableParallelism()} cores`,
    `RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${osName}, kernel ${os.release()} (${os.arch()})`,
    `Node: ${process.version}`,
  ];
}

/**
 * Short commit hash, with "+ uncommitted changes" when the tree differs from it. The results
 * file is left out: it is this bench's own output, rewritten by every run.
 */
export function describeCommit(cwd: string): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '.', ':(exclude)bench/RESULTS.md'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${hash} + uncommitted changes` : hash;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The 1, 5 and 15 minute load averages, e.g. "0.12 0.30 0.41". */
export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}
