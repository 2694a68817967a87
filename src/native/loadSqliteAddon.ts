import os from 'node:os';
import { addonDirs } from './addonDirs.ts';
import { extractAndLoadAddon, type LoadedAddon } from './extractAddon.ts';

/** The SEA asset name; build/build-sea.sh embeds the addon under this key. */
export const SQLITE_ADDON_ASSET = 'better_sqlite3.node';

interface SeaApi {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

let loaded: LoadedAddon | undefined;

/**
 * The better-sqlite3 addon for `new Database(file, { nativeBinding })`. Inside the single
 * executable it is extracted from the embedded asset (see extractAndLoadAddon) once per
 * process; elsewhere (tsx, tests, plain node) it returns undefined and better-sqlite3 loads
 * its own build from node_modules. Throws ConnectorError E_NATIVE_ADDON when no directory works.
 */
export function loadSqliteAddon(): object | undefined {
  if (loaded) return loaded.exports;
  const sea = seaApi();
  if (!sea) return undefined;
  loaded = extractAndLoadAddon({
    bytes: new Uint8Array(sea.getAsset(SQLITE_ADDON_ASSET)),
    stem: 'better_sqlite3',
    dirs: addonDirs({ env: process.env, homedir: homedirOrUndefined(), tmpdir: os.tmpdir(), uid: process.getuid?.() }),
    uid: process.getuid?.(),
  });
  return loaded.exports;
}

/** Where the addon in use was loaded from; undefined until loaded, and outside the executable. */
export function sqliteAddonFile(): string | undefined {
  return loaded?.file;
}

function seaApi(): SeaApi | undefined {
  try {
    // getBuiltinModule keeps this file loadable where node:sea does not exist (Deno).
    const sea = process.getBuiltinModule?.('node:sea') as SeaApi | undefined;
    return sea?.isSea() ? sea : undefined;
  } catch {
    return undefined;
  }
}

function homedirOrUndefined(): string | undefined {
  try {
    return os.homedir() || undefined;
  } catch {
    return undefined;
  }
}
