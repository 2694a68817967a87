import type { ConnectorConfig } from './types.ts';
import type { SettingValue } from './valueParsers.ts';

/** Assembles the typed config from effective values; unset values become '' / [] / undefined. */
export function buildConfig(value: (key: string) => SettingValue | undefined): ConnectorConfig {
  const s = (key: string) => {
    const v = value(key);
    return typeof v === 'string' ? v : '';
  };
  const n = (key: string) => {
    const v = value(key);
    return typeof v === 'number' ? v : 0;
  };
  const l = (key: string) => {
    const v = value(key);
    return Array.isArray(v) ? [...v] : [];
  };
  const o = (key: string) => {
    const v = value(key);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return {
    threatq: {
      host: s('threatq.host'),
      clientId: s('threatq.clientId'),
      username: s('threatq.username'),
      password: s('threatq.password'),
      status: s('threatq.status'),
      caFile: o('threatq.caFile'),
      timeoutSeconds: n('threatq.timeoutSeconds'),
    },
    darktrace: {
      host: s('darktrace.host'),
      publicToken: s('darktrace.publicToken'),
      privateToken: s('darktrace.privateToken'),
      caFile: o('darktrace.caFile'),
      timeoutSeconds: n('darktrace.timeoutSeconds'),
    },
    export: {
      collections: l('export.collections'),
      sourceName: s('export.sourceName'),
      expirationDays: n('export.expirationDays'),
    },
    ingest: {
      minBreachScore: n('ingest.minBreachScore'),
      minAiAnalystScore: n('ingest.minAiAnalystScore'),
      includeModels: l('ingest.includeModels'),
      excludeModels: l('ingest.excludeModels'),
    },
    history: { retentionDays: n('history.retentionDays') },
  };
}
