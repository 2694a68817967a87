import type { Clock } from '../clock.ts';
import type { ConnectorConfig } from '../config/types.ts';
import type { DarktraceClient } from '../darktrace/client.ts';
import type { Logger } from '../log/entry.ts';
import type { StateDb } from '../state/openStateDb.ts';
import type { ThreatQClient } from '../threatq/client.ts';
import type { Progress } from './progress.ts';

/** What a pipeline gets from the run that hosts it. The run owns state, lock and the runs row. */
export interface PipelineContext {
  runId: number;
  config: ConnectorConfig;
  darktrace: DarktraceClient;
  threatq: ThreatQClient;
  state: StateDb;
  logger: Logger;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM: stop between batches, leaving state consistent. */
  signal: AbortSignal;
  progress: Progress;
  /** Saves counts into the runs row as work proceeds (a killed run still shows them). */
  saveProgress(counts: Record<string, unknown>): void;
}

export interface PipelineOutcome {
  counts: Record<string, unknown>;
  /** Some records failed and will be retried next run. */
  partial: boolean;
  /** One line for the end-of-run summary. */
  summary: string;
}
