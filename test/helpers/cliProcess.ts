/**
 * Runs the connector as a real child process: the built executable when it exists (what users
 * run, and fast to start), otherwise the sources through tsx. TQDT_BIN overrides.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = process.env['TQDT_BIN'] ?? path.join(root, 'build/out/tq-conn-darktrace');

export function cliCommand(args: string[]): { file: string; args: string[] } {
  if (existsSync(built)) return { file: built, args };
  // tsx resolved from here, not from the child's working directory (a temp dir has no node_modules).
  return { file: process.execPath, args: ['--import', import.meta.resolve('tsx'), path.join(root, 'src/cli/main.ts'), ...args] };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `launcher`: a command that execs the connector given as its trailing arguments (e.g. a shell setting a ulimit). */
export function startCli(args: string[], env: Record<string, string>, cwd: string, launcher: string[] = []): { child: ChildProcess; done: Promise<CliResult> } {
  const cmd = cliCommand(args);
  const [file, ...argv] = [...launcher, cmd.file, ...cmd.args];
  // The executable honours NODE_OPTIONS; a test runner's options must not leak into it.
  const { NODE_OPTIONS: _drop, ...base } = process.env;
  const child = spawn(file!, argv, { cwd, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  return startCli(args, env, cwd).done;
}
