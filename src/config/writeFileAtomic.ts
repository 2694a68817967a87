import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import path from 'node:path';

/**
 * Replaces `file` with `content` so that a reader sees the old or the new file, never a
 * half-written one, and the new file is never readable by anyone but the owner: the temporary
 * file is created in the same directory with mode 0600 (O_EXCL, so never an existing file),
 * forced to exactly 0600 whatever the umask, flushed to disk, then renamed over the target.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  let renamed = false;
  try {
    try {
      // The umask can only remove bits from `mode`; fchmod restores missing owner bits.
      fchmodSync(fd, mode);
      const buf = Buffer.from(content, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    renamed = true;
    syncDirectory(dir);
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        // Nothing to clean up.
      }
    }
  }
}

/** Makes the rename durable; some file systems refuse fsync on a directory, which is harmless. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
