import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConnectorError, EXIT } from '../errors.ts';
import type { AddonDir } from './addonDirs.ts';

export interface ExtractAddonOptions {
  /** The addon's bytes (the SEA asset). */
  bytes: Uint8Array;
  /** File name stem, e.g. `better_sqlite3`; the file becomes `<stem>-<sha16>.node`. */
  stem: string;
  dirs: readonly AddonDir[];
  /** Our uid; undefined skips the ownership checks (platforms without uids). */
  uid: number | undefined;
  /** Loads a shared library and returns its exports; throws when it cannot (e.g. noexec). */
  dlopen?: (file: string) => object;
}

export interface LoadedAddon {
  exports: object;
  file: string;
}

/**
 * Writes the addon into the first usable directory and loads it from there. A file already in
 * place is reused only when its sha256 matches (a truncated write or a planted file is
 * replaced); new files are written under a temporary name and renamed, so concurrent first
 * runs are safe. dlopen happens inside the same attempt, so a directory on a noexec mount
 * falls through to the next one. When none works, the error names every directory and why.
 */
export function extractAndLoadAddon(options: ExtractAddonOptions): LoadedAddon {
  const dlopen = options.dlopen ?? dlopenNow;
  const sha = createHash('sha256').update(options.bytes).digest('hex');
  const name = `${options.stem}-${sha.slice(0, 16)}.node`;
  const failures: string[] = [];
  for (const candidate of options.dirs) {
    const file = path.join(candidate.dir, name);
    try {
      mkdirSync(candidate.dir, { recursive: true, mode: 0o700 });
      checkOwnership(candidate, options.uid);
      const wrote = !hasContent(file, sha);
      if (wrote) writeAtomically(file, options.bytes);
      const exports = dlopen(file);
      if (wrote) pruneOlder(candidate.dir, options.stem, name);
      return { exports, file };
    } catch (error) {
      failures.push(`${candidate.dir}: ${reason(error)}`);
    }
  }
  throw new ConnectorError(
    'E_NATIVE_ADDON',
    `Cannot load the SQLite engine built into this executable (${name}); tried ${failures.map((f) => `[${f}]`).join(', ')}`,
    {
      exitCode: EXIT.localIo,
      hint: 'Set TQDT_NATIVE_DIR to a directory this user can write to, on a filesystem not mounted noexec',
    },
  );
}

function dlopenNow(file: string): object {
  const module = { exports: {} };
  process.dlopen(module, file, os.constants.dlopen.RTLD_NOW);
  return module.exports;
}

function hasContent(file: string, sha: string): boolean {
  let existing: Buffer;
  try {
    existing = readFileSync(file);
  } catch {
    return false;
  }
  return createHash('sha256').update(existing).digest('hex') === sha;
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, bytes, { mode: 0o500, flag: 'wx' });
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Every directory from `ownedFrom` down to `dir` must be ours (or root's) and not writable by others. */
function checkOwnership(candidate: AddonDir, uid: number | undefined): void {
  if (uid === undefined) return;
  const chain: string[] = [candidate.dir];
  for (let d = candidate.dir; d !== candidate.ownedFrom && path.dirname(d) !== d; ) {
    d = path.dirname(d);
    chain.push(d);
  }
  for (const dir of chain) {
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new Error(`'${dir}' is not a directory (a symlink?)`);
    if (st.uid !== uid && st.uid !== 0) throw new Error(`'${dir}' belongs to uid ${st.uid}, not to this user (uid ${uid})`);
    if ((st.mode & 0o022) !== 0) throw new Error(`'${dir}' is writable by other users (mode ${(st.mode & 0o777).toString(8)})`);
  }
}

/** Old builds leave their addon behind (2 MB each); remove them once a new one is in place. */
function pruneOlder(dir: string, stem: string, keep: string): void {
  try {
    for (const entry of readdirSync(dir)) {
      if (entry !== keep && entry.startsWith(`${stem}-`) && entry.endsWith('.node')) unlinkSync(path.join(dir, entry));
    }
  } catch {
    // Best effort: a leftover file costs disk space only.
  }
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}
