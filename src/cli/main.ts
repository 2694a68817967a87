#!/usr/bin/env node
/**
 * Entry point of the executable: wires the real process into runMain and sets the exit code.
 * No top-level await: the single executable's bundle is CommonJS.
 */
import { systemClock } from '../clock.ts';
import { runMain } from './runMain.ts';

runMain(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  columns: process.stdout.columns,
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock,
  executable: process.execPath,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
