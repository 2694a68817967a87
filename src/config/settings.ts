import { HOST_ALLOWED_TEXT } from './normaliseHost.ts';
import * as p from './valueParsers.ts';
import type { SettingValue, ValueParser } from './valueParsers.ts';

export type Pipeline = 'ingest' | 'export';

/** One setting: the single source for parsing, prompts, env names and the documentation table. */
export interface SettingDef {
  /** Dotted key: section and field of the JSON file, accepted by `configure --set`. */
  key: string;
  env: string;
  /** Prompt label (the prompt is `<label>: `); the first eleven follow the original's order. */
  prompt: string;
  /** Asked on first run (the original's prompts plus the Darktrace settings of its UI). */
  firstRun: boolean;
  secret: boolean;
  /** The pipelines that cannot run without it. Empty: optional. */
  requiredFor: readonly Pipeline[];
  default: SettingValue | undefined;
  description: string;
  /** What is allowed, for the documentation and error messages. */
  allowed: string;
  parse: ValueParser;
}

const BOTH: readonly Pipeline[] = ['ingest', 'export'];
const NONE: readonly Pipeline[] = [];

export const SETTINGS: readonly SettingDef[] = [
  {
    key: 'threatq.host', env: 'TQ_HOST', prompt: 'ThreatQ Host', firstRun: true, secret: false, requiredFor: BOTH, default: undefined,
    description: 'ThreatQ instance', allowed: HOST_ALLOWED_TEXT, parse: p.host,
  },
  {
    key: 'threatq.clientId', env: 'TQ_CLIENT_ID', prompt: 'ThreatQ Client ID', firstRun: true, secret: false, requiredFor: BOTH, default: undefined,
    description: 'OAuth client id (Settings → User Management → API details)', allowed: 'non-empty, no white space', parse: p.text({ noSpaces: true }),
  },
  {
    key: 'threatq.username', env: 'TQ_USERNAME', prompt: 'ThreatQ Username', firstRun: true, secret: false, requiredFor: BOTH, default: undefined,
    description: 'email address of the ThreatQ integration user', allowed: 'non-empty, no white space (an email address)', parse: p.text({ noSpaces: true }),
  },
  {
    key: 'threatq.password', env: 'TQ_PASSWORD', prompt: 'ThreatQ Password', firstRun: true, secret: true, requiredFor: BOTH, default: undefined,
    description: 'password of that user (secret; input hidden)', allowed: 'non-empty, one line (kept exactly; a trailing line break is removed)', parse: p.secret(),
  },
  {
    key: 'threatq.status', env: 'TQ_STATUS', prompt: 'Status', firstRun: true, secret: false, requiredFor: ['ingest'], default: 'Review',
    description: 'default status of the indicators the connector creates', allowed: 'non-empty, one line (an existing ThreatQ status name)', parse: p.text(),
  },
  {
    key: 'darktrace.host', env: 'DARKTRACE_HOST', prompt: 'Darktrace Host', firstRun: true, secret: false, requiredFor: BOTH, default: undefined,
    description: 'Darktrace appliance or cloud instance', allowed: HOST_ALLOWED_TEXT, parse: p.host,
  },
  {
    key: 'darktrace.publicToken', env: 'DARKTRACE_PUBLIC_TOKEN', prompt: 'Darktrace Public Token', firstRun: true, secret: false, requiredFor: BOTH, default: undefined,
    description: 'API public token', allowed: 'non-empty, no white space', parse: p.text({ noSpaces: true }),
  },
  {
    key: 'darktrace.privateToken', env: 'DARKTRACE_PRIVATE_TOKEN', prompt: 'Darktrace Private Token', firstRun: true, secret: true, requiredFor: BOTH, default: undefined,
    description: 'API private token (secret; input hidden)', allowed: 'non-empty, no white space', parse: p.secret({ noSpaces: true }),
  },
  {
    key: 'export.collections', env: 'DARKTRACE_COLLECTIONS', prompt: 'Threat Library Collections (comma-separated)', firstRun: true, secret: false, requiredFor: ['export'], default: undefined,
    description: 'Threat Library collections whose FQDN and IP Address indicators are exported', allowed: 'one or more non-empty names; comma-separated in the environment and prompts, a JSON array in the file', parse: p.list({ nonEmpty: true, itemLabel: 'collection name' }),
  },
  {
    key: 'export.sourceName', env: 'DARKTRACE_SOURCE_NAME', prompt: 'Source Name', firstRun: true, secret: false, requiredFor: ['export'], default: 'ThreatQ',
    description: 'intel-feed source label of the exported entries; only entries under it are ever removed', allowed: '1-63 characters, no comma or line break', parse: p.text({ maxLength: 63, noCommas: true }),
  },
  {
    key: 'export.expirationDays', env: 'DARKTRACE_EXPIRATION_DAYS', prompt: 'Days to Expiration', firstRun: true, secret: false, requiredFor: ['export'], default: 30,
    description: 'days until exported entries expire in Darktrace; 0 = never', allowed: 'whole number 0-36500', parse: p.integer(0, 36500, 'days'),
  },
  {
    key: 'threatq.caFile', env: 'TQ_CA_FILE', prompt: 'ThreatQ CA File', firstRun: false, secret: false, requiredFor: NONE, default: undefined,
    description: 'PEM file of CA certificates to trust for ThreatQ (self-signed instances)', allowed: 'path of a readable file; relative to the config directory', parse: p.filePath,
  },
  {
    key: 'threatq.timeoutSeconds', env: 'TQ_TIMEOUT_SECONDS', prompt: 'ThreatQ Request Timeout (seconds)', firstRun: false, secret: false, requiredFor: NONE, default: 60,
    description: 'timeout of each ThreatQ request', allowed: 'whole number 1-3600', parse: p.integer(1, 3600, 'seconds'),
  },
  {
    key: 'darktrace.caFile', env: 'DARKTRACE_CA_FILE', prompt: 'Darktrace CA File', firstRun: false, secret: false, requiredFor: NONE, default: undefined,
    description: 'PEM file of CA certificates to trust for Darktrace (appliances with their own CA)', allowed: 'path of a readable file; relative to the config directory', parse: p.filePath,
  },
  {
    key: 'darktrace.timeoutSeconds', env: 'DARKTRACE_TIMEOUT_SECONDS', prompt: 'Darktrace Request Timeout (seconds)', firstRun: false, secret: false, requiredFor: NONE, default: 60,
    description: 'timeout of each Darktrace request', allowed: 'whole number 1-3600', parse: p.integer(1, 3600, 'seconds'),
  },
  {
    key: 'ingest.minBreachScore', env: 'DARKTRACE_MIN_BREACH_SCORE', prompt: 'Minimum Model Breach Score (0-100)', firstRun: false, secret: false, requiredFor: NONE, default: 0,
    description: 'skip model breaches scoring below this, in percent as the Darktrace UI shows it (sent as minscore = value/100)', allowed: 'number 0-100', parse: p.decimal(0, 100),
  },
  {
    key: 'ingest.minAiAnalystScore', env: 'DARKTRACE_MIN_AI_ANALYST_SCORE', prompt: 'Minimum AI Analyst Score (0-100)', firstRun: false, secret: false, requiredFor: NONE, default: 0,
    description: 'skip AI Analyst events scoring below this', allowed: 'number 0-100', parse: p.decimal(0, 100),
  },
  {
    key: 'ingest.includeModels', env: 'DARKTRACE_INCLUDE_MODELS', prompt: 'Include Models (comma-separated globs)', firstRun: false, secret: false, requiredFor: NONE, default: [],
    description: 'only ingest breaches of models matching one of these globs (`*` and `?`, case-insensitive); empty = all', allowed: 'list of non-empty globs', parse: p.list({ nonEmpty: false, itemLabel: 'model glob' }),
  },
  {
    key: 'ingest.excludeModels', env: 'DARKTRACE_EXCLUDE_MODELS', prompt: 'Exclude Models (comma-separated globs)', firstRun: false, secret: false, requiredFor: NONE, default: [],
    description: 'never ingest breaches of models matching one of these globs (wins over include)', allowed: 'list of non-empty globs', parse: p.list({ nonEmpty: false, itemLabel: 'model glob' }),
  },
  {
    key: 'history.retentionDays', env: 'TQDT_HISTORY_RETENTION_DAYS', prompt: 'History Retention (days, 0 = forever)', firstRun: false, secret: false, requiredFor: NONE, default: 365,
    description: 'days of run history to keep when pruning; 0 = keep forever', allowed: 'whole number 0-36500', parse: p.integer(0, 36500, 'days'),
  },
];

export const SETTINGS_BY_KEY: ReadonlyMap<string, SettingDef> = new Map(SETTINGS.map((s) => [s.key, s]));

/** The keys whose values are secrets: never shown, never logged, hidden while typed. */
export const SECRET_KEYS: readonly string[] = SETTINGS.filter((s) => s.secret).map((s) => s.key);

/** Finds a setting by dotted key or environment variable name, ignoring case. */
export function findSetting(name: string): SettingDef | undefined {
  const n = name.trim().toLowerCase();
  return SETTINGS.find((s) => s.key.toLowerCase() === n || s.env.toLowerCase() === n);
}

/** Whether a command with these needs cannot run without the setting. */
export function isNeeded(def: SettingDef, needs: 'all' | Pipeline | 'none'): boolean {
  if (needs === 'none') return false;
  if (needs === 'all') return def.requiredFor.length > 0;
  return def.requiredFor.includes(needs);
}

/** How a value is shown in prompts, `--show` and the docs (lists comma-separated). */
export function formatValue(value: SettingValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}
