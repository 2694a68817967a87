type Counts = Record<string, unknown>;

function n(obj: unknown, key: string): number {
  const v = (obj as Counts | undefined)?.[key];
  return typeof v === 'number' ? v : 0;
}

/**
 * A short line for the runs table: `in +45 ~2 q1 | out +80 ~3 -1 s2` — created/added (+),
 * updated/refreshed/restored (~), removed (-), quarantined (q), skipped (s), failed (!).
 */
export function summariseCounts(counts: Counts): string {
  const parts: string[] = [];
  const ingest = counts['ingest'];
  if (ingest && typeof ingest === 'object') {
    const bits = [`+${n(ingest, 'created')}`, `~${n(ingest, 'updated')}`];
    if (n(ingest, 'quarantined')) bits.push(`q${n(ingest, 'quarantined')}`);
    if (n(ingest, 'failed')) bits.push(`!${n(ingest, 'failed')}`);
    parts.push('in ' + bits.join(' '));
  }
  const exp = counts['export'];
  if (exp && typeof exp === 'object') {
    const pushed = n(exp, 'pushed');
    const bits = pushed ? [`+${pushed}(-d)`] : [`+${n(exp, 'added')}`, `~${n(exp, 'refreshed') + n(exp, 'restored')}`, `-${n(exp, 'removed')}`];
    if (n(exp, 'skipped')) bits.push(`s${n(exp, 'skipped')}`);
    if (n(exp, 'failed')) bits.push(`!${n(exp, 'failed')}`);
    parts.push('out ' + bits.join(' '));
  }
  return parts.join(' | ');
}
