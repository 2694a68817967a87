/**
 * Start-up benchmark: the BUILT executable (build/out/tq-conn-darktrace), median wall time of
 * 20 runs (quick: 7) after one warm-up, of `--help`, `--version` (which loads the whole CLI),
 * and `history` on a new config directory and on the synthetic history database.
 * NODE_EXTRA_CA_CERTS and NODE_OPTIONS are removed from the environment: the executable honours
 * both, and a CA bundle alone adds ~40 ms per start (a cron job's environment has neither).
 * Peak RSS comes from one extra run, through the connector's own hook (bench/lib/peakRss.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { openStateDb, stateDbPath } from '../src/state/openStateDb.ts';
import { DEFAULT_NAME } from '../src/cli/globalOptions.ts';
import { EXECUTABLE } from './historyBench.ts';
import { median } from './lib/median.ts';
import { peakRssOfRun } from './lib/peakRss.ts';
import { ensureSyntheticHistoryDb } from './lib/syntheticHistoryDb.ts';
import type { Bench, BenchRow } from './lib/types.ts';

const HELP_TARGET_MS = 150;

interface Scenario {
  label: string;
  args: string[];
  cwd: string;
  target: boolean;
  /** Exit codes that are answers, not failures. */
  ok: number[];
}

export const startupBench: Bench = async (options) => {
  const runs = options.quick ? 7 : 20;
  const base = path.join(options.workDir, 'startup');
  mkdirSync(base, { recursive: true });
  const target = `--help <${HELP_TARGET_MS} ms median`;
  if (!existsSync(EXECUTABLE)) {
    options.log(`no executable at ${EXECUTABLE}: run npm run build`);
    return [{ group: 'start-up', scenario: 'tq-conn-darktrace --help (built executable)', wallMs: NaN, throughput: '', peakRssMiB: NaN, target, met: false, notes: `executable missing: run npm run build` }];
  }

  const fresh = path.join(base, 'new-config');
  mkdirSync(fresh, { recursive: true });
  // A config directory whose database exists but holds no run yet (as after `configure`).
  openStateDb({ path: stateDbPath(fresh, DEFAULT_NAME) }).close();
  const size = options.quick ? 100_000 : 1_000_000;
  const syn = ensureSyntheticHistoryDb(options.workDir, size, options.log);

  const scenarios: Scenario[] = [
    { label: '--help', args: ['--help'], cwd: base, target: true, ok: [0] },
    { label: '--version (loads the whole CLI)', args: ['--version'], cwd: base, target: false, ok: [0] },
    { label: 'history, new config dir (database with no runs)', args: ['history', '-c', fresh], cwd: base, target: false, ok: [0] },
    { label: `history, ${size.toLocaleString('en')}-ledger-row synthetic database`, args: ['history', '-c', syn.configDir, '-n', syn.name], cwd: base, target: false, ok: [0] },
  ];

  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  delete env['NODE_OPTIONS'];
  delete env['TQDT_PEAK_RSS_FILE'];

  const rows: BenchRow[] = [];
  for (const s of scenarios) {
    const run = () => spawnSync(EXECUTABLE, s.args, { cwd: s.cwd, env, stdio: 'ignore' });
    const scenario = `tq-conn-darktrace ${s.label}`;
    const warm = run(); // page cache, addon extraction on a first start
    if (warm.status === null || !s.ok.includes(warm.status)) {
      rows.push({ group: 'start-up', scenario, wallMs: NaN, throughput: '', peakRssMiB: NaN, target: s.target ? target : '', met: s.target ? false : undefined, notes: `exited ${warm.status ?? warm.signal}` });
      options.log(`${scenario}: exited ${warm.status ?? warm.signal}`);
      continue;
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      run();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const ms = median(times);
    const rss = peakRssOfRun(EXECUTABLE, s.args, { cwd: s.cwd, env });
    rows.push({
      group: 'start-up',
      scenario,
      wallMs: ms,
      throughput: '',
      peakRssMiB: rss,
      target: s.target ? target : '',
      met: s.target ? ms < HELP_TARGET_MS : undefined,
      notes: `median of ${runs} (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)} ms)`,
    });
    options.log(`${scenario}: median ${ms.toFixed(1)} ms over ${runs} runs, peak RSS ${rss.toFixed(0)} MiB`);
  }
  return rows;
};
