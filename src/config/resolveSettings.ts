import { accessSync, constants } from 'node:fs';
import type { ConfigFileContents } from './configFile.ts';
import { SETTINGS, type SettingDef } from './settings.ts';
import type { ParseContext, SettingValue } from './valueParsers.ts';
import type { ConfigProblem, ConfigWarning, Env, ValueSource } from './types.ts';

/** One setting after merging the layers: environment over file over default. */
export interface ResolvedSetting {
  def: SettingDef;
  /** The effective value, or undefined when it is set nowhere and has no default. */
  value: SettingValue | undefined;
  source: ValueSource | undefined;
  /** The file's value when valid (what `configure` edits). */
  fileValue: SettingValue | undefined;
  /** The file's value as stored, valid or not (absent when the file does not set it). */
  fileRaw: unknown;
  /** Whether the environment sets it (non-empty). */
  envSet: boolean;
}

export interface Resolution {
  settings: Map<string, ResolvedSetting>;
  problems: ConfigProblem[];
  warnings: ConfigWarning[];
}

/**
 * Parses, normalises and validates every setting of every layer, and collects ALL problems
 * rather than stopping at the first. An empty environment variable counts as unset.
 */
export function resolveSettings(file: ConfigFileContents, env: Env, configDir: string): Resolution {
  const problems: ConfigProblem[] = [...file.problems];
  const warnings: ConfigWarning[] = [];
  const settings = new Map<string, ResolvedSetting>();
  for (const def of SETTINGS) {
    let envValue: SettingValue | undefined;
    const envRaw = env[def.env];
    const envSet = typeof envRaw === 'string' && envRaw !== '';
    if (envSet) {
      const r = parseSetting(def, envRaw, { origin: 'text', configDir });
      if (r.ok) envValue = r.value;
      else problems.push(problem(def, `${def.env} (${def.key}) in the environment`, envRaw, r.reason));
    }
    let fileValue: SettingValue | undefined;
    const fileRaw = file.values.get(def.key);
    if (file.values.has(def.key)) {
      const r = parseSetting(def, fileRaw, { origin: 'file', configDir });
      if (r.ok) fileValue = r.value;
      else {
        const p = problem(def, `${def.key} in '${file.path}'`, fileRaw, r.reason);
        // A valid environment value wins anyway: a stale file value must not stop a cron run.
        if (envValue !== undefined) warnings.push({ code: 'W_CONFIG_FILE_VALUE_IGNORED', message: `${p.message} (ignored: ${def.env} in the environment wins)` });
        else problems.push(p);
      }
    }
    const value = envValue ?? fileValue ?? def.default;
    const source: ValueSource | undefined = envValue !== undefined ? 'env' : fileValue !== undefined ? 'file' : def.default !== undefined ? 'default' : undefined;
    settings.set(def.key, { def, value, source, fileValue, fileRaw, envSet });
  }
  const username = settings.get('threatq.username')?.value;
  if (typeof username === 'string' && !username.includes('@')) {
    warnings.push({ code: 'W_CONFIG_USERNAME', message: `threatq.username '${username}' is not an email address; ThreatQ logins are usually the user's email` });
  }
  return { settings, problems, warnings };
}

/** The setting's own parser plus checks that touch the file system (a CA file must be readable). */
export function parseSetting(def: SettingDef, raw: unknown, ctx: ParseContext): { ok: true; value: SettingValue } | { ok: false; reason: string } {
  const r = def.parse(raw, ctx);
  if (!r.ok || !def.key.endsWith('.caFile')) return r;
  try {
    accessSync(r.value as string, constants.R_OK);
  } catch {
    return { ok: false, reason: `the file '${r.value as string}' does not exist or cannot be read` };
  }
  return r;
}

/** `<where>: invalid value '<value>': <reason>`, with the value left out for secrets. */
export function problem(def: SettingDef, where: string, raw: unknown, reason: string): ConfigProblem {
  const shown = def.secret ? '' : ` ${displayRaw(raw)}`;
  return { key: def.key, env: def.env, message: `${where}: invalid value${shown}: ${reason}` };
}

/** A raw value as a user would recognise it: quoted, shortened, URL credentials removed. */
export function displayRaw(raw: unknown): string {
  let s = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  s = s.replace(/\/\/[^/@\s]*@/g, '//[REDACTED]@');
  if (s.length > 80) s = `${s.slice(0, 77)}...`;
  return `'${s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}
