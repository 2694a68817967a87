/**
 * Environment faults for the reliability suite: a configuration directory on its own small
 * tmpfs that a test fills (disk full) or remounts read-only at a chosen moment. Without
 * permission to mount (non-root CI, or TQDT_TEST_UNPRIVILEGED=1 to try that path) the same
 * faults are made per process instead: a file size limit of 0 (RLIMIT_FSIZE, set at spawn with
 * `ulimit -f 0` or on a running child with `prlimit`) makes every write fail as a full disk
 * does, and chmod 0500 makes the directory read-only.
 */
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCli, type CliResult } from '../helpers/cliProcess.ts';
import { openStateDb, stateDbPath } from '../../src/state/openStateDb.ts';
import type { Harness } from '../e2e/harness.ts';

let mountable: boolean | undefined;

/** Whether this process may mount a tmpfs (checked once by trying). */
export function canMount(): boolean {
  if (mountable !== undefined) return mountable;
  mountable = false;
  if (process.env['TQDT_TEST_UNPRIVILEGED'] === '1' || process.getuid?.() !== 0) return mountable;
  const probe = mkdtempSync(path.join(os.tmpdir(), 'tqdt-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    mountable = true;
  } catch {
    mountable = false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
  return mountable;
}

export interface FaultDir {
  dir: string;
  /** 'tmpfs' (a real full or read-only filesystem) or 'process' (file size limit, chmod). */
  mode: 'tmpfs' | 'process';
  /** Makes the disk full: fills the tmpfs, or limits `pid` (a running child) to writing nothing; without a pid, children started later start limited. */
  fill(pid?: number): void;
  free(): void;
  /** Read-only from now on: remounts the tmpfs read-only (refused while a file on it is open for writing), or chmod 0500. */
  readOnly(): void;
  writable(): void;
  /** Whether children spawned now must start with the file size limit. */
  readonly startFull: boolean;
}

/** A fresh configuration directory on its own tmpfs of `sizeKb` (or a plain temp directory); removed in t.after. */
export function faultDir(t: { after(fn: () => unknown): void }, sizeKb = 4096): FaultDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-envfault-'));
  const mounted = canMount();
  if (mounted) execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]);
  const filler = path.join(dir, 'zz-filler');
  let startFull = false;
  t.after(() => {
    if (mounted) {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        // A handle still open (a test failed half-way): detach it so the directory can go.
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      }
    } else {
      chmodSync(dir, 0o700);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    mode: mounted ? 'tmpfs' : 'process',
    get startFull() {
      return startFull;
    },
    fill(pid) {
      if (mounted) return fillFilesystem(filler);
      if (pid === undefined) startFull = true;
      else execFileSync('prlimit', ['--pid', String(pid), '--fsize=0']);
    },
    free() {
      if (mounted) rmSync(filler, { force: true });
      startFull = false;
    },
    readOnly() {
      if (mounted) execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
      else chmodSync(dir, 0o500);
    },
    writable() {
      if (mounted) execFileSync('mount', ['-o', 'remount,rw', dir], { stdio: 'pipe' });
      else chmodSync(dir, 0o700);
    },
  };
}

function fillFilesystem(file: string): void {
  const fd = openSync(file, 'a');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x5a);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts the connector as a child process (the built executable, or the sources through tsx;
 * see cliProcess.ts), under `ulimit -f 0` when the fault directory says the disk is full from
 * the start without a tmpfs.
 */
export function startConnector(args: string[], env: Record<string, string>, cwd: string, fault?: FaultDir): { child: ChildProcess; done: Promise<CliResult> } {
  return startCli(args, env, cwd, fault?.startFull ? ['bash', '-c', 'ulimit -f 0; exec "$@"', 'bash'] : []);
}

/** The harness, with its database and runs pointed at `dir` (for the e2e assertions). */
export function harnessIn(h: Harness, dir: string): Harness {
  return { ...h, dir, db: () => openStateDb({ path: stateDbPath(dir, 'tq-conn-darktrace') }) };
}

/** PRAGMA integrity_check and foreign_key_check of the state database in `dir`. */
export function assertDbIntact(dir: string, note = ''): void {
  const state = openStateDb({ path: stateDbPath(dir, 'tq-conn-darktrace') });
  try {
    assert.equal(state.sqlite.pragma('integrity_check', { simple: true }), 'ok', `${note}integrity_check`);
    assert.deepEqual(state.sqlite.pragma('foreign_key_check'), [], `${note}foreign_key_check`);
  } finally {
    state.close();
  }
}

/** The user-facing shape of a local I/O failure: exit 6, an `Error:` line naming `file`, a hint, no stack trace. */
export function assertClearIoError(r: CliResult, file: string, why: RegExp, note = ''): void {
  const all = `${note}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  assert.equal(r.code, 6, `exit 6 (local I/O): ${all}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('Error: '));
  assert.ok(line, `one 'Error:' line: ${all}`);
  assert.ok(line.includes(file), `the error names ${file}: ${all}`);
  assert.match(line, why, all);
  const hint = r.stderr.split('\n')[r.stderr.split('\n').indexOf(line) + 1] ?? '';
  assert.match(hint, /^ {2}\S.*(run again|then|choose|writable)/i, `the next line says what to do: ${all}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `no stack trace: ${all}`);
  assert.doesNotMatch(r.stderr, /Internal error|this is a bug/i, all);
}
