// Control characters, line separators and bidi overrides from hostile values would let one
// line of output forge or visually reorder another; shown as \n or \uXXXX instead.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character that could break or disguise a line of terminal or log output escaped. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Text meant to span lines (a list of problems, say): each line made `printable`, the line breaks kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
