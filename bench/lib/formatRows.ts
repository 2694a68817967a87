/**
 * The benchmark table: one line of cells per row, shared by the console (aligned columns) and
 * bench/RESULTS.md (Markdown).
 */
import type { BenchRow } from './types.ts';

export const COLUMNS = ['group', 'scenario', 'wall', 'throughput', 'peak RSS', 'req DT/TQ', 'writes DT/TQ', 'ceiling', 'ratio', 'target', 'met', 'notes'] as const;

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`;
}

export function rowCells(r: BenchRow): string[] {
  const ratio = r.ceilingMs && Number.isFinite(r.wallMs) ? `${(r.wallMs / r.ceilingMs).toFixed(2)}x` : '—';
  return [
    r.group,
    r.scenario,
    formatMs(r.wallMs),
    r.throughput || '—',
    Number.isFinite(r.peakRssMiB) ? `${r.peakRssMiB.toFixed(0)} MiB` : '—',
    r.requests ? `${r.requests.darktrace}/${r.requests.threatq}` : '—',
    r.requests ? `${r.requests.writesToDarktrace}/${r.requests.writesToThreatQ}` : '—',
    r.ceilingMs === undefined ? '—' : formatMs(r.ceilingMs),
    ratio,
    r.target || '—',
    r.met === undefined ? '—' : r.met ? '✓' : '✗ missed',
    r.notes ?? '',
  ];
}

/** Aligned plain-text table for the console. */
export function consoleTable(rows: BenchRow[]): string {
  const cells = [COLUMNS.slice() as string[], ...rows.map(rowCells)];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((c) => [...c[i]!].length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v + ' '.repeat(widths[i]! - [...v].length))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function markdownTable(rows: BenchRow[]): string {
  const esc = (v: string) => v.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${rowCells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}
