// Median wall time of N runs of the built executable (default: 20 runs of --help), from an
// empty directory with a fresh HOME. NODE_EXTRA_CA_CERTS and NODE_OPTIONS are left out of the
// environment: the executable honours both, and the CA file alone adds ~40 ms per start.
// Usage: node build/measure-startup.mjs [runs] [-- args...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.TQDT_BIN || path.join(root, 'build/out/tq-conn-darktrace');
const sep = process.argv.indexOf('--');
const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 20);
const args = sep >= 0 ? process.argv.slice(sep + 1) : ['--help'];
const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-startup-'));
const env = { PATH: '/nonexistent', HOME: dir, TMPDIR: dir, LANG: 'C' };
try {
  spawnSync(bin, args, { cwd: dir, env }); // warm-up (page cache, addon extraction)
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(bin, args, { cwd: dir, env, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = (times[(runs - 1) >> 1] + times[runs >> 1]) / 2;
  console.log(`${path.basename(bin)} ${args.join(' ')}: median ${median.toFixed(1)} ms over ${runs} runs (min ${times[0].toFixed(1)}, max ${times.at(-1).toFixed(1)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
