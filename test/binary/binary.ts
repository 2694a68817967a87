// Helpers for the tests that run the built executable (build/out/tq-conn-darktrace, or $TQDT_BIN).
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The executable under test; throws a clear message when it has not been built. */
export function binPath(): string {
  const bin = path.resolve(process.env.TQDT_BIN || path.join(repoRoot, 'build/out/tq-conn-darktrace'));
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    throw new Error(`No executable at ${bin}: run npm run build first (or set TQDT_BIN)`);
  }
  return bin;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with exactly the given environment (nothing inherited) and collects its output. */
export function run(command: string, args: readonly string[], options: { env: Record<string, string>; cwd: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh sandbox: empty cwd, HOME, TMPDIR and config dir, removed after the test. */
export interface Sandbox {
  root: string;
  cwd: string;
  home: string;
  tmp: string;
  config: string;
  /** PATH=/nonexistent (no node, no tools), fresh HOME and TMPDIR, plus `extra`. */
  env(extra?: Record<string, string>): Record<string, string>;
}

export function sandbox(t: { after: (fn: () => void) => void }): Sandbox {
  // realpath: the executable reports resolved paths, and os.tmpdir() may be a symlink.
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tqdt-bin-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const made = { cwd: path.join(root, 'cwd'), home: path.join(root, 'home'), tmp: path.join(root, 'tmp'), config: path.join(root, 'config') };
  for (const dir of Object.values(made)) mkdirSync(dir);
  return {
    root,
    ...made,
    env: (extra = {}) => ({ PATH: '/nonexistent', HOME: made.home, TMPDIR: made.tmp, LANG: 'C', ...extra }),
  };
}

/** Parses the one JSON line self-check prints. */
export function selfCheckResult(result: RunResult): { ok: boolean; sqlite: string; addon: string; migrations: number } {
  if (result.code !== 0) throw new Error(`self-check exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim());
}

/** Highest `<prefix>_x.y` symbol version a binary needs, e.g. GLIBC. */
export async function maxSymbolVersion(file: string, prefix: string): Promise<string> {
  const result = await run('objdump', ['-T', file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: repoRoot });
  if (result.code !== 0) throw new Error(`objdump -T ${file} failed (is binutils installed?): ${result.stderr}`);
  const versions = [...new Set(result.stdout.match(new RegExp(`${prefix}_[0-9.]+`, 'g')) ?? [])].map((v) => v.slice(prefix.length + 1));
  versions.sort(compareVersions);
  const max = versions.at(-1);
  if (!max) throw new Error(`${file} references no ${prefix} symbol versions`);
  return max;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Mount-namespace tests need root (CI runs as root); unshare -m keeps the mounts private. */
export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${what} needs root (mount namespaces, setpriv); run the binary tests as root`);
}

/** Absolute path of a system tool, since the sandboxed environment has PATH=/nonexistent. */
export function tool(name: string): string {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // try the next one
    }
  }
  throw new Error(`${name} not found in /usr/bin, /bin, /usr/sbin or /sbin`);
}
