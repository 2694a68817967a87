/**
 * Word-wraps `text` to `width` columns: the first line starts with `first`, the others with
 * `indent` spaces. Spaces inside a line are kept (column alignment survives); a word longer
 * than a line (a URL, a JSON blob) is cut, never left to overflow.
 */
export function wrapText(first: string, text: string, width: number, indent = first.length): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let prefix = first;
  let line = '';
  const room = () => Math.max(10, width - prefix.length);
  const flush = () => {
    lines.push((prefix + line).trimEnd());
    prefix = pad;
    line = '';
  };
  // Each token is a word with the spaces before it.
  for (const token of text.replace(/[\r\n\t]+/g, ' ').match(/ *[^ ]+/g) ?? []) {
    if (line && line.length + token.length > room()) flush();
    let word = line ? token : token.trimStart();
    while (word.length > room()) {
      if (line) flush();
      lines.push(prefix + word.slice(0, room()));
      word = word.slice(room());
      prefix = pad;
    }
    line += word;
  }
  if (line || lines.length === 0) flush();
  return lines;
}
