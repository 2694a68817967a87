import { accessSync, constants, readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { ConnectorError, EXIT } from '../errors.ts';

/** Why a local write failed, as far as the error and the filesystem tell. */
export type LocalIoKind = 'full' | 'readonly' | 'permission' | 'fileSize' | 'io';

/** Below this many free bytes an SQLite "disk I/O error" is taken for a full disk (its -shm file alone needs 32 KB). */
const NEARLY_FULL = 256 * 1024;

/**
 * Classifies an error from SQLite or node:fs as a local write failure, or undefined when it is
 * something else. SQLite reports a full disk as SQLITE_FULL only for short writes: growing its
 * -shm file on a full disk gives a plain SQLITE_IOERR, so the free space of `dir` decides.
 */
export function localIoKind(error: unknown, dir: string | undefined): LocalIoKind | undefined {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const text = `${code} ${error instanceof Error ? error.message : String(error)}`;
  if (/SQLITE_FULL|ENOSPC|EDQUOT|disk is full|no space left/i.test(text)) return 'full';
  if (/EROFS|read-only file system/i.test(text)) return 'readonly';
  if (/EFBIG|file too large/i.test(text)) return 'fileSize';
  // SQLITE_READONLY means a read-only filesystem or a file or directory this user may not write.
  const denied = /EACCES|EPERM|SQLITE_PERM|SQLITE_CANTOPEN|SQLITE_READONLY|permission denied|unable to open database|readonly database/i.test(text);
  if (!denied && !/SQLITE_IOERR|EIO\b|disk I\/O error/i.test(text)) return undefined;
  // SQLite says "unable to open database file" or "readonly database" for a read-only filesystem too: ask the directory.
  const probe = dir === undefined ? undefined : writeProbe(dir);
  if (probe === 'EROFS') return 'readonly';
  if (denied) return 'permission';
  const free = dir === undefined ? undefined : freeBytes(dir);
  if (free !== undefined && free < NEARLY_FULL) return 'full';
  return fileSizeLimit() === undefined ? 'io' : 'fileSize';
}

/**
 * The error a user sees when `file` could not be written: what, why in plain words (disk full
 * with the free space, read-only filesystem, permissions, file size limit) and what to do.
 * Exit 6. SQLite rolls back the unfinished transaction, so the database itself stays intact.
 */
export function localIoError(error: unknown, file: string, what = 'the state database', code?: string): ConnectorError {
  const dir = path.dirname(file);
  const kind = localIoKind(error, dir) ?? 'io';
  const reason = error instanceof Error ? error.message : String(error);
  const free = freeBytes(dir);
  const limit = fileSizeLimit();
  const why: Record<LocalIoKind, string> = {
    full: `the disk is full (${free === undefined ? 'no' : formatBytes(free)} free on the filesystem of '${dir}')`,
    readonly: `the filesystem of '${dir}' is read-only`,
    permission: `permission denied (${reason})`,
    fileSize: `the file size limit of this process was reached (ulimit -f${limit === undefined ? '' : `: ${formatBytes(limit)}`})`,
    io: reason,
  };
  const intact = 'the state database is intact (the unfinished change was rolled back) and the next run continues where this one stopped';
  const isState = what === 'the state database';
  const hint: Record<LocalIoKind, string> = {
    full: `Free space on that filesystem${isState ? ' (or move -c to a larger one)' : ''}, then run again; ${intact}`,
    readonly: `Remount it read-write${isState ? ' (or move -c to a writable directory)' : ' or choose another path'}, then run again; ${intact}`,
    permission: `Make '${dir}' and the files in it writable by this user, then run again; ${intact}`,
    fileSize: `Raise the limit (ulimit -f unlimited) for this job, then run again; ${intact}`,
    io: `Check free space and the filesystem of '${dir}' (dmesg), then run again; ${intact}`,
  };
  return new ConnectorError(code ?? (kind === 'full' ? 'E_DISK_FULL' : 'E_LOCAL_IO'), `Cannot write ${what} '${file}': ${why[kind]}`, {
    exitCode: EXIT.localIo,
    cause: error,
    hint: hint[kind],
  });
}

function writeProbe(dir: string): string | undefined {
  try {
    accessSync(dir, constants.W_OK);
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
}

function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** The soft RLIMIT_FSIZE in bytes, or undefined when unlimited or unknown (no /proc). */
function fileSizeLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max file size'));
    const soft = line?.slice('Max file size'.length).trim().split(/\s+/)[0];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.floor(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
