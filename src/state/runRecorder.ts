import os from 'node:os';
import type { StateDb } from './openStateDb.ts';
import type { Redactor } from '../log/redactor.ts';

export type RunStatus = 'running' | 'success' | 'partial' | 'failed' | 'interrupted';

export interface RunStart {
  command: string;
  options: Record<string, unknown>;
  version: string;
  differential: boolean;
  startedAt: number;
}

export interface RunEnd {
  status: Exclude<RunStatus, 'running'>;
  exitCode: number;
  endedAt: number;
  counts?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
}

/**
 * Writes the `runs` rows. Options, counts and error text pass through the Redactor first:
 * audit rows never hold a secret.
 */
export class RunRecorder {
  constructor(
    private readonly state: StateDb,
    private readonly redactor: Redactor,
  ) {}

  start(run: RunStart): number {
    const info = this.state.sqlite
      .prepare(
        `INSERT INTO runs (started_at, command, status, options_json, version, differential, counts_json, pid, hostname)
         VALUES (?, ?, 'running', ?, ?, ?, '{}', ?, ?)`,
      )
      .run(
        run.startedAt,
        run.command,
        JSON.stringify(this.redactor.value(run.options)),
        run.version,
        run.differential ? 1 : 0,
        process.pid,
        os.hostname(),
      );
    return Number(info.lastInsertRowid);
  }

  /** Saves counts so far; a run killed later still shows what it had done. */
  progress(runId: number, counts: Record<string, unknown>): void {
    this.state.sqlite.prepare('UPDATE runs SET counts_json = ? WHERE id = ?').run(JSON.stringify(this.redactor.value(counts)), runId);
  }

  finish(runId: number, end: RunEnd): void {
    this.state.sqlite
      .prepare(
        `UPDATE runs SET ended_at = ?, status = ?, exit_code = ?, counts_json = COALESCE(?, counts_json), error_code = ?, error_message = ? WHERE id = ?`,
      )
      .run(
        end.endedAt,
        end.status,
        end.exitCode,
        end.counts ? JSON.stringify(this.redactor.value(end.counts)) : null,
        end.errorCode ?? null,
        end.errorMessage === undefined ? null : this.redactor.text(end.errorMessage),
        runId,
      );
  }

  /**
   * Rows left 'running' by a process that no longer holds the lock were killed mid-run: mark
   * them interrupted so history tells the truth. Called after the lock is taken.
   */
  closeAbandoned(now: number): number {
    return this.state.sqlite
      .prepare(`UPDATE runs SET status = 'interrupted', ended_at = COALESCE(ended_at, ?), error_code = COALESCE(error_code, 'E_KILLED'), error_message = COALESCE(error_message, 'The process ended without finishing this run (killed or crashed)') WHERE status = 'running' AND NOT (pid = ? AND hostname = ?)`)
      .run(now, process.pid, os.hostname()).changes;
  }
}
