import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

test('a child of a large process reports its own peak memory, not the parent it was forked from', { skip: !existsSync('/proc/self/status') && 'needs Linux /proc' }, () => {
  // Memory outside V8's heap is what fork copies and rusage then counts for the child.
  const parentBulk = Buffer.alloc(320 * 1024 * 1024, 1);
  const probe = `import { ownPeakRssKiB } from ${JSON.stringify(new URL('./ownPeakRss.ts', import.meta.url).href)}; console.log(JSON.stringify({ own: ownPeakRssKiB(), maxRSS: process.resourceUsage().maxRSS }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { own, maxRSS } = JSON.parse(r.stdout) as { own: number; maxRSS: number };
  assert.ok(maxRSS > 300 * 1024, `rusage counts the parent's ${parentBulk.length >> 20} MiB (${maxRSS >> 10} MiB)`);
  assert.ok(own < 200 * 1024, `own peak ${own >> 10} MiB`);
  assert.ok(own > 10 * 1024, `own peak ${own >> 10} MiB is a real reading`);
});
