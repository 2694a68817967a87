import type { CheckResult } from './checkList.ts';

/** Wide enough for every fixed check id, so lines can be printed as checks finish. */
const CHECK_COLUMN = 24;
const STATUS_COLUMN = 6;

/** `ok    darktrace.signature     Darktrace 6.1.23 accepted the API tokens`, then `      fix: …` when there is one. */
export function renderResultLine(r: CheckResult): string {
  const line = `${r.status.padEnd(STATUS_COLUMN)}${r.check.padEnd(CHECK_COLUMN - 1)} ${r.detail}`;
  return r.fix === undefined ? `${line}\n` : `${line}\n${' '.repeat(STATUS_COLUMN)}fix: ${r.fix}\n`;
}

/** The closing line of the text report: counts per status and what the exit code means. */
export function renderSummary(results: readonly CheckResult[], exitCode: number): string {
  const n = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  const fails = n('fail');
  const verdict = fails === 0 ? 'ready' : `not ready (exit ${exitCode})`;
  return `\n${n('ok')} ok, ${n('warn')} warning${n('warn') === 1 ? '' : 's'}, ${fails} failed, ${n('skip')} skipped: ${verdict}\n`;
}

/** `--format json`: an array of `{check, status, detail, fix}` (fix null when there is none). */
export function renderJson(results: readonly CheckResult[]): string {
  return `${JSON.stringify(results.map((r) => ({ check: r.check, status: r.status, detail: r.detail, fix: r.fix ?? null })), null, 2)}\n`;
}
