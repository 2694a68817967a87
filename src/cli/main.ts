#!/usr/bin/env node
/**
 * Entry point of the executable: wires the real process into runMain and sets the exit code.
 * No top-level await: the single executable's bundle is CommonJS. A bare `--help` prints the
 * help rendered at build time, so it does not pay for loading yargs and the rest.
 */
import { writeFileSync } from 'node:fs';
import { HELP_TEXT } from './helpText.gen.ts';
import { ownPeakRssKiB } from './ownPeakRss.ts';

// Benchmarks read the process's peak memory (KiB) and CPU time (ms, every thread: SQLite's and
// V8's helpers included) from here, a line each: a parent cannot get a child's rusage in Node.
// Set before the `--help` fast path so that every invocation reports them the same way.
const peakRssFile = process.env['TQDT_PEAK_RSS_FILE'];
if (peakRssFile) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    writeFileSync(peakRssFile, `${ownPeakRssKiB()}\n${Math.round((cpu.user + cpu.system) / 1000)}\n`);
  });
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
  process.stdout.write(HELP_TEXT);
} else {
  void main();
}

async function main(): Promise<void> {
  const [{ systemClock }, { runMain }] = await Promise.all([import('../clock.ts'), import('./runMain.ts')]);
  try {
    process.exitCode = await runMain(argv, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      columns: process.stdout.columns,
      env: process.env,
      cwd: process.cwd(),
      clock: systemClock,
      executable: process.execPath,
    });
  } catch (error) {
    process.stderr.write(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
