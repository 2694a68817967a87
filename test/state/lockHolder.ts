// A real process that takes the run lock of a database, reports, holds it, then releases it.
// argv: <db path> <hold ms> [crash]. Prints one JSON line.
import { openStateDb } from '../../src/state/openStateDb.ts';
import { acquireRunLock } from '../../src/state/runLock.ts';
import { ConnectorError } from '../../src/errors.ts';

const [file, holdText, mode] = process.argv.slice(2);
const state = openStateDb({ path: file! });
try {
  const lock = acquireRunLock(state, 'ingest', Date.now());
  process.stdout.write(JSON.stringify({ pid: process.pid, acquired: true }) + '\n');
  if (mode === 'crash') {
    // Simulates a killed run: the lock row stays behind.
    process.kill(process.pid, 'SIGKILL');
  }
  await new Promise((r) => setTimeout(r, Number(holdText)));
  lock.release();
  state.close();
} catch (e) {
  if (ConnectorError.is(e)) {
    process.stdout.write(JSON.stringify({ pid: process.pid, acquired: false, code: e.code, message: e.message }) + '\n');
    process.exitCode = e.exitCode;
  } else throw e;
}
