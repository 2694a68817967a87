// The executable and the addon it extracts run on glibc 2.28 (RHEL 8) and newer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binPath, compareVersions, maxSymbolVersion, run, sandbox, selfCheckResult } from './binary.ts';

const FLOOR = '2.28';

test(`the executable needs at most GLIBC_${FLOOR}`, async () => {
  const max = await maxSymbolVersion(binPath(), 'GLIBC');
  assert.ok(compareVersions(max, FLOOR) <= 0, `needs GLIBC_${max}`);
});

test(`the extracted SQLite addon needs at most GLIBC_${FLOOR}, and no newer libstdc++ than node itself`, async (t) => {
  const s = sandbox(t);
  const { addon } = selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env(), cwd: s.cwd }));
  const glibc = await maxSymbolVersion(addon, 'GLIBC');
  assert.ok(compareVersions(glibc, FLOOR) <= 0, `${addon} needs GLIBC_${glibc}`);
  const [addonCxx, nodeCxx] = await Promise.all([maxSymbolVersion(addon, 'GLIBCXX'), maxSymbolVersion(binPath(), 'GLIBCXX')]);
  assert.ok(compareVersions(addonCxx, nodeCxx) <= 0, `${addon} needs GLIBCXX_${addonCxx}, node only ${nodeCxx}`);
});
