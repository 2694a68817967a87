import type { Clock } from '../../clock.ts';
import { UsageError } from '../../errors.ts';
import { askSetting, CLEAR } from '../../config/askSetting.ts';
import { configFilePath, readConfigFile, writeConfigFile } from '../../config/configFile.ts';
import { ConfigError, configureCommandLine } from '../../config/configError.ts';
import { PromptReader } from '../../config/promptReader.ts';
import { displayRaw, parseSetting, problem, resolveSettings, type Resolution } from '../../config/resolveSettings.ts';
import { saveFailed } from '../../config/saveFailed.ts';
import { findSetting, formatValue, SETTINGS, type SettingDef } from '../../config/settings.ts';
import type { ConfigProblem, ConfigWarning, Env, PromptIo } from '../../config/types.ts';

export interface ConfigureOptions {
  dir: string;
  name: string;
  env: Env;
  io: PromptIo;
  /** From repeated `--set KEY=VALUE`; KEY is a dotted key or its environment variable name. An empty VALUE removes the key from the file. */
  set?: Record<string, string>;
  /** Print the effective configuration (secrets as [REDACTED]) with the source of each value. */
  show?: boolean;
  clock?: Clock;
}

export interface ConfigureResult {
  path: string;
  /** Whether the file was written. */
  changed: boolean;
  /** For the caller to log at warn level. */
  warnings: ConfigWarning[];
}

/**
 * `tq-conn-darktrace configure`: changes the file non-interactively (`--set`), asks for every
 * setting on a terminal with the current value as default, and/or shows the effective
 * configuration (`--show`). Only the file is changed; the environment still wins over it.
 *
 * @throws UsageError (exit 2) for unknown keys or invalid values (all listed), or when there is nothing to do without a terminal
 */
export async function configure(options: ConfigureOptions): Promise<ConfigureResult> {
  const file = configFilePath(options.dir, options.name);
  const contents = readConfigFile(file, { clock: options.clock });
  let resolution = resolveSettings(contents, options.env, options.dir);
  const result: ConfigureResult = { path: file, changed: false, warnings: [...contents.warnings] };
  const out = options.io.output;

  if (options.set && Object.keys(options.set).length > 0) {
    const values = applySet(options.set, resolution, options.dir);
    save(file, values);
    result.changed = true;
    result.warnings.push(...envOverrides(Object.keys(options.set).map((k) => findSetting(k)!), options.env));
    out.write('Connector configured.\n');
  } else if (!options.show) {
    if (!options.io.isTTY) {
      throw new UsageError(
        'configure needs a terminal to ask its questions',
        `Use --set KEY=VALUE (repeatable) or --show, or set the environment variables. Keys: ${keyList()}`,
        'E_CONFIGURE_NO_TTY',
      );
    }
    const values = await interactive(options, resolution, file);
    save(file, values);
    result.changed = true;
    out.write('Connector configured.\n');
  }

  if (options.show) {
    if (result.changed) resolution = resolveSettings(readConfigFile(file, { clock: options.clock }), options.env, options.dir);
    out.write(renderShow(file, contents.exists || result.changed, resolution));
    if (resolution.problems.length > 0) {
      throw new ConfigError(
        'E_CONFIG_INVALID',
        [`The configuration has ${resolution.problems.length} invalid value(s):`, ...resolution.problems.map((p) => `  - ${p.message}`)].join('\n'),
        resolution.problems,
        `Correct them with '${configureCommandLine(options.dir, options.name)}' (or --set KEY=VALUE), or in the environment`,
      );
    }
  }
  result.warnings.push(...resolution.warnings);
  return result;
}

/** Splits repeated `--set KEY=VALUE` arguments (at the first '='); the last of a repeated key wins. */
export function parseSetArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const i = arg.indexOf('=');
    if (i <= 0) {
      // Never echo the argument: it may be a secret that lost its KEY= part.
      throw new UsageError('Invalid --set argument: it must look like KEY=VALUE', `Keys: ${keyList()}`, 'E_FLAG_VALUE');
    }
    out[arg.slice(0, i).trim()] = arg.slice(i + 1);
  }
  return out;
}

function applySet(set: Record<string, string>, resolution: Resolution, dir: string): Map<string, unknown> {
  const values = fileValues(resolution);
  const problems: ConfigProblem[] = [];
  const unknown: string[] = [];
  for (const [name, raw] of Object.entries(set)) {
    const def = findSetting(name);
    if (!def) {
      unknown.push(name);
      continue;
    }
    if (raw.trim() === '') {
      values.delete(def.key);
      continue;
    }
    const r = parseSetting(def, raw, { origin: 'text', configDir: dir });
    if (r.ok) values.set(def.key, r.value);
    else problems.push(problem(def, `--set ${name}`, raw, r.reason));
  }
  if (unknown.length > 0 || problems.length > 0) {
    const lines = [
      ...unknown.map((k) => `  - unknown setting '${k}'`),
      ...problems.map((p) => `  - ${p.message}`),
    ];
    throw new ConfigError(
      unknown.length > 0 ? 'E_CONFIG_UNKNOWN_KEY' : 'E_CONFIG_INVALID',
      `Nothing was changed; ${unknown.length + problems.length} problem(s) with --set:\n${lines.join('\n')}`,
      [...unknown.map((k) => ({ key: undefined, env: undefined, message: `unknown setting '${k}'` })), ...problems],
      `Keys: ${keyList()}`,
    );
  }
  return values;
}

async function interactive(options: ConfigureOptions, resolution: Resolution, file: string): Promise<Map<string, unknown>> {
  const out = options.io.output;
  const values = fileValues(resolution);
  out.write(`Configuring '${options.name}' in ${file}\nPress Enter to keep the value in brackets; '-' clears an optional setting.\n`);
  for (const p of resolution.problems) out.write(`Note: ${p.message}\n`);
  const reader = new PromptReader(options.io);
  try {
    for (const def of SETTINGS) {
      const s = resolution.settings.get(def.key)!;
      if (s.envSet) out.write(`(${def.env} is set in the environment and wins over the value saved here)\n`);
      const current = s.fileValue ?? def.default;
      const answer = await askSetting(reader, out, def, {
        current: def.secret ? undefined : current,
        secretIsSet: def.secret && s.fileValue !== undefined,
        required: def.requiredFor.length > 0 && def.default === undefined && !s.envSet,
        allowClear: def.requiredFor.length === 0 || s.envSet,
        configDir: options.dir,
      });
      if (answer === CLEAR) values.delete(def.key);
      else if (answer === undefined) continue;
      else if (s.fileValue !== undefined && same(answer, s.fileValue)) continue;
      // Optional settings left at their default stay out of the file, so a future default applies.
      else if (s.fileValue === undefined && !def.firstRun && same(answer, def.default)) continue;
      else values.set(def.key, answer);
    }
  } finally {
    reader.close();
  }
  return values;
}

/** The file's current values as stored, to be written back with the changes. */
function fileValues(resolution: Resolution): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const s of resolution.settings.values()) if (s.fileRaw !== undefined) values.set(s.def.key, s.fileRaw);
  return values;
}

function save(file: string, values: Map<string, unknown>): void {
  try {
    writeConfigFile(file, values);
  } catch (cause) {
    throw saveFailed(file, cause);
  }
}

function envOverrides(defs: SettingDef[], env: Env): ConfigWarning[] {
  return defs
    .filter((d) => typeof env[d.env] === 'string' && env[d.env] !== '')
    .map((d) => ({ code: 'W_CONFIG_ENV_OVERRIDES', message: `${d.env} is set in the environment and wins over the ${d.key} just saved in the file` }));
}

function renderShow(file: string, exists: boolean, resolution: Resolution): string {
  const rows: [string, string, string][] = [];
  const invalid = new Set(resolution.problems.map((p) => p.key));
  for (const def of SETTINGS) {
    const s = resolution.settings.get(def.key)!;
    let value: string;
    let source: string;
    if (invalid.has(def.key)) {
      value = def.secret ? '[REDACTED]' : s.envSet ? '(invalid)' : displayRaw(s.fileRaw);
      source = 'invalid';
    } else if (s.value === undefined) {
      value = def.requiredFor.length > 0 ? '(missing)' : '(not set)';
      source = '-';
    } else {
      value = def.secret ? '[REDACTED]' : formatValue(s.value);
      source = s.source === 'env' ? `env ${def.env}` : (s.source ?? '-');
    }
    rows.push([def.key, value === '' ? '(empty)' : value, source]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.min(60, Math.max(...rows.map((r) => r[1].length)));
  const lines = [`Configuration file: ${file}${exists ? '' : ' (does not exist)'}`, ...rows.map(([k, v, src]) => `${k.padEnd(w0)}  ${v.padEnd(w1)}  ${src}`)];
  return lines.join('\n') + '\n';
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function keyList(): string {
  return SETTINGS.map((d) => `${d.key} (${d.env})`).join(', ');
}
