// The built executable needs nothing from the host beyond glibc: no node, no node_modules,
// no PATH, no writable home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { binPath, repoRoot, requireRoot, run, sandbox, tool, selfCheckResult } from './binary.ts';

test('--help works from an empty directory with PATH=/nonexistent and a fresh HOME and TMPDIR', async (t) => {
  const s = sandbox(t);
  const result = await run(binPath(), ['--help'], { env: s.env(), cwd: s.cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /tq-conn-darktrace/);
  assert.equal(result.stderr, '', 'no warnings (e.g. the experimental SEA warning) on stderr');
  assert.deepEqual(readdirSync(s.cwd), [], 'nothing is written to the working directory');
});

test('runs with the system node hidden and node_modules empty', async (t) => {
  requireRoot('hiding node');
  const s = sandbox(t);
  const nodeBinary = realpathSync(process.execPath);
  const otherNodes = ['/usr/bin/node', '/usr/local/bin/node'].filter((f) => existsSync(f)).map((f) => realpathSync(f));
  const script = [
    'set -e',
    ...[...new Set([nodeBinary, ...otherNodes])].map((f) => `${tool('mount')} --bind /dev/null '${f}'`),
    `${tool('mount')} -t tmpfs tmpfs '${path.join(repoRoot, 'node_modules')}'`,
    // Prove the hiding worked before trusting the result.
    `if '${nodeBinary}' -e 0 2>/dev/null; then echo 'node still runs' >&2; exit 97; fi`,
    `if [ -n "$(${tool('ls')} -A '${path.join(repoRoot, 'node_modules')}')" ]; then echo 'node_modules still visible' >&2; exit 98; fi`,
    `'${binPath()}' --help >/dev/null`,
    `exec '${binPath()}' self-check -c '${s.config}'`,
  ].join('\n');
  const result = await run(tool('unshare'), ['-m', tool('sh'), '-c', script], { env: s.env(), cwd: s.cwd });
  const check = selfCheckResult(result);
  assert.equal(check.ok, true);
  assert.ok(check.addon.startsWith(path.join(s.home, '.cache/tq-conn-darktrace/native/')), check.addon);
});

test('runs as an unprivileged user (nobody) whose HOME does not exist, extracting into its own temp dir', async (t) => {
  requireRoot('switching to nobody');
  const s = sandbox(t);
  for (const dir of [s.root, s.cwd, s.tmp, s.config]) chownSync(dir, 65534, 65534);
  const result = await run(
    tool('setpriv'),
    ['--reuid=65534', '--regid=65534', '--clear-groups', binPath(), 'self-check', '-c', s.config],
    { env: s.env({ HOME: '/nonexistent' }), cwd: s.cwd },
  );
  const check = selfCheckResult(result);
  assert.equal(path.dirname(check.addon), path.join(s.tmp, 'tq-conn-darktrace-65534', 'native'));
  assert.ok(readdirSync(s.config).some((f) => f.endsWith('.db')), 'the database was created');
});
