import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ConnectorError, EXIT } from '../errors.ts';
import type { StateDb } from './openStateDb.ts';

export interface LockHolder {
  pid: number;
  hostname: string;
  procStart: string;
  acquiredAt: number;
  command: string;
  runId: number | null;
}

export interface RunLock {
  /** Records which run holds the lock, once the run row exists. */
  setRunId(runId: number): void;
  release(): void;
}

/** The kernel's start time of a process (field 22 of /proc/<pid>/stat), '' where /proc is absent. */
export function processStartTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? '';
  } catch {
    return '';
  }
}

function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== os.hostname()) return true; // another host: cannot check, assume alive
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // Same pid, different start time: the holder died and its pid was reused.
  const start = processStartTime(holder.pid);
  return holder.procStart === '' || start === '' || start === holder.procStart;
}

/**
 * One run at a time per connector name. The check and the take happen in one IMMEDIATE
 * transaction on the state database, so two processes cannot both take it; a lock left by a
 * killed process (pid gone, or reused by another process) is taken over.
 */
export function acquireRunLock(state: StateDb, command: string, now: number): RunLock {
  const { sqlite } = state;
  const pid = process.pid;
  const procStart = processStartTime(pid);
  const take = sqlite.transaction(() => {
    const holder = sqlite
      .prepare('SELECT pid, hostname, proc_start AS procStart, acquired_at AS acquiredAt, command, run_id AS runId FROM run_lock WHERE id = 1')
      .get() as LockHolder | undefined;
    if (holder && !(holder.pid === pid && holder.procStart === procStart) && isAlive(holder)) return holder;
    sqlite
      .prepare('INSERT OR REPLACE INTO run_lock (id, pid, hostname, proc_start, acquired_at, run_id, command) VALUES (1, ?, ?, ?, ?, NULL, ?)')
      .run(pid, os.hostname(), procStart, now, command);
    return undefined;
  });
  const holder = take.immediate();
  if (holder) {
    throw new ConnectorError(
      'E_LOCKED',
      `Another run of this connector is in progress: pid ${holder.pid} on ${holder.hostname}, '${holder.command}' started ${new Date(holder.acquiredAt).toISOString()}`,
      { exitCode: EXIT.locked, hint: 'Nothing was changed. Wait for it to finish; overlapping cron runs are skipped this way on purpose' },
    );
  }
  let released = false;
  return {
    setRunId(runId) {
      sqlite.prepare('UPDATE run_lock SET run_id = ? WHERE id = 1 AND pid = ?').run(runId, pid);
    },
    release() {
      if (released) return;
      released = true;
      sqlite.prepare('DELETE FROM run_lock WHERE id = 1 AND pid = ? AND proc_start = ?').run(pid, procStart);
    },
  };
}
