import { SETTINGS } from './settings.ts';
import type { ConnectorConfig, Env } from './types.ts';

/** The secret values of a loaded config, for the logger's Redactor (`redactor.add(v)` for each). */
export function secretValues(config: ConnectorConfig): string[] {
  return [config.threatq.password, config.darktrace.privateToken].filter((v) => v !== '');
}

/**
 * The secrets set in the environment (TQ_PASSWORD, DARKTRACE_PRIVATE_TOKEN), raw and with a
 * trailing line break removed, so they can be registered before the config is even loaded.
 */
export function secretValuesInEnv(env: Env): string[] {
  const out: string[] = [];
  for (const def of SETTINGS) {
    const v = def.secret ? env[def.env] : undefined;
    if (typeof v !== 'string' || v === '') continue;
    out.push(v);
    const trimmed = v.replace(/[\r\n]+$/, '');
    if (trimmed !== v && trimmed !== '') out.push(trimmed);
  }
  return out;
}
