import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addonDirs } from './addonDirs.ts';

test('tries the override, then the XDG cache, then a per-user temp dir', () => {
  const dirs = addonDirs({ env: { TQDT_NATIVE_DIR: '/opt/tqdt', XDG_CACHE_HOME: '/c' }, homedir: '/h', tmpdir: '/t', uid: 1000 });
  assert.deepEqual(dirs, [
    { dir: '/opt/tqdt', ownedFrom: '/opt/tqdt' },
    { dir: '/c/tq-conn-darktrace/native', ownedFrom: '/c/tq-conn-darktrace' },
    { dir: '/t/tq-conn-darktrace-1000/native', ownedFrom: '/t/tq-conn-darktrace-1000' },
  ]);
});

test('uses ~/.cache when XDG_CACHE_HOME is unset or relative (the XDG spec ignores relative paths)', () => {
  for (const env of [{}, { XDG_CACHE_HOME: 'rel/cache' }, { XDG_CACHE_HOME: '' }]) {
    const dirs = addonDirs({ env, homedir: '/home/u', tmpdir: '/tmp', uid: 7 });
    assert.deepEqual(
      dirs.map((d) => d.dir),
      ['/home/u/.cache/tq-conn-darktrace/native', '/tmp/tq-conn-darktrace-7/native'],
    );
  }
});

test('without a home directory only the temp dir remains', () => {
  const dirs = addonDirs({ env: {}, homedir: undefined, tmpdir: '/var/tmp', uid: 65534 });
  assert.deepEqual(dirs.map((d) => d.dir), ['/var/tmp/tq-conn-darktrace-65534/native']);
});
