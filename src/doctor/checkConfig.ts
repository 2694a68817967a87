import { existsSync } from 'node:fs';
import type { Clock } from '../clock.ts';
import { ConfigError, loadConfig, type ConnectorConfig, type Env } from '../config/index.ts';
import { configureCommandLine } from '../config/configError.ts';
import type { ConfigWarning } from '../config/types.ts';
import { EXIT } from '../errors.ts';
import type { CheckList } from './checkList.ts';

export interface ConfigCheckOptions {
  dir: string;
  name: string;
  env: Env;
  clock: Clock;
}

/**
 * `config`: every setting a run needs is set and valid. Never prompts (no terminal is given to
 * loadConfig), so doctor can run from cron; problems become one fail naming each key, and the
 * file's warnings (permissions, unknown keys) become warn lines.
 */
export async function checkConfig(checks: CheckList, options: ConfigCheckOptions): Promise<ConnectorConfig | undefined> {
  const configure = configureCommandLine(options.dir, options.name);
  let loaded;
  try {
    loaded = await loadConfig({ dir: options.dir, name: options.name, env: options.env, needs: 'all', clock: options.clock });
  } catch (error) {
    if (error instanceof ConfigError) {
      // The message names every key with its environment variable and what is wrong with it.
      checks.fail('config', error.message, error.hint ?? `Run '${configure}' on a terminal`, EXIT.usage);
      return undefined;
    }
    checks.failure('config', error);
    return undefined;
  }
  const fromEnv = Object.values(loaded.sources).filter((s) => s === 'env').length;
  const fromFile = Object.values(loaded.sources).filter((s) => s === 'file').length;
  const file = existsSync(loaded.path) ? `${fromFile} from ${loaded.path}` : `no file at ${loaded.path}`;
  checks.ok('config', `all settings present and valid (${fromEnv} from the environment, ${file}, the rest defaults)`);
  for (const w of loaded.warnings) {
    if (w.code === 'W_CONFIG_MIGRATED') checks.info('config', w.message);
    else checks.warn('config', w.message, warningFix(w, loaded.path, configure));
  }
  return loaded.config;
}

function warningFix(w: ConfigWarning, file: string, configure: string): string {
  switch (w.code) {
    case 'W_CONFIG_MODE':
      return `chmod 600 '${file}'`;
    case 'W_CONFIG_UNKNOWN_KEY':
    case 'W_CONFIG_DROPPED_KEYS':
      return `Remove the key from '${file}' or correct its spelling; '${configure} --show' lists the keys in use`;
    case 'W_CONFIG_FILE_VALUE_IGNORED':
      return `Correct or remove the value in '${file}' (the environment overrides it today, a cron job without that variable would not)`;
    case 'W_CONFIG_USERNAME':
      return "Set threatq.username (TQ_USERNAME) to the account's e-mail address";
    case 'W_CONFIG_MIGRATE_WRITE':
      return `Make '${file}' and its directory writable by this user, so the upgrade can be saved`;
    default:
      return `Review the configuration with '${configure}'`;
  }
}
