import path from 'node:path';

/** A directory the executable may extract its native addon into, in order of preference. */
export interface AddonDir {
  dir: string;
  /**
   * The topmost directory of `dir` that this program creates: it and everything below it
   * must belong to this user (or root) and be writable by no one else, otherwise another local
   * user could swap the library between our hash check and dlopen.
   */
  ownedFrom: string;
}

export interface AddonDirsOptions {
  env: Record<string, string | undefined>;
  /** undefined when the home directory cannot be determined. */
  homedir: string | undefined;
  tmpdir: string;
  uid: number | undefined;
}

const APP = 'tq-conn-darktrace';

/**
 * `$TQDT_NATIVE_DIR` (the admin's override for hardened hosts), then the XDG cache, then a
 * per-user directory under the temp dir. Later entries are fallbacks for read-only or noexec
 * mounts.
 */
export function addonDirs(options: AddonDirsOptions): AddonDir[] {
  const dirs: AddonDir[] = [];
  const override = options.env.TQDT_NATIVE_DIR;
  if (override) {
    const dir = path.resolve(override);
    dirs.push({ dir, ownedFrom: dir });
  }
  // The XDG spec says to ignore a relative XDG_CACHE_HOME.
  const xdg = options.env.XDG_CACHE_HOME;
  const cacheBase = xdg && path.isAbsolute(xdg) ? xdg : options.homedir ? path.join(options.homedir, '.cache') : undefined;
  if (cacheBase) {
    const app = path.join(cacheBase, APP);
    dirs.push({ dir: path.join(app, 'native'), ownedFrom: app });
  }
  const tmpApp = path.join(options.tmpdir, `${APP}-${options.uid ?? 'user'}`);
  dirs.push({ dir: path.join(tmpApp, 'native'), ownedFrom: tmpApp });
  return dirs;
}
