/** Small readers for the `history` tests: CSV, line widths, JSON keys. */
import assert from 'node:assert/strict';

/** RFC 4180: quoted fields, doubled quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.ok(!quoted, 'CSV: no unterminated quote');
  assert.equal(field + row.join(''), '', 'CSV: the last record ends with CRLF');
  return rows;
}

/** Parses CSV with a header into objects, checking every record has the header's width. */
export function csvRecords(text: string, header: string[]): Array<Record<string, string>> {
  const [head, ...rows] = parseCsv(text);
  assert.deepEqual(head, header, 'CSV header');
  return rows.map((r, n) => {
    assert.equal(r.length, header.length, `CSV record ${n + 1} has ${header.length} fields`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]!]));
  });
}

export function assertFits(text: string, width = 80): void {
  for (const line of text.split('\n')) assert.ok(line.length <= width, `line fits ${width} columns (${line.length}): ${line}`);
}

export function assertKeys(obj: unknown, keys: string[], what: string): void {
  assert.ok(obj && typeof obj === 'object', `${what} is an object`);
  assert.deepEqual(Object.keys(obj).sort(), [...keys].sort(), `${what} has the documented keys`);
}

/** Every whitespace run as one space: wrapped table text read as prose. */
export function prose(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * Reads a text table back: columns from the dashes under the header, a line with a first
 * column starts a record, continuation lines (wrapped cells) are joined with a space.
 */
export function parseTable(text: string): Array<Record<string, string>> {
  const lines = text.split('\n').filter((l) => l !== '');
  const [head, dashes, ...body] = lines;
  assert.ok(head && dashes && /^[- ]+$/.test(dashes), 'a header and a dash line');
  const spans: Array<[number, number]> = [];
  for (const m of dashes.matchAll(/-+/g)) spans.push([m.index, m.index + m[0].length]);
  const cut = (line: string) => spans.map(([a, b], i) => (i === spans.length - 1 ? line.slice(a) : line.slice(a, b)).trim());
  const names = cut(head);
  const records: string[][] = [];
  for (const line of body) {
    const cells = cut(line);
    if (cells[0] !== '' || records.length === 0) records.push(cells);
    else records.at(-1)!.forEach((c, i) => (records.at(-1)![i] = cells[i] ? `${c} ${cells[i]}` : c));
  }
  return records.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? ''])));
}

/** A wrapped cell compared with its value: wrapping only ever adds spaces. */
export function sameIgnoringWrap(cell: string | undefined, value: string): boolean {
  return (cell ?? '').replace(/ /g, '') === value.replace(/ /g, '');
}
