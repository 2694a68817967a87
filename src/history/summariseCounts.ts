type Counts = Record<string, unknown>;

function n(obj: unknown, key: string): number {
  const v = (obj as Counts | undefined)?.[key];
  return typeof v === 'number' ? v : 0;
}

/** A short line for the runs table: `in 10 new 2 upd 1 quar | out 5 add 1 rm 2 skip`. */
export function summariseCounts(counts: Counts): string {
  const parts: string[] = [];
  const ingest = counts['ingest'];
  if (ingest && typeof ingest === 'object') {
    const bits = [`${n(ingest, 'created')} new`, `${n(ingest, 'updated')} upd`];
    if (n(ingest, 'quarantined')) bits.push(`${n(ingest, 'quarantined')} quar`);
    if (n(ingest, 'failed')) bits.push(`${n(ingest, 'failed')} fail`);
    parts.push('in ' + bits.join(' '));
  }
  const exp = counts['export'];
  if (exp && typeof exp === 'object') {
    const bits = [`${n(exp, 'added')} add`];
    if (n(exp, 'refreshed')) bits.push(`${n(exp, 'refreshed')} ref`);
    if (n(exp, 'restored')) bits.push(`${n(exp, 'restored')} rest`);
    bits.push(`${n(exp, 'removed')} rm`);
    if (n(exp, 'skipped')) bits.push(`${n(exp, 'skipped')} skip`);
    if (n(exp, 'failed')) bits.push(`${n(exp, 'failed')} fail`);
    parts.push('out ' + bits.join(' '));
  }
  return parts.join(' | ');
}
