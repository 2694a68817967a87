import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../clock.ts';

/** Everything a command touches outside its options, injected so tests drive it directly. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Whether stdin and stdout are a terminal (prompts and progress only then). */
  isTTY: boolean;
  columns: number | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  clock: Clock;
  /** Absolute path of the running executable (for the cron entry). */
  executable: string;
}
