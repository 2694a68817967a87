export type HistoryFormat = 'table' | 'json' | 'csv';

export const HISTORY_FORMATS: readonly HistoryFormat[] = ['table', 'json', 'csv'];

/** A JSON array column as a list; a damaged value reads as empty rather than failing the query. */
export function jsonList(text: string | null | undefined): string[] {
  try {
    const v = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
