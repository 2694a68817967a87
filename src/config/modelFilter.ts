import type { ConnectorConfig } from './types.ts';

/** `*` any run of characters, `?` one character, everything else literal; whole name, case-insensitive. */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

/**
 * Whether a model breach of this model passes the ingest filters: it must match an include glob
 * (when there are any) and no exclude glob (exclude wins).
 */
export function modelAllowed(modelName: string, filters: Pick<ConnectorConfig['ingest'], 'includeModels' | 'excludeModels'>): boolean {
  const matches = (globs: string[]) => globs.some((g) => globToRegExp(g).test(modelName));
  if (filters.includeModels.length > 0 && !matches(filters.includeModels)) return false;
  return !matches(filters.excludeModels);
}
