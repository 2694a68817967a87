/**
 * BENCH_CPU_PROF=<dir>: the environment that makes every connector run write a V8 CPU profile
 * there (--cpu-prof is refused in NODE_OPTIONS, so a preload starts the profiler). Empty when unset.
 */
export function cpuProfileEnv(): Record<string, string> {
  const dir = process.env['BENCH_CPU_PROF'];
  return dir ? { NODE_OPTIONS: `--import=${new URL('./cpuProfilePreload.mjs', import.meta.url).href}`, BENCH_CPU_PROF_DIR: dir } : {};
}
