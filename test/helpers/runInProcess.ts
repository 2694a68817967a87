/**
 * The CLI run in-process through runMain — the executable's code path minus the process — with
 * stdout and stderr captured. Faster than a child process; what most CLI tests need.
 */
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { runMain } from '../../src/cli/runMain.ts';
import { systemClock, type Clock } from '../../src/clock.ts';

export interface InProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Terminal width; undefined = not a terminal's width. */
  columns?: number;
  clock?: Clock;
  stdin?: Readable;
  isTTY?: boolean;
  executable?: string;
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(args: string[], o: InProcessOptions): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runMain(args, {
    stdin: o.stdin ?? new PassThrough(),
    stdout,
    stderr,
    isTTY: o.isTTY ?? false,
    columns: o.columns,
    env: o.env ?? {},
    cwd: o.cwd,
    clock: o.clock ?? systemClock,
    executable: o.executable ?? '/usr/local/bin/tq-conn-darktrace',
  });
  return { code, stdout: out, stderr: err };
}
