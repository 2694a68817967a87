import type { Clock } from '../clock.ts';
import { askSetting, CLEAR } from './askSetting.ts';
import { buildConfig } from './buildConfig.ts';
import { configFilePath, readConfigFile, writeConfigFile } from './configFile.ts';
import { ConfigError, configureCommandLine } from './configError.ts';
import { PromptReader } from './promptReader.ts';
import { resolveSettings, type ResolvedSetting } from './resolveSettings.ts';
import { isNeeded, SETTINGS } from './settings.ts';
import type { ConfigNeeds, ConfigProblem, ConfigWarning, ConnectorConfig, Env, PromptIo, ValueSource } from './types.ts';
import { saveFailed } from './saveFailed.ts';
import type { SettingValue } from './valueParsers.ts';

export interface LoadConfigOptions {
  /** The configuration directory (-c). */
  dir: string;
  /** The connector name (-n); the file is `<dir>/<name>.json`. */
  name: string;
  env: Env;
  /** Prompts happen only when given and `isTTY` is true. */
  io?: PromptIo;
  /** What the command cannot run without; see ConfigNeeds. */
  needs: ConfigNeeds;
  clock?: Clock;
}

export interface LoadedConfig {
  config: ConnectorConfig;
  /** For the caller to log at warn level (never contain a secret). */
  warnings: ConfigWarning[];
  /** The configuration file's path (it may not exist when everything came from the environment). */
  path: string;
  /** Where each effective value came from, by dotted key (absent: set nowhere). */
  sources: Record<string, ValueSource>;
}

/**
 * Loads the configuration: file (migrated if old) → environment (wins) → defaults, every value
 * normalised and validated, every problem collected. Settings the command needs but nobody set
 * are asked for on a terminal with the original's prompts (then saved); without a terminal they
 * are one error naming each key and its environment variable.
 *
 * @throws ConfigError (a UsageError, exit 2) listing every invalid or missing setting
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const file = configFilePath(options.dir, options.name);
  const contents = readConfigFile(file, { clock: options.clock });
  const resolution = resolveSettings(contents, options.env, options.dir);
  const warnings = [...contents.warnings, ...resolution.warnings];
  const settings = resolution.settings;
  const invalid = new Set(resolution.problems.map((p) => p.key));
  const missing = SETTINGS.filter((d) => isNeeded(d, options.needs) && settings.get(d.key)!.value === undefined && !invalid.has(d.key));
  const tty = options.io?.isTTY === true;

  if (resolution.problems.length > 0 || (missing.length > 0 && !tty)) {
    throw configurationError(resolution.problems, missing.map((d) => d.key), file, contents.exists, options);
  }

  if (missing.length > 0) {
    const io = options.io!;
    const answers = await promptFirstRun(io, settings, options);
    const toSave = new Map<string, unknown>();
    for (const s of settings.values()) if (s.fileRaw !== undefined) toSave.set(s.def.key, s.fileRaw);
    for (const [key, value] of answers) {
      toSave.set(key, value);
      const s = settings.get(key)!;
      settings.set(key, { ...s, value, source: 'prompt' });
    }
    try {
      writeConfigFile(file, toSave);
    } catch (cause) {
      throw saveFailed(file, cause);
    }
    io.output.write('Connector configured.\n');
  }

  const sources: Record<string, ValueSource> = {};
  for (const s of settings.values()) if (s.source) sources[s.def.key] = s.source;
  return { config: buildConfig((k) => settings.get(k)?.value), warnings, path: file, sources };
}

/** Asks, in the original's order, for every first-run setting this command uses that is set nowhere. */
async function promptFirstRun(io: PromptIo, settings: Map<string, ResolvedSetting>, options: LoadConfigOptions): Promise<Map<string, SettingValue>> {
  const answers = new Map<string, SettingValue>();
  const reader = new PromptReader(io);
  try {
    for (const def of SETTINGS) {
      const s = settings.get(def.key)!;
      if (!def.firstRun || !isNeeded(def, options.needs) || s.envSet || s.fileValue !== undefined) continue;
      const value = await askSetting(reader, io.output, def, { current: def.default, required: true, configDir: options.dir });
      if (value !== undefined && value !== CLEAR) answers.set(def.key, value);
    }
  } finally {
    reader.close();
  }
  return answers;
}

function configurationError(problems: ConfigProblem[], missingKeys: string[], file: string, fileExists: boolean, options: LoadConfigOptions): ConfigError {
  const fix = configureCommandLine(options.dir, options.name);
  const missing: ConfigProblem[] = missingKeys.map((key) => {
    const def = SETTINGS.find((d) => d.key === key)!;
    return { key, env: def.env, message: `${key} (environment variable ${def.env}): ${def.prompt}` };
  });
  const lines: string[] = [];
  if (problems.length > 0) {
    lines.push(`The configuration has ${count(problems.length, 'invalid value')}:`);
    for (const p of problems) lines.push(`  - ${p.message}`);
  }
  if (missing.length > 0) {
    const where = fileExists ? `not set in '${file}' nor in the environment` : `the file '${file}' does not exist and the environment does not set them`;
    const tty = options.io?.isTTY === true ? '' : '; there is no terminal to ask on';
    lines.push(`${count(missing.length, 'required setting')} ${missing.length === 1 ? 'is' : 'are'} missing (${where}${tty}):`);
    for (const p of missing) lines.push(`  - ${p.message}`);
  }
  const hint =
    missing.length > 0
      ? `Run '${fix}' on a terminal, or set the environment variables listed above`
      : `Correct the values with '${fix}' (or --set KEY=VALUE), or in the environment`;
  return new ConfigError(problems.length > 0 ? 'E_CONFIG_INVALID' : 'E_CONFIG_MISSING', lines.join('\n'), [...problems, ...missing], hint);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
