/** Darktrace keeps source labels under 64 characters and descriptions under 256 (6.1 docs). */
export const INTELFEED_SOURCE_MAX = 63;
export const INTELFEED_DESCRIPTION_MAX = 255;

/**
 * Why a value cannot be sent as one intel-feed entry, or undefined when it can. `addlist` is
 * one string split on commas and newlines, so such a value would silently become several
 * entries (or an empty one); white space has no place in a domain, IP or CIDR either.
 */
export function intelFeedEntryProblem(entry: string): string | undefined {
  if (entry === '') return 'it is empty';
  if (entry.includes(',')) return 'it contains a comma, which would split it into several entries';
  if (/[\r\n]/.test(entry)) return 'it contains a line break, which would split it into several entries';
  if (/\s/.test(entry)) return 'it contains white space';
  return undefined;
}

/** Why a source label is refused, or undefined. */
export function intelFeedSourceProblem(source: string): string | undefined {
  if (source.trim() === '') return 'it is empty';
  if (source.length > INTELFEED_SOURCE_MAX) return `it has ${source.length} characters; Darktrace accepts fewer than 64`;
  if (/[\r\n]/.test(source)) return 'it contains a line break';
  return undefined;
}

/** Why a description is refused, or undefined. */
export function intelFeedDescriptionProblem(description: string): string | undefined {
  if (description.length > INTELFEED_DESCRIPTION_MAX) return `it has ${description.length} characters; Darktrace accepts fewer than 256`;
  return undefined;
}
