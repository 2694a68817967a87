/**
 * The crash campaign's long mode, for release checks:
 *   npm run test:crash -- --runs 500 [--seed S] [--from N] [--pipeline ingest|export|run] [--reset-every N]
 * Prints one line per run and a summary; exits 1 on any violated invariant, naming the seed and
 * run to replay. With TQDT_RELIABILITY_TALLY set, adds its figures to the reliability tally.
 */
import { parseArgs } from 'node:util';
import { PIPELINES, runCampaign, type CampaignSummary, type Pipeline } from './crash/campaign.ts';
import { tally } from './tally.ts';
import { cliCommand } from '../helpers/cliProcess.ts';

const USAGE = 'Usage: npm run test:crash -- [--runs N] [--seed S] [--from N] [--pipeline ingest|export|run] [--reset-every N]';

function int(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be a whole number >= ${min}, got '${text}'\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    pipeline: { type: 'string' },
    'reset-every': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (values.pipeline !== undefined && !PIPELINES.includes(values.pipeline as Pipeline)) {
  process.stderr.write(`--pipeline must be one of ${PIPELINES.join(', ')}, got '${values.pipeline}'\n${USAGE}\n`);
  process.exit(2);
}
const seed = int('seed', values.seed, Math.floor(Math.random() * 1_000_000_000), 0);
const runs = int('runs', values.runs, 100, 1);
const from = int('from', values.from, 1, 1);
const resetEvery = int('reset-every', values['reset-every'], 100, 1);
const pipeline = values.pipeline as Pipeline | undefined;

const connector = cliCommand([]).file === process.execPath ? 'the sources through tsx' : cliCommand([]).file;
process.stdout.write(`Crash campaign: seed ${seed}, runs ${from}..${runs}, pipeline ${pipeline ?? 'mixed'}, fresh scene every ${resetEvery} runs; connector: ${connector}\n`);
const summary = await runCampaign({ seed, runs, from, resetEvery, ...(pipeline ? { pipeline } : {}), log: (line) => process.stdout.write(`${line}\n`) });
tally('crash campaign', { runs: summary.processes, killsSurvived: summary.killsSurvived, lost: summary.lost, duplicated: summary.duplicated });
process.stdout.write(render(summary));
process.exit(summary.failure ? 1 : 0);

function render(s: CampaignSummary): string {
  const lines = [
    '',
    `Crash campaign summary (seed ${s.seed})`,
    `  runs finished         ${s.runs}`,
    `  connector processes   ${s.processes}`,
    `  kills delivered       ${s.killsDelivered} (mid-run ${s.killsMidRun}, after the run had ended ${s.killsAfterExit})`,
    `  clean reruns converged ${s.cleanConverged}`,
    `  lost                  ${s.lost}`,
    `  duplicated            ${s.duplicated}`,
    `  elapsed               ${(s.elapsedMs / 1000).toFixed(1)} s`,
  ];
  if (s.failure) {
    lines.push('', `FAILED at run ${s.failure.run} (${s.failure.pipeline}), seed ${s.seed}:`, s.failure.message, '', `Replay: ${s.failure.replay}`);
  } else {
    lines.push('', 'Every invariant held.');
  }
  return `${lines.join('\n')}\n`;
}
