import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { ConnectorError } from '../errors.ts';
import type { AddonDir } from './addonDirs.ts';
import { extractAndLoadAddon } from './extractAddon.ts';

const uid = process.getuid?.();
const bytes = new TextEncoder().encode('pretend this is an ELF shared object');

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tqdt-native-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}
const at = (dir: string): AddonDir => ({ dir, ownedFrom: dir });
const fakeDlopen = (calls: string[]) => (file: string) => {
  calls.push(file);
  return { loadedFrom: file };
};

test('extracts into the first directory, read-only and complete, then reuses the same file', (t) => {
  const root = tempRoot(t);
  const dir = path.join(root, 'cache', 'native');
  const calls: string[] = [];
  const first = extractAndLoadAddon({ bytes, stem: 'addon', dirs: [at(dir)], uid, dlopen: fakeDlopen(calls) });
  assert.match(path.basename(first.file), /^addon-[0-9a-f]{16}\.node$/);
  assert.equal(path.dirname(first.file), dir);
  assert.deepEqual(readFileSync(first.file), Buffer.from(bytes));
  assert.equal(statSync(first.file).mode & 0o777, 0o500);
  assert.equal(statSync(dir).mode & 0o077, 0, 'the directory is private');
  const inode = statSync(first.file).ino;
  const second = extractAndLoadAddon({ bytes, stem: 'addon', dirs: [at(dir)], uid, dlopen: fakeDlopen(calls) });
  assert.equal(second.file, first.file);
  assert.equal(statSync(second.file).ino, inode, 'an intact file is not rewritten');
  assert.deepEqual(calls, [first.file, first.file]);
  assert.deepEqual(readdirSync(dir), [path.basename(first.file)], 'no temporary files are left');
});

test('replaces a truncated or planted file whose hash does not match', (t) => {
  const root = tempRoot(t);
  const { file } = extractAndLoadAddon({ bytes, stem: 'addon', dirs: [at(root)], uid, dlopen: () => ({}) });
  chmodSync(file, 0o600);
  writeFileSync(file, 'pretend');
  extractAndLoadAddon({ bytes, stem: 'addon', dirs: [at(root)], uid, dlopen: () => ({}) });
  assert.deepEqual(readFileSync(file), Buffer.from(bytes));
});

test('falls through to the next directory when one cannot be created or cannot load (noexec)', (t) => {
  const root = tempRoot(t);
  const notADir = path.join(root, 'file');
  writeFileSync(notADir, '');
  const noexec = path.join(root, 'noexec');
  const good = path.join(root, 'good');
  const loaded = extractAndLoadAddon({
    bytes,
    stem: 'addon',
    dirs: [at(path.join(notADir, 'native')), at(noexec), at(good)],
    uid,
    dlopen: (file) => {
      if (file.startsWith(noexec)) throw new Error(`${file}: failed to map segment from shared object`);
      return { ok: true };
    },
  });
  assert.equal(path.dirname(loaded.file), good);
  assert.deepEqual(loaded.exports, { ok: true });
});

test('when no directory works, one error names every directory and its reason', (t) => {
  const root = tempRoot(t);
  const notADir = path.join(root, 'file');
  writeFileSync(notADir, '');
  const noexec = path.join(root, 'noexec');
  const dirs = [at(path.join(notADir, 'a')), at(noexec)];
  assert.throws(
    () =>
      extractAndLoadAddon({
        bytes,
        stem: 'addon',
        dirs,
        uid,
        dlopen: () => {
          throw new Error('failed to map segment from shared object');
        },
      }),
    (error: unknown) => {
      assert.ok(ConnectorError.is(error));
      assert.equal(error.code, 'E_NATIVE_ADDON');
      assert.equal(error.exitCode, 6);
      assert.ok(error.message.includes(`${path.join(notADir, 'a')}: ENOTDIR`), error.message);
      assert.ok(error.message.includes(`${noexec}: failed to map segment`), error.message);
      assert.match(error.hint ?? '', /TQDT_NATIVE_DIR/);
      return true;
    },
  );
});

test('refuses a directory other users could write to, or a symlink, in the part it owns', (t) => {
  const root = tempRoot(t);
  const shared = path.join(root, 'shared');
  mkdirSync(shared, { mode: 0o700 });
  chmodSync(shared, 0o777);
  const link = path.join(root, 'link');
  symlinkSync(root, link);
  const good = path.join(root, 'good');
  const error = (() => {
    try {
      extractAndLoadAddon({ bytes, stem: 'addon', dirs: [{ dir: path.join(shared, 'native'), ownedFrom: shared }, at(link)], uid, dlopen: () => ({}) });
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  assert.ok(error, 'both directories are refused');
  assert.match(error.message, /shared' is writable by other users \(mode 777\)/);
  assert.match(error.message, /link' is not a directory/);
  const ok = extractAndLoadAddon({ bytes, stem: 'addon', dirs: [at(good)], uid, dlopen: () => ({}) });
  assert.equal(path.dirname(ok.file), good);
});

test('removes the addon files of older builds once a new one is in place', (t) => {
  const root = tempRoot(t);
  writeFileSync(path.join(root, 'addon-0123456789abcdef.node'), 'old build');
  writeFileSync(path.join(root, 'other.node'), 'not ours');
  const { file } = extractAndLoadAddon({ bytes, stem: 'addon', dirs: [at(root)], uid, dlopen: () => ({}) });
  assert.deepEqual(readdirSync(root).sort(), [path.basename(file), 'other.node'].sort());
});

test('loads a real addon: better-sqlite3 runs queries through the extracted copy', (t) => {
  const require = createRequire(import.meta.url);
  const real = readFileSync(require.resolve('better-sqlite3/build/Release/better_sqlite3.node'));
  const root = tempRoot(t);
  const { exports, file } = extractAndLoadAddon({ bytes: real, stem: 'better_sqlite3', dirs: [at(root)], uid });
  assert.equal(path.dirname(file), root);
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(':memory:', { nativeBinding: exports as unknown as string });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT 6 * 7 AS answer').get(), { answer: 42 });
});
