/** The configuration module's public surface. */
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './loadConfig.ts';
export { secretValues, secretValuesInEnv } from './secretValues.ts';
export { ConfigError } from './configError.ts';
export { configFilePath, readConfigFile, writeConfigFile } from './configFile.ts';
export { CURRENT_CONFIG_VERSION } from './migrateConfig.ts';
export { SETTINGS, SECRET_KEYS, findSetting, type SettingDef } from './settings.ts';
export { normaliseHost, isLoopback } from './normaliseHost.ts';
export { modelAllowed, globToRegExp } from './modelFilter.ts';
export { PromptReader } from './promptReader.ts';
export type { ConnectorConfig, ConfigNeeds, ConfigWarning, ConfigProblem, PromptIo, ValueSource, Env } from './types.ts';
