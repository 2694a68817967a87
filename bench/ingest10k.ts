/**
 * Measures an ingest of 10,000 alerts (9,000 model breaches + 1,000 AI Analyst events over
 * 3,000 devices, spread over 4.5 days) against both simulators over HTTPS on this machine:
 * a first run and a no-change rerun, both with `-hist 5`, the connector as a real child
 * process. Prints wall time and the requests each side received.
 *
 *   node --import tsx bench/ingest10k.ts [breaches] [aiEvents] [devices]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSims, type Sims } from '../src/sim/startSims.ts';
import { connectorEnvFor } from '../src/sim/connectorEnv.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [breaches = 9000, aiEvents = 1000, devices = 3000] = process.argv.slice(2).map(Number);

function runChild(env: Record<string, string>, dir: string, args: string[]): Promise<{ code: number | null; ms: number; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args, '-c', dir], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, ms: Math.round(performance.now() - started), stdout, stderr })));
}

function tally(sims: Sims, tqFrom: number, dtFrom: number) {
  const count = (list: Array<{ method: string; path: string }>) => {
    const out: Record<string, number> = {};
    for (const r of list) {
      const key = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  };
  const tq = sims.threatq.requests.slice(tqFrom);
  const dt = sims.darktrace.requests.slice(dtFrom);
  return {
    threatq: { total: tq.length, writes: tq.filter((r) => r.method !== 'GET').length, byRoute: count(tq) },
    darktrace: { total: dt.length, byRoute: count(dt) },
  };
}

async function main(): Promise<void> {
  const seedStarted = performance.now();
  const sims = await startSims({ tls: true, seed: 7, darktrace: { seedCounts: { breaches, aiEvents, devices, days: 4.5 } } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tqdt-bench-'));
  try {
    const env = connectorEnvFor(sims, dir, ['Export to Darktrace']);
    console.log(`seeded ${breaches} breaches, ${aiEvents} AI Analyst events, ${devices} devices in ${Math.round(performance.now() - seedStarted)} ms`);
    for (const label of ['first run', 'no-change rerun']) {
      const tqFrom = sims.threatq.requests.length;
      const dtFrom = sims.darktrace.requests.length;
      const r = await runChild(env, dir, ['ingest', '-hist', '5']);
      if (r.code !== 0) throw new Error(`${label} exited ${r.code}: ${r.stderr}`);
      console.log(`\n${label}: ${r.ms} ms wall (child process, including ~1 s of node + tsx start-up)`);
      console.log(r.stdout.trim());
      console.log(JSON.stringify(tally(sims, tqFrom, dtFrom), null, 2));
    }
    const store = sims.threatq.sim.store;
    console.log(`\nThreatQ now holds ${store.events.length} events, ${store.indicators.count} indicators, ${store.assets.length} assets`);
  } finally {
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
