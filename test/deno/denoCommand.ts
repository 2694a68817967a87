/**
 * Runs sources under Deno (the npm-installed binary) with the permissions docs/deno.md gives,
 * so the checks prove the documented flags are enough — and, where a check omits one, needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DENO = process.env['TQDT_DENO'] ?? path.join(ROOT, 'node_modules/.bin/deno');
export const MAIN = path.join(ROOT, 'src/cli/main.ts');
/** Absolute, so the connector can run with its config directory as the working directory. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
/** yargs reads its message catalogue from here at run time. */
export const YARGS_LOCALES = path.join(ROOT, 'node_modules/yargs/locales');

export interface RunPermissionInput {
  configDir: string;
  /** `-ll DIR`, when logs go to a file. */
  logDir?: string;
  caFiles?: string[];
  /** `host:port` of ThreatQ, Darktrace and the proxy, as configured. */
  hosts: string[];
}

/**
 * `run` (also `ingest`/`export`): --allow-sys whole, because Deno asks for sys access "ca" to read
 * tls.rootCertificates (used with a CA file) and its flag parser has no "ca" descriptor;
 * --allow-run because Deno gates process.kill(pid, 0), the probe that takes over a lock left
 * by a killed run.
 */
export function runPermissions(p: RunPermissionInput): string[] {
  const dirs = [p.configDir, ...(p.logDir ? [p.logDir] : [])];
  return [
    '--allow-env',
    p.caFiles?.length ? '--allow-sys' : '--allow-sys=uid,hostname',
    `--allow-read=${[...dirs, ...(p.caFiles ?? []), YARGS_LOCALES].join(',')}`,
    `--allow-write=${dirs.join(',')}`,
    `--allow-net=${p.hosts.join(',')}`,
    '--allow-run',
  ];
}

/** `history`: the config directory (WAL readers write the -shm file), env, and the uid for access checks. */
export function historyPermissions(configDir: string): string[] {
  return ['--allow-env', '--allow-sys=uid', `--allow-read=${configDir},${YARGS_LOCALES}`, `--allow-write=${configDir}`];
}

/** `demo`: simulators on loopback and a throw-away directory under the temp dir. */
export function demoPermissions(tmpDir: string): string[] {
  return ['--allow-env', '--allow-sys', '--allow-net=127.0.0.1', `--allow-read=${tmpDir},${YARGS_LOCALES}`, `--allow-write=${tmpDir}`];
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Runtime = 'node' | 'deno';

export interface ScriptOptions {
  permissions?: string[];
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** A TypeScript entry point under Node (tsx) or Deno (`deno run` with the given permissions). */
export function startScript(runtime: Runtime, script: string, args: string[], options: ScriptOptions = {}): { child: ChildProcess; done: Promise<ProcessResult> } {
  const { NODE_OPTIONS: _drop, ...base } = process.env;
  const env = { ...base, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...options.env };
  const [file, argv] =
    runtime === 'deno'
      ? [DENO, ['run', '--no-prompt', '--no-lock', ...(options.permissions ?? ['-A']), script, ...args]]
      : [process.execPath, ['--import', TSX, script, ...args]];
  const child = spawn(file, argv, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<ProcessResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

export function runScript(runtime: Runtime, script: string, args: string[], options: ScriptOptions = {}): Promise<ProcessResult> {
  return startScript(runtime, script, args, options).done;
}

/** The connector's CLI under either runtime. */
export function runConnector(runtime: Runtime, args: string[], options: ScriptOptions = {}): Promise<ProcessResult> {
  return runScript(runtime, MAIN, args, options);
}
