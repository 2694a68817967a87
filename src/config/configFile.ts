import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { ConfigError } from './configError.ts';
import { CURRENT_CONFIG_VERSION, documentVersion, migrateConfig } from './migrateConfig.ts';
import { SETTINGS, SETTINGS_BY_KEY } from './settings.ts';
import type { ConfigProblem, ConfigWarning } from './types.ts';
import { writeFileAtomic } from './writeFileAtomic.ts';

/** `<dir>/<name>.json`. */
export function configFilePath(dir: string, name: string): string {
  return path.join(dir, `${name}.json`);
}

export interface ConfigFileContents {
  path: string;
  exists: boolean;
  /** Dotted key → value as stored (not yet validated). Unset and null values are absent. */
  values: Map<string, unknown>;
  /** Values that do not fit the layout (a section that is not an object). */
  problems: ConfigProblem[];
  warnings: ConfigWarning[];
}

/**
 * Reads the configuration file, migrating an older layout in place (the old file is kept as
 * `<file>.v<N>.bak`, mode 0600). A missing file is not an error: every setting may come from
 * the environment. Broken JSON or a version from the future is (exit 2).
 */
export function readConfigFile(file: string, options: { clock?: Clock } = {}): ConfigFileContents {
  const result: ConfigFileContents = { path: file, exists: false, values: new Map(), problems: [], warnings: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return result;
    throw new ConfigError('E_CONFIG_READ', `Cannot read the configuration file '${file}': ${code ?? (cause as Error).message}`, [], 'Run the connector as the user owning the file, or fix its permissions (chmod 600)');
  }
  result.exists = true;
  let modeWarning = checkMode(file);

  let doc = parseDocument(file, text);
  const version = documentVersion(doc);
  if (Number.isNaN(version)) {
    throw new ConfigError('E_CONFIG_VERSION', `The configuration file '${file}' has an invalid "version": it must be a whole number from 1 to ${CURRENT_CONFIG_VERSION}`, [], `Fix the file: set "version": ${CURRENT_CONFIG_VERSION} for the layout the README describes`);
  }
  if (version > CURRENT_CONFIG_VERSION) {
    throw new ConfigError(
      'E_CONFIG_VERSION',
      `The configuration file '${file}' is version ${version}, written by a newer tq-conn-darktrace; this build reads versions 1 to ${CURRENT_CONFIG_VERSION}`,
      [],
      'Run the newer tq-conn-darktrace, or restore the backup (<file>.v<N>.bak) written when the file was upgraded',
    );
  }
  if (version < CURRENT_CONFIG_VERSION) {
    const migrated = migrateConfig(doc);
    doc = migrated.document;
    const persisted = persistMigration(file, text, migrated.fromVersion, doc, options.clock ?? systemClock);
    result.warnings.push(persisted.warning);
    // The rewritten file is 0600; the old mode no longer matters.
    if (persisted.rewritten) modeWarning = undefined;
    if (migrated.droppedKeys.length) {
      result.warnings.push({
        code: 'W_CONFIG_DROPPED_KEYS',
        message: `Configuration file '${file}': old key(s) ${migrated.droppedKeys.map((k) => `'${k}'`).join(', ')} are no longer used (run state now lives in the state database); they remain in the backup`,
      });
    }
  }
  if (modeWarning) result.warnings.unshift(modeWarning);
  flatten(file, doc, result);
  return result;
}

/** Writes the file in the current layout, atomically and with mode 0600. Values are written in documentation order. */
export function writeConfigFile(file: string, values: ReadonlyMap<string, unknown>): void {
  const doc: Record<string, unknown> = { version: CURRENT_CONFIG_VERSION };
  for (const def of SETTINGS) {
    const v = values.get(def.key);
    if (v === undefined || v === null) continue;
    const [section, field] = def.key.split('.') as [string, string];
    const target = (doc[section] ??= {}) as Record<string, unknown>;
    target[field] = v;
  }
  writeFileAtomic(file, JSON.stringify(doc, null, 2) + '\n');
}

function parseDocument(file: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    // V8's message quotes the surrounding text, which may be a password: report a position only.
    const pos = /position (\d+)/.exec((cause as Error).message);
    const where = pos ? ` at ${lineColumn(text, Number(pos[1]))}` : '';
    throw new ConfigError('E_CONFIG_PARSE', `The configuration file '${file}' is not valid JSON${where}`, [], 'Fix the file, or move it away and run tq-conn-darktrace configure to write a new one');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('E_CONFIG_PARSE', `The configuration file '${file}' must hold a JSON object`, [], 'Fix the file, or move it away and run tq-conn-darktrace configure to write a new one');
  }
  return doc as Record<string, unknown>;
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1] ?? '').length + 1}`;
}

function flatten(file: string, doc: Record<string, unknown>, out: ConfigFileContents): void {
  for (const [section, body] of Object.entries(doc)) {
    if (section === 'version') continue;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      const known = SETTINGS.some((s) => s.key.startsWith(`${section}.`));
      if (known) out.problems.push({ key: section, env: undefined, message: `'${section}' in ${file}: it must be a JSON object of settings` });
      else out.warnings.push(unknownKey(file, section));
      continue;
    }
    for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
      const key = `${section}.${field}`;
      if (!SETTINGS_BY_KEY.has(key)) {
        out.warnings.push(unknownKey(file, key));
        continue;
      }
      if (value !== null && value !== undefined) out.values.set(key, value);
    }
  }
}

function unknownKey(file: string, key: string): ConfigWarning {
  return { code: 'W_CONFIG_UNKNOWN_KEY', message: `Configuration file '${file}': unknown key '${key}' is ignored (the documented keys are in the README)` };
}

function checkMode(file: string): ConfigWarning | undefined {
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) === 0) return undefined;
    return {
      code: 'W_CONFIG_MODE',
      message: `The configuration file '${file}' holds passwords but is accessible by other users (mode ${mode.toString(8).padStart(4, '0')}); restrict it with: chmod 600 '${file}'`,
    };
  } catch {
    return undefined;
  }
}

function persistMigration(file: string, original: string, fromVersion: number, doc: Record<string, unknown>, clock: Clock): { warning: ConfigWarning; rewritten: boolean } {
  let backup = `${file}.v${fromVersion}.bak`;
  if (existsSync(backup)) {
    const stamp = new Date(clock.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    backup = `${file}.v${fromVersion}.${stamp}.bak`;
  }
  try {
    writeFileAtomic(backup, original);
    writeFileAtomic(file, JSON.stringify(doc, null, 2) + '\n');
  } catch (cause) {
    return {
      rewritten: false,
      warning: {
        code: 'W_CONFIG_MIGRATE_WRITE',
        message: `The configuration file '${file}' is in the version ${fromVersion} layout and could not be upgraded on disk (${(cause as NodeJS.ErrnoException).code ?? 'write failed'}); it was migrated in memory and will be again next time`,
      },
    };
  }
  return {
    rewritten: true,
    warning: {
      code: 'W_CONFIG_MIGRATED',
      message: `Upgraded the configuration file '${file}' from version ${fromVersion} to ${CURRENT_CONFIG_VERSION}; the old file is kept as '${backup}'`,
    },
  };
}
