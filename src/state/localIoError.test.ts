import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localIoError, localIoKind } from './localIoError.ts';

const sqlite = (code: string, message: string) => Object.assign(new Error(message), { code });

test('SQLite and node:fs write failures are classified; anything else is not a local I/O failure', () => {
  const dir = os.tmpdir();
  assert.equal(localIoKind(sqlite('SQLITE_FULL', 'database or disk is full'), dir), 'full');
  assert.equal(localIoKind(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), dir), 'full');
  // On a writable directory SQLite's "readonly database" means the file is not ours to write.
  assert.equal(localIoKind(sqlite('SQLITE_READONLY', 'attempt to write a readonly database'), dir), 'permission');
  assert.equal(localIoKind(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }), dir), 'readonly');
  assert.equal(localIoKind(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), dir), 'permission');
  assert.equal(localIoKind(new TypeError('x is undefined'), dir), undefined);
  // A plain I/O error on a filesystem with room is not called a full disk.
  assert.equal(localIoKind(sqlite('SQLITE_IOERR_WRITE', 'disk I/O error'), dir), 'io');
});

test('the error names the file, says why in plain words, exits 6 and says what to do', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'local-io-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'c.db');
  const full = localIoError(sqlite('SQLITE_FULL', 'database or disk is full'), file);
  assert.equal(full.exitCode, 6);
  assert.equal(full.code, 'E_DISK_FULL');
  assert.match(full.message, new RegExp(`^Cannot write the state database '${file}': the disk is full \\(.+ free on the filesystem of '${dir}'\\)$`));
  assert.match(full.hint ?? '', /^Free space on that filesystem .*run again; the state database is intact/);
  const ro = localIoError(Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' }), file, 'the state database', 'E_STATE_DB');
  assert.equal(ro.code, 'E_STATE_DB');
  assert.match(ro.message, /is read-only$/);
  assert.match(ro.hint ?? '', /^Remount it read-write/);
  const denied = localIoError(sqlite('SQLITE_READONLY', 'attempt to write a readonly database'), file);
  assert.match(denied.message, /permission denied \(attempt to write a readonly database\)$/);
  assert.match(denied.hint ?? '', new RegExp(`^Make '${dir}' and the files in it writable by this user`));
});
