// Where the executable puts its SQLite addon, and what happens when a directory is unusable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binPath, requireRoot, run, sandbox, tool, selfCheckResult } from './binary.ts';

const cacheNative = (home: string) => path.join(home, '.cache', 'tq-conn-darktrace', 'native');
const tmpNative = (tmp: string) => path.join(tmp, `tq-conn-darktrace-${process.getuid?.()}`, 'native');

test('extracts the addon into ~/.cache and reuses it on the next run', async (t) => {
  const s = sandbox(t);
  const first = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env(), cwd: s.cwd }));
  assert.equal(path.dirname(first.addon), cacheNative(s.home));
  assert.match(path.basename(first.addon), /^better_sqlite3-[0-9a-f]{16}\.node$/);
  const second = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env(), cwd: s.cwd }));
  assert.equal(second.addon, first.addon);
  assert.deepEqual(readdirSync(cacheNative(s.home)), [path.basename(first.addon)]);
});

test('TQDT_NATIVE_DIR is used first', async (t) => {
  const s = sandbox(t);
  const dir = path.join(s.root, 'native-override');
  const check = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env({ TQDT_NATIVE_DIR: dir }), cwd: s.cwd }));
  assert.equal(path.dirname(check.addon), dir);
});

test('a cache dir that cannot be written falls back to the temp dir', async (t) => {
  const s = sandbox(t);
  // A regular file as XDG_CACHE_HOME: unusable even for root, unlike a chmod'ed directory.
  const blocker = path.join(s.root, 'not-a-dir');
  writeFileSync(blocker, '');
  const check = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env({ XDG_CACHE_HOME: blocker }), cwd: s.cwd }));
  assert.equal(path.dirname(check.addon), tmpNative(s.tmp));
});

test('a cache dir on a noexec mount falls back to the temp dir', async (t) => {
  requireRoot('mounting a noexec tmpfs');
  const s = sandbox(t);
  const noexec = path.join(s.root, 'noexec-cache');
  mkdirSync(noexec);
  const script = [
    'set -e',
    `${tool('mount')} -t tmpfs -o noexec,mode=0755 tmpfs '${noexec}'`,
    `'${binPath()}' self-check -c '${s.config}'`,
    // The addon was written there (so the failure was dlopen, not the write).
    `${tool('ls')} '${noexec}/tq-conn-darktrace/native' >&2`,
  ].join('\n');
  const result = await run(tool('unshare'), ['-m', tool('sh'), '-c', script], { env: s.env({ XDG_CACHE_HOME: noexec }), cwd: s.cwd });
  const check = selfCheckResult(result);
  assert.equal(path.dirname(check.addon), tmpNative(s.tmp));
  assert.match(result.stderr, /better_sqlite3-[0-9a-f]{16}\.node/, 'the noexec dir was tried');
});

test('when no directory is usable, the error names every directory tried and why', async (t) => {
  const s = sandbox(t);
  const blocker = path.join(s.root, 'not-a-dir');
  writeFileSync(blocker, '');
  const result = await run(binPath(), ['self-check', '-c', s.config], {
    env: s.env({ XDG_CACHE_HOME: blocker, TMPDIR: blocker, TQDT_NATIVE_DIR: path.join(blocker, 'override') }),
    cwd: s.cwd,
  });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  for (const dir of [path.join(blocker, 'override'), path.join(blocker, 'tq-conn-darktrace/native'), path.join(blocker, `tq-conn-darktrace-${process.getuid?.()}/native`)]) {
    assert.ok(result.stderr.includes(`${dir}: ENOTDIR`), `stderr names ${dir}:\n${result.stderr}`);
  }
  assert.match(result.stderr, /TQDT_NATIVE_DIR/, 'the hint says how to fix it');
});

test('8 copies starting at once on a fresh HOME all succeed and share one extracted file', async (t) => {
  const s = sandbox(t);
  const runs = Array.from({ length: 8 }, (_, i) => {
    const config = path.join(s.config, String(i));
    mkdirSync(config);
    return run(binPath(), ['self-check', '-c', config], { env: s.env(), cwd: s.cwd });
  });
  const results = (await Promise.all(runs)).map(selfCheckResult);
  assert.equal(new Set(results.map((r) => r.addon)).size, 1);
  assert.deepEqual(readdirSync(cacheNative(s.home)), [path.basename(results[0]!.addon)], 'one file, no temporary leftovers');
});
