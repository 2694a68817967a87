/**
 * `npm run bench`: every benchmark in order — export, ingest, history, start-up — each streaming
 * progress, then one table. A full run (no --quick, no --only) also writes bench/RESULTS.md,
 * keeping its hand-written "What was profiled and changed" section.
 *
 *   npm run bench [-- --quick] [-- --only export,ingest,history,startup] [-- --keep]
 *
 * --quick: the same scenarios at a size that finishes in a couple of minutes.
 * --keep:  leave the work directory (config dirs, state databases) in place and print its path.
 * Exit code 1 only when a benchmark crashed; a missed target is reported in the table.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleTable, formatMs } from './lib/formatRows.ts';
import { describeCommit, describeMachine, loadAverage } from './lib/machine.ts';
import { writeResults } from './lib/resultsFile.ts';
import type { Bench, BenchRow } from './lib/types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** In run order; `file` may not exist yet (written separately), which the table then says. */
const BENCHES = [
  { key: 'export', group: 'export', file: 'export.ts', exportName: 'exportBench' },
  { key: 'ingest', group: 'ingest', file: 'ingest.ts', exportName: 'ingestBench' },
  { key: 'history', group: 'history', file: 'historyBench.ts', exportName: 'historyBench' },
  { key: 'startup', group: 'start-up', file: 'startupBench.ts', exportName: 'startupBench' },
] as const;

interface Flags {
  quick: boolean;
  keep: boolean;
  only: string[] | undefined;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { quick: false, keep: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') flags.quick = true;
    else if (a === '--keep') flags.keep = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      const keys = (value ?? '').split(',').map((k) => k.trim()).filter(Boolean);
      const unknown = keys.filter((k) => !BENCHES.some((b) => b.key === k));
      if (!keys.length || unknown.length) usage(`--only needs a comma-separated list of ${BENCHES.map((b) => b.key).join(', ')}; got '${value ?? ''}'`);
      flags.only = keys;
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument '${a}'`);
  }
  return flags;
}

function usage(error?: string): never {
  const text = `Usage: npm run bench -- [--quick] [--only ${BENCHES.map((b) => b.key).join(',')}] [--keep]`;
  if (error) {
    process.stderr.write(`bench: ${error}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

function commandLine(argv: string[]): string {
  const args = argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  if (process.env['npm_lifecycle_event'] === 'bench') return `npm run bench${args ? ` -- ${args}` : ''}`;
  return `node --import tsx bench/run.ts${args ? ` ${args}` : ''}`;
}

function benchPeakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const flags = parseFlags(argv);
  const selected = BENCHES.filter((b) => !flags.only || flags.only.includes(b.key));
  const full = !flags.quick && !flags.only;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-'));
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  const started = performance.now();
  const rows: BenchRow[] = [];
  let crashed = 0;
  console.log(`Benchmarks: ${selected.map((b) => b.key).join(', ')}${flags.quick ? ' (quick)' : ''}; work dir ${workDir}; load average ${loadAtStart}`);

  try {
    for (const b of selected) {
      const file = path.join(here, b.file);
      const benchStarted = performance.now();
      const log = (line: string) => console.log(`[${b.group} +${((performance.now() - benchStarted) / 1000).toFixed(1)}s] ${line}`);
      console.log(`\n== ${b.group} ==`);
      if (!existsSync(file)) {
        console.log(`${b.group} benchmark not present (bench/${b.file})`);
        rows.push({ group: b.group, scenario: `${b.group} benchmark not present (bench/${b.file})`, wallMs: NaN, throughput: '', peakRssMiB: NaN, target: '' });
        continue;
      }
      try {
        const mod = (await import(file)) as Record<string, unknown>;
        const bench = mod[b.exportName] as Bench | undefined;
        if (typeof bench !== 'function') throw new Error(`bench/${b.file} does not export ${b.exportName}`);
        const got = await bench({ quick: flags.quick, workDir, log });
        rows.push(...got);
        console.log(`\n${consoleTable(got)}`);
        console.log(`${b.group}: ${formatMs(performance.now() - benchStarted)}; bench process peak RSS so far ${benchPeakRssMiB().toFixed(0)} MiB`);
      } catch (error) {
        crashed++;
        const message = error instanceof Error ? error.message : String(error);
        console.error(`${b.group} benchmark CRASHED: ${error instanceof Error ? (error.stack ?? message) : message}`);
        rows.push({ group: b.group, scenario: `${b.group} benchmark crashed`, wallMs: NaN, throughput: '', peakRssMiB: NaN, target: '', met: false, notes: message.split('\n')[0] });
      }
    }

    const durationMs = performance.now() - started;
    const missed = rows.filter((r) => r.met === false).length;
    console.log(`\n== all benchmarks (${formatMs(durationMs)}) ==\n${consoleTable(rows)}`);
    console.log(`\nTargets: ${rows.filter((r) => r.met === true).length} met, ${missed} missed. Peak RSS of this bench process (simulators, in-process queries): ${benchPeakRssMiB().toFixed(0)} MiB. Load average ${loadAverage()}.`);
    if (full) {
      const file = path.join(here, 'RESULTS.md');
      writeResults(file, { date: startedAt, machine: describeMachine(), commit: describeCommit(root), command: commandLine(argv), durationMs, benchPeakRssMiB: benchPeakRssMiB(), load: `${loadAtStart} at the start, ${loadAverage()} at the end`, rows });
      console.log(`Wrote ${path.relative(process.cwd(), file)}`);
    } else {
      console.log('bench/RESULTS.md not written: only a full run (no --quick, no --only) writes it.');
    }
  } finally {
    if (flags.keep) console.log(`Work dir kept: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  if (crashed) console.error(`${crashed} benchmark(s) crashed`);
  return crashed ? 1 : 0;
}

// A benchmark that leaves a handle open must not keep the run from ending (stdout to a pipe or file is synchronous on Linux).
process.exit(await main());
