// Runs the node:test suite: every *.test.ts under src/, test/ and bench/, except *.slow.test.ts unless
// --slow is given (or only those with --only-slow). Extra arguments after the flags are file
// filters (substrings). Node 20's --test takes no globs, hence this file.
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const slow = args.includes('--slow');
const onlySlow = args.includes('--only-slow');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (entry.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

let files = [...walk(path.join(root, 'src'), []), ...walk(path.join(root, 'test'), []), ...walk(path.join(root, 'bench'), [])].sort();
files = files.filter((f) => {
  const isSlow = f.endsWith('.slow.test.ts');
  if (onlySlow) return isSlow;
  return slow || !isSlow;
});
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('No test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files.map((f) => path.relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TQDT_TEST: '1' } },
);
process.exit(result.status ?? 1);
