import { wrapText } from './wrapText.ts';

/**
 * A plain text table that fits the terminal. Columns keep their natural width; the `wrap`
 * columns (a value, a reason, a summary) share the room the others leave and wrap onto further
 * lines, never cut. When even that does not fit, the widest other columns are cut with '…'.
 */
export function renderTable(headers: string[], rows: string[][], width = 80, options: { wrap?: number[] } = {}): string {
  const cells = rows.map((r) => headers.map((_, i) => (r[i] ?? '').replace(/[\r\n\t]+/g, ' ')));
  const natural = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const widths = [...natural];
  const wrap = new Set(options.wrap ?? []);
  const gap = 2;
  const minWrap = (i: number) => Math.min(natural[i]!, 12);
  const fixedTotal = () => widths.reduce((a, w, i) => a + (wrap.has(i) ? minWrap(i) : w), 0) + gap * (widths.length - 1);
  while (fixedTotal() > width) {
    const flexible = widths.map((w, i) => (wrap.has(i) ? 0 : w));
    const widest = flexible.indexOf(Math.max(...flexible));
    if (widths[widest]! <= 6) break;
    widths[widest]! -= 1;
  }
  // Share the room left among the wrap columns, narrowest need first.
  let room = width - (fixedTotal() - [...wrap].reduce((a, i) => a + minWrap(i), 0));
  const order = [...wrap].sort((a, b) => natural[a]! - natural[b]!);
  order.forEach((i, n) => {
    widths[i] = Math.max(minWrap(i), Math.min(natural[i]!, Math.floor(room / (order.length - n))));
    room -= widths[i]!;
  });
  const fit = (text: string, w: number) => (text.length > w ? text.slice(0, Math.max(0, w - 1)) + '…' : text.padEnd(w));
  const line = (r: string[]) =>
    r
      .map((c, i) => fit(c, widths[i]!))
      .join(' '.repeat(gap))
      .trimEnd();
  const out = [line(headers), line(widths.map((w) => '-'.repeat(w)))];
  for (const r of cells) {
    const parts = r.map((c, i) => (wrap.has(i) ? wrapText('', c, widths[i]!, 0) : [c]));
    const height = Math.max(...parts.map((p) => p.length));
    for (let n = 0; n < height; n++) out.push(line(parts.map((p) => p[n] ?? '')));
  }
  return out.join('\n') + '\n';
}

/** RFC 4180 CSV with a header line. */
export function renderCsv(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cell = (v: string | number | null | undefined) => {
    const s = v === null || v === undefined ? '' : String(v);
    // A leading = + - @ would make a spreadsheet run it as a formula.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
