// `npm run test:reliability [-- --slow] [--all] [filters]`: runs the reliability suite
// (test/reliability and the e2e fault and kill tests; with --all the whole suite) with a tally
// file, then prints the figures the README quotes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const all = args.includes('--all');
const flags = args.filter((a) => a.startsWith('--') && a !== '--all');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-tally-'));
const file = path.join(dir, 'tally.jsonl');
const started = Date.now();
const result = spawnSync(process.execPath, [path.join(root, 'test/run.mjs'), ...flags, ...(filters.length || all ? filters : ['test/reliability/', 'test/e2e/', 'test/api/fault'])], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TQDT_RELIABILITY_TALLY: file },
});
const seconds = Math.round((Date.now() - started) / 1000);
const totals = {};
const bySuite = {};
if (existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { suite, ...counts } = JSON.parse(line);
    bySuite[suite] ??= {};
    for (const [k, v] of Object.entries(counts)) {
      totals[k] = (totals[k] ?? 0) + v;
      bySuite[suite][k] = (bySuite[suite][k] ?? 0) + v;
    }
  }
}
rmSync(dir, { recursive: true, force: true });
const keys = ['runs', 'faultsInjected', 'killsSurvived', 'inputsTried', 'lost', 'duplicated', 'secretHits'];
const row = (name, c) => `| ${name} | ${keys.map((k) => (c[k] ?? 0).toLocaleString('en-US')).join(' | ')} |`;
console.log(`\nReliability figures (${new Date().toISOString().slice(0, 10)}, ${seconds} s, exit ${result.status}):\n`);
console.log(`| suite | ${keys.join(' | ')} |`);
console.log(`|---|${keys.map(() => '---:').join('|')}|`);
for (const name of Object.keys(bySuite).sort()) console.log(row(name, bySuite[name]));
console.log(row('**total**', totals));
process.exit(result.status ?? 1);
