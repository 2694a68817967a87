/**
 * `npm run sim`: both simulators in the foreground for manual runs of the connector. Prints one
 * JSON line with URLs, credentials and CA files on stdout, then serves until SIGINT/SIGTERM.
 * Messages for people go to stderr so stdout stays machine-readable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSims } from './startSims.ts';

const EXPORT_COLLECTION = 'Export to Darktrace';

const USAGE = `Usage: npm run sim -- [--seed N] [--breaches N] [--events N] [--devices N] [--indicators N] [--http]

Starts the Darktrace and ThreatQ simulators on 127.0.0.1 and prints their URLs and credentials
as one JSON line. Stop with Ctrl-C.

  --seed N        seed for generated data (default 1)
  --breaches N    Darktrace model breaches (default 25)
  --events N      Darktrace AI Analyst incident events (default 10)
  --devices N     Darktrace devices (default 15)
  --indicators N  ThreatQ indicators in the collection "Export to Darktrace" (default 50)
  --http          plain HTTP instead of HTTPS with self-signed certificates
`;

interface SimArgs {
  seed: number;
  breaches: number;
  events: number;
  devices: number;
  indicators: number;
  http: boolean;
}

function parseSimArgs(argv: string[]): SimArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      seed: { type: 'string' },
      breaches: { type: 'string' },
      events: { type: 'string' },
      devices: { type: 'string' },
      indicators: { type: 'string' },
      http: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const count = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a whole number >= 0, got "${raw}"`);
    return Number(raw);
  };
  return {
    seed: count('seed', values.seed, 1),
    breaches: count('breaches', values.breaches, 25),
    events: count('events', values.events, 10),
    devices: count('devices', values.devices, 15),
    indicators: count('indicators', values.indicators, 50),
    http: values.http ?? false,
  };
}

async function main(): Promise<void> {
  let args: SimArgs | 'help';
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return;
  }

  const sims = await startSims({
    tls: !args.http,
    seed: args.seed,
    darktrace: { seedCounts: { breaches: args.breaches, events: args.events, devices: args.devices } },
    threatq: { seedCollections: [{ name: EXPORT_COLLECTION, size: args.indicators }] },
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'tq-conn-darktrace-sim-'));
  const caFile = (name: string, pem: string | undefined) => {
    if (pem === undefined) return null;
    const file = path.join(dir, `${name}-ca.pem`);
    writeFileSync(file, pem);
    return file;
  };
  const { darktrace, threatq } = sims;
  const doc = {
    darktrace: { url: darktrace.url, ...darktrace.credentials, caFile: caFile('darktrace', darktrace.caPem) },
    threatq: {
      url: threatq.url,
      ...threatq.credentials,
      caFile: caFile('threatq', threatq.caPem),
      collections: threatq.seeded?.collections.map(({ id, name, hash, size }) => ({ id, name, hash, size })) ?? [],
    },
  };
  process.stdout.write(`${JSON.stringify(doc)}\n`);
  process.stderr.write(`Simulators running (Darktrace ${darktrace.url}, ThreatQ ${threatq.url}). Ctrl-C to stop.\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`Second ${signal}: exiting without waiting.\n`);
      process.exit(130);
    }
    stopping = true;
    void sims.close().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.stderr.write('Simulators stopped.\n');
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Simulators failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
