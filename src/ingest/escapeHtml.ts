const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Every string that comes from Darktrace is untrusted: ThreatQ renders event descriptions as
 * HTML, so text is escaped before it is placed in one. Control characters other than tab and
 * newline are dropped, and lone surrogates (invalid UTF-16 from a bad decode) are replaced.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(LONE_SURROGATES, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Escaped text with line breaks kept visible in the HTML description. */
export function escapeHtmlLines(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/**
 * Escaped HTML cut to at most `max` characters without leaving half an entity or half a `<br>`
 * behind: escaping can multiply a text's length by six, and ThreatQ keeps at most 65,500.
 */
export function clipHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const marker = ' […]';
  return clipText(html, max - marker.length).replace(/&[a-z0-9#]*$|<[a-z]*$/i, '') + marker;
}

/**
 * Plain text for a title, an attribute value or an asset name: one line (control characters,
 * line and paragraph separators and runs of white space become one space), lone surrogates
 * replaced, trimmed.
 */
export function oneLine(text: string): string {
  return text
    .replace(LONE_SURROGATES, '\ufffd')
    .replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
}

/** The first `max` UTF-16 units of a text, never ending in half of a surrogate pair. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max));
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}
