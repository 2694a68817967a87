/**
 * The simulated Darktrace Threat Visualizer API: `createDarktraceSim()` gives a node:http request
 * listener plus its store and test helpers; `seedDarktrace()` fills it deterministically.
 */
export { createDarktraceSim } from './createSim.ts';
export type {
  DarktraceCredentials,
  DarktracePermissions,
  DarktraceSim,
  DarktraceSimOptions,
  DarktraceSimSettings,
  NewBreach,
  NewEvent,
} from './createSim.ts';
export { seedDarktrace } from './seed.ts';
export type { SeedDarktraceOptions, SeedSummary } from './seed.ts';
export { DarktraceStore, SimNotFoundError } from './store/store.ts';
export type { DtapiDateFormat } from './auth/parseDtapiDate.ts';
export type * from './types.ts';
