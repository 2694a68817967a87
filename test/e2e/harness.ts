/**
 * End-to-end harness: both simulators over HTTPS (self-signed, trusted through the CA-file
 * settings), a fresh config directory, and the CLI run in-process through runMain with
 * captured output — the same code path as the executable, minus the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSims, type Sims, type SimsOptions } from '../../src/sim/startSims.ts';
import { connectorEnvFor } from '../../src/sim/connectorEnv.ts';
import { runInProcess } from '../helpers/runInProcess.ts';
import { openStateDb, stateDbPath, type StateDb } from '../../src/state/openStateDb.ts';

export interface Harness {
  sims: Sims;
  dir: string;
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Opens the state database (close it when done). */
  db(): StateDb;
  close(): Promise<void>;
}

export const DEFAULT_COLLECTIONS = ['Export to Darktrace', 'Watch List'];

export async function startHarness(t: { after(fn: () => unknown): void }, options: SimsOptions & { collections?: string[]; env?: Record<string, string> } = {}): Promise<Harness> {
  const sims = await startSims({ tls: true, seed: 7, ...options });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-e2e-'));
  const env: Record<string, string> = { ...connectorEnvFor(sims, dir, options.collections ?? DEFAULT_COLLECTIONS), ...options.env };
  const harness: Harness = {
    sims,
    dir,
    env,
    async run(args, extraEnv = {}) {
      const mergedEnv: NodeJS.ProcessEnv = { ...env };
      for (const [k, v] of Object.entries(extraEnv)) {
        if (v === undefined) delete mergedEnv[k];
        else mergedEnv[k] = v;
      }
      return runInProcess(args.includes('-c') || args.some((a) => a.startsWith('--config')) ? args : [...args, '-c', dir], { columns: 100, env: mergedEnv, cwd: dir });
    },
    db: () => openStateDb({ path: stateDbPath(dir, 'tq-conn-darktrace') }),
    async close() {
      await sims.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  t.after(() => harness.close());
  return harness;
}
