/**
 * Configuration file layouts. Version 2 (current) is nested by section; version 1 is the flat
 * layout of the original Python connector's era (snake_case keys, collections as one
 * comma-separated string, run state such as `last_run` mixed in). A file without `version` is
 * version 1. Each step migrates one version to the next, so an old file is never a reason to
 * delete it.
 */
export const CURRENT_CONFIG_VERSION = 2;

/** Legacy v1 key → current dotted key. */
export const V1_KEYS: Readonly<Record<string, string>> = {
  threatq_host: 'threatq.host',
  threatq_client_id: 'threatq.clientId',
  threatq_username: 'threatq.username',
  threatq_password: 'threatq.password',
  status: 'threatq.status',
  darktrace_host: 'darktrace.host',
  darktrace_public_token: 'darktrace.publicToken',
  darktrace_private_token: 'darktrace.privateToken',
  collection_names: 'export.collections',
  source_name: 'export.sourceName',
  days_to_expiration: 'export.expirationDays',
};

export interface MigrationResult {
  /** The document in the current layout. */
  document: Record<string, unknown>;
  fromVersion: number;
  /** Keys of the old file that have no place in the current layout (names only, never values). */
  droppedKeys: string[];
}

type Doc = Record<string, unknown>;

const STEPS: Record<number, (doc: Doc, dropped: string[]) => Doc> = {
  1: (doc, dropped) => {
    const out: Doc = { version: 2 };
    for (const [legacy, value] of Object.entries(doc)) {
      if (legacy === 'version') continue;
      const key = V1_KEYS[legacy];
      if (key === undefined) {
        dropped.push(legacy);
        continue;
      }
      if (value === null || value === '') continue;
      const [section, field] = key.split('.') as [string, string];
      const target = (out[section] ??= {}) as Doc;
      target[field] = tidyV1Value(key, value);
    }
    return out;
  },
};

/** v1 kept lists and numbers as text; store them as JSON types when that is lossless (validation comes later). */
function tidyV1Value(key: string, value: unknown): unknown {
  if (key === 'export.collections' && typeof value === 'string') return value.split(',').map((s) => s.trim());
  if (key === 'export.expirationDays' && typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value);
  return value;
}

/** The version a document declares; a document without one is version 1. NaN when it is not a positive integer. */
export function documentVersion(doc: Doc): number {
  if (!('version' in doc)) return 1;
  const v = doc.version;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : NaN;
}

/** Migrates a document of an older version to the current one; the caller checks the version range first. */
export function migrateConfig(doc: Doc): MigrationResult {
  const fromVersion = documentVersion(doc);
  const droppedKeys: string[] = [];
  let current = doc;
  for (let v = fromVersion; v < CURRENT_CONFIG_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new Error(`No configuration migration from version ${v}`);
    current = step(current, droppedKeys);
  }
  return { document: current, fromVersion, droppedKeys };
}
