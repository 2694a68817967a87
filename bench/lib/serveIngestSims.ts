/**
 * For profiling the ingest by hand: starts both simulators seeded as the ingest benchmark seeds
 * them, writes the connector's settings to DIR/env.sh and keeps serving until interrupted.
 *
 *   node --import tsx bench/lib/serveIngestSims.ts [--quick] DIR &
 *   set -a; . DIR/env.sh; set +a
 *   node --cpu-prof --cpu-prof-dir=DIR/prof --import tsx src/cli/main.ts ingest -hist 6 -c DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSims } from '../../src/sim/startSims.ts';
import { connectorEnvFor } from '../../src/sim/connectorEnv.ts';

const quick = process.argv.includes('--quick');
const dir = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'ingest-sims');
mkdirSync(dir, { recursive: true });
const size = quick ? { breaches: 5_000, aiEvents: 500, devices: 2_000 } : { breaches: 50_000, aiEvents: 5_000, devices: 20_000 };
const sims = await startSims({ tls: true, seed: 7, darktrace: { seedCounts: { ...size, days: 5 } } });
const env = connectorEnvFor(sims, dir, ['Export to Darktrace']);
writeFileSync(path.join(dir, 'env.sh'), Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join('\n') + '\n', { mode: 0o600 });
process.stdout.write(`serving; settings in ${path.join(dir, 'env.sh')}\n`);
const stop = () => {
  void sims.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 1 << 30);
