import path from 'node:path';
import { UsageError } from '../errors.ts';

/** The flags every command shares, validated and typed. */
export interface GlobalOptions {
  logLocation: string;
  configDir: string;
  verbosity: 1 | 2 | 3;
  externalProxy: string | undefined;
  noDifferential: boolean;
  disableSsl: boolean;
  /** Days of Darktrace history; undefined when -hist was not given (the default of 5 applies on a first run). */
  historical: number | undefined;
  name: string;
  cron: string | undefined;
  cronDir: string;
  logFormat: 'text' | 'json';
}

export const DEFAULT_NAME = 'tq-conn-darktrace';
export const DEFAULT_HISTORICAL_DAYS = 5;
export const MAX_HISTORICAL_DAYS = 3650;

type Raw = Record<string, unknown>;

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  // A repeated flag arrives as an array: the last one wins, as with argparse.
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return String(v);
}

function bool(raw: Raw, key: string): boolean {
  const v = raw[key];
  return Array.isArray(v) ? v.length > 0 && Boolean(v[v.length - 1]) : Boolean(v);
}

/** Turns yargs' raw argv into GlobalOptions; every bad value names the flag, the value and what is allowed. */
export function parseGlobalOptions(raw: Raw, cwd: string): GlobalOptions {
  const verbosityText = str(raw, 'verbosity') ?? '1';
  if (!/^[123]$/.test(verbosityText)) {
    throw new UsageError(`Invalid value for -v/--verbosity: '${verbosityText}'`, 'Allowed: 1 (warnings), 2 (info) or 3 (debug)', 'E_FLAG_VALUE');
  }
  const histText = str(raw, 'historical');
  let historical: number | undefined;
  if (histText !== undefined) {
    if (!/^\d+$/.test(histText.trim()) || Number(histText) < 1 || Number(histText) > MAX_HISTORICAL_DAYS) {
      throw new UsageError(
        `Invalid value for -hist/--historical: '${histText}'`,
        `Allowed: a whole number of days from 1 to ${MAX_HISTORICAL_DAYS} (default ${DEFAULT_HISTORICAL_DAYS})`,
        'E_FLAG_VALUE',
      );
    }
    historical = Number(histText);
  }
  const name = str(raw, 'name') ?? DEFAULT_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new UsageError(
      `Invalid value for -n/--name: '${name}'`,
      'Allowed: 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit (it names the config, database and log files)',
      'E_FLAG_VALUE',
    );
  }
  const proxy = str(raw, 'external-proxy');
  if (proxy !== undefined) validateProxyUrl(proxy);
  const logFormat = str(raw, 'log-format') ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new UsageError(`Invalid value for --log-format: '${logFormat}'`, 'Allowed: text or json', 'E_FLAG_VALUE');
  }
  const logLocation = str(raw, 'loglocation') ?? 'stdout';
  if (logLocation === '') throw new UsageError(`Invalid value for -ll/--loglocation: ''`, "Allowed: a directory, or 'stdout' for the console", 'E_FLAG_VALUE');
  const configText = str(raw, 'config') ?? '.';
  if (configText === '') throw new UsageError(`Invalid value for -c/--config: ''`, 'Allowed: a directory (default: the current directory)', 'E_FLAG_VALUE');
  return {
    logLocation: logLocation === 'stdout' ? 'stdout' : path.resolve(cwd, logLocation),
    configDir: path.resolve(cwd, configText),
    verbosity: Number(verbosityText) as 1 | 2 | 3,
    externalProxy: proxy,
    noDifferential: bool(raw, 'no-differential'),
    disableSsl: bool(raw, 'disable-ssl'),
    historical,
    name,
    cron: str(raw, 'cron'),
    cronDir: path.resolve(cwd, str(raw, 'cron-dir') ?? '/etc/cron.d'),
    logFormat,
  };
}

function validateProxyUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || (url.pathname !== '/' && url.pathname !== '')) {
    // The value may hold proxy credentials: show it with them removed.
    const shown = value.replace(/\/\/[^@/]*@/, '//[REDACTED]@');
    throw new UsageError(
      `Invalid value for -ep/--external-proxy: '${shown}'`,
      'Allowed: a proxy URL like http://proxy.example:3128 or http://user:password@proxy.example:3128',
      'E_FLAG_VALUE',
    );
  }
}
