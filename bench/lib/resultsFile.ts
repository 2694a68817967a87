/**
 * bench/RESULTS.md: the last full run's table with machine, date, commit and command. The
 * section "## What was profiled and changed" is written by hand; a re-run keeps it as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { markdownTable } from './formatRows.ts';
import type { BenchRow } from './types.ts';

export const PROSE_HEADING = '## What was profiled and changed';
const PLACEHOLDER = '(To be written: what was profiled, what it showed, and what was changed to reach the targets.)';

export interface Results {
  date: Date;
  machine: string[];
  commit: string;
  command: string;
  durationMs: number;
  benchPeakRssMiB: number;
  /** Load averages at the start and end: another busy process on the machine shows here. */
  load: string;
  rows: BenchRow[];
}

/** The hand-written section of an existing file (heading to the next `## `), without its heading. */
export function keptProse(existing: string): string | undefined {
  const start = existing.indexOf(`\n${PROSE_HEADING}\n`);
  const at = start === -1 ? (existing.startsWith(`${PROSE_HEADING}\n`) ? 0 : -1) : start + 1;
  if (at === -1) return undefined;
  const body = existing.slice(at + PROSE_HEADING.length + 1);
  const next = body.search(/^## /m);
  return (next === -1 ? body : body.slice(0, next)).trim();
}

export function renderResults(r: Results, prose: string | undefined): string {
  const missed = r.rows.filter((row) => row.met === false);
  return [
    '# Benchmark results',
    '',
    `Last full run of \`npm run bench\`: ${r.date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, ${(r.durationMs / 60_000).toFixed(1)} min.`,
    '',
    `- Command: \`${r.command}\``,
    `- Commit: ${r.commit}`,
    ...r.machine.map((m) => `- ${m}`),
    `- Load average (1/5/15 min): ${r.load}`,
    `- Peak RSS of the benchmark process itself (simulators, in-process queries): ${r.benchPeakRssMiB.toFixed(0)} MiB`,
    '',
    '## Results',
    '',
    'wall: median where the scenario or notes say so, else one run. peak RSS: of the connector process (— where none ran).',
    'req DT/TQ: requests the Darktrace and ThreatQ simulators received; writes DT/TQ: of those, the writes.',
    'ceiling: a raw-HTTP client doing the same requests in the same run; ratio = wall / ceiling.',
    '',
    markdownTable(r.rows),
    '',
    missed.length ? `**Targets missed (${missed.length}):** ${missed.map((m) => `${m.group} · ${m.scenario}`).join('; ')}.` : 'Every target was met.',
    '',
    PROSE_HEADING,
    '',
    prose || PLACEHOLDER,
    '',
  ].join('\n');
}

export function writeResults(file: string, r: Results): void {
  const prose = existsSync(file) ? keptProse(readFileSync(file, 'utf8')) : undefined;
  writeFileSync(file, renderResults(r, prose));
}
