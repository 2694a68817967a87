// The hook the benchmarks read: peak memory and CPU time of the executable's own process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { binPath, run, sandbox, selfCheckResult } from './binary.ts';

test('TQDT_PEAK_RSS_FILE receives the peak memory (KiB) and CPU time (ms) of a run, a line each', async (t) => {
  const s = sandbox(t);
  const file = path.join(s.tmp, 'usage');
  selfCheckResult(await run(binPath(), ['self-check', '-c', s.config], { env: s.env({ TQDT_PEAK_RSS_FILE: file }), cwd: s.cwd }));
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.length, 3, JSON.stringify(lines));
  const [kib, cpuMs] = lines.map(Number) as [number, number];
  assert.ok(kib > 20 * 1024 && kib < 1024 * 1024, `peak ${kib} KiB`);
  // Starting the runtime alone takes some CPU; a process cannot have used more CPU than 2 cores for 30 s.
  assert.ok(Number.isInteger(cpuMs) && cpuMs > 0 && cpuMs < 60_000, `CPU ${lines[1]} ms`);
});
