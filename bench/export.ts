/**
 * Export benchmark: 1,000,000 distinct ThreatQ indicators in 3 overlapping collections
 * (100,000 with --quick) exported to the Darktrace simulator over HTTPS by the connector as a
 * real child process — first run, no-change rerun, 1% churn rerun, `-d` (non-differential) run
 * and `--dry-run` — each measured against the raw-HTTP ceiling client doing the same requests
 * on the same simulators right after it (the Darktrace feed reset to what the connector found).
 *
 *   node --import tsx bench/export.ts [--quick]
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { startSims, type Sims } from '../src/sim/startSims.ts';
import { connectorEnvFor } from '../src/sim/connectorEnv.ts';
import { seedThreatQ } from '../src/sim/threatq/seed.ts';
import { cpuText, runConnector, type ConnectorRun } from './lib/connectorProcess.ts';
import { cpuProfileEnv } from './lib/cpuProfileEnv.ts';
import type { Bench, BenchOptions, BenchRow } from './lib/types.ts';
import { runExportCeiling, type ExportCeilingResult } from './ceiling/exportCeiling.ts';

const SOURCE = 'ThreatQ';
const DESCRIPTION = 'Exported from ThreatQ by tq-conn-darktrace';
const COLLECTIONS = ['Bench Export A', 'Bench Export B', 'Bench Export C'];
const BATCH = 1000;
const PAGE = 1000;
const MB_LIMIT = 256;

type Feed = Map<string, number | null>;

/** Sizes whose union is `total` distinct indicators: each later collection shares 10% with the earlier ones. */
function collectionSizes(total: number): number[] {
  const first = Math.round(total * 0.4);
  const rest = (total - first) / 0.9;
  const second = Math.round(rest / 2);
  return [first, second, Math.round(rest - second)];
}

function snapshotFeed(sims: Sims): Feed {
  const feed: Feed = new Map();
  for (const [name, , m] of sims.darktrace.sim.store.intelFeed.memberships(SOURCE)) feed.set(name, m.expiry);
  return feed;
}

/** Puts the feed back to `before` (what the connector found), so the ceiling does the same writes. */
function restoreFeed(sims: Sims, before: Feed, after: Feed): void {
  const feed = sims.darktrace.sim.store.intelFeed;
  feed.remove(SOURCE, after.keys());
  const byExpiry = new Map<number | null, string[]>();
  for (const [name, expiry] of before) {
    let list = byExpiry.get(expiry);
    if (!list) byExpiry.set(expiry, (list = []));
    list.push(name);
  }
  for (const [expiry, names] of byExpiry) feed.add(SOURCE, names, { description: DESCRIPTION, expiry });
}

interface Scenario {
  label: string;
  args: string[];
  target: string;
  /** Which entries the ceiling sends: what changed (the differential), every entry (-d), nothing (dry run). */
  writes: 'diff' | 'all' | 'none';
  check?: (m: Measured, first: Measured | undefined) => boolean;
}

interface Measured {
  run: ConnectorRun;
  /** Time the simulators spent on the connector's requests (arrival to last byte), summed. */
  simMs: { darktrace: number; threatq: number };
  requests: NonNullable<BenchRow['requests']>;
  ceiling: ExportCeilingResult;
  exported: number;
}

export const exportBench: Bench = async (options: BenchOptions): Promise<BenchRow[]> => {
  const total = Number(process.env['BENCH_EXPORT_TOTAL'] ?? (options.quick ? 100_000 : 1_000_000));
  const sizes = collectionSizes(total);
  const started = performance.now();
  const sims = await startSims({ tls: true, seed: 5 });
  const dir = path.join(options.workDir, 'export');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rows: BenchRow[] = [];
  try {
    const seeded = seedThreatQ(sims.threatq.sim, { seed: 5, collections: COLLECTIONS.map((name, i) => ({ name, size: sizes[i]! })) });
    options.log(`export: seeded ${seeded.created.toLocaleString('en')} indicators (${sizes.map((s) => s.toLocaleString('en')).join(' + ')} members) in ${Math.round(performance.now() - started)} ms`);
    const env: Record<string, string> = { ...connectorEnvFor(sims, dir, COLLECTIONS), HOME: dir, ...cpuProfileEnv() };
    const scale = `${total.toLocaleString('en')} indicators, 3 collections`;
    const scenarios: Scenario[] = [
      { label: `first run (${scale})`, args: ['export'], target: '≤1.5x ceiling and <90 s', writes: 'diff', check: (m) => m.run.ms <= 1.5 * m.ceiling.ms && m.run.ms < 90_000 && m.run.peakRssMiB <= MB_LIMIT },
      {
        label: 'no-change rerun',
        args: ['export'],
        target: '0 writes to Darktrace, ≤30% of first run',
        writes: 'diff',
        check: (m, first) => m.requests.writesToDarktrace === 0 && first !== undefined && m.run.ms <= 0.3 * first.run.ms && m.run.peakRssMiB <= MB_LIMIT,
      },
      { label: 'rerun after 1% churn (0.5% leave each collection, as many join)', args: ['export'], target: `≤${MB_LIMIT} MB`, writes: 'diff', check: (m) => m.run.peakRssMiB <= MB_LIMIT },
      { label: '-d (non-differential: whole set pushed)', args: ['export', '-d'], target: `≤${MB_LIMIT} MB`, writes: 'all', check: (m) => m.run.peakRssMiB <= MB_LIMIT },
      { label: '--dry-run (plan printed, nothing written)', args: ['export', '--dry-run'], target: `≤${MB_LIMIT} MB`, writes: 'none', check: (m) => m.run.peakRssMiB <= MB_LIMIT },
    ];
    let first: Measured | undefined;
    // BENCH_EXPORT_SCENARIOS=2 runs only the first two (profiling one scenario at a time).
    const only = Number(process.env['BENCH_EXPORT_SCENARIOS'] ?? scenarios.length);
    for (const [i, s] of scenarios.slice(0, only).entries()) {
      if (i === 2) churn(sims, total);
      const m = await measure(sims, env, dir, s);
      first ??= m;
      const met = s.check?.(m, first);
      const row: BenchRow = {
        group: 'export',
        scenario: s.label,
        wallMs: Math.round(m.run.ms),
        throughput: `${Math.round((total / m.run.ms) * 1000).toLocaleString('en')} indicators/s`,
        peakRssMiB: Math.round(m.run.peakRssMiB * 10) / 10,
        requests: m.requests,
        ceilingMs: Math.round(m.ceiling.ms),
        target: s.target,
        notes: `ratio to ceiling ${(m.run.ms / m.ceiling.ms).toFixed(2)}x; connector CPU ${cpuText(m.run)}; simulators busy DT ${(m.simMs.darktrace / 1000).toFixed(2)} s, TQ ${(m.simMs.threatq / 1000).toFixed(2)} s; ${m.exported.toLocaleString('en')} entries written; ceiling requests TQ ${m.ceiling.requests.threatq}, DT ${m.ceiling.requests.darktrace}; ${lastLine(m.run.stdout)}; ${phaseLine(m.run)}`,
      };
      if (met !== undefined) row.met = met;
      rows.push(row);
      options.log(`export: ${s.label}: ${(m.run.ms / 1000).toFixed(2)} s (ceiling ${(m.ceiling.ms / 1000).toFixed(2)} s, ${(m.run.ms / m.ceiling.ms).toFixed(2)}x), peak RSS ${m.run.peakRssMiB.toFixed(1)} MiB, CPU ${cpuText(m.run)}, requests TQ ${m.requests.threatq} DT ${m.requests.darktrace} (${m.requests.writesToDarktrace} writes); simulators busy DT ${(m.simMs.darktrace / 1000).toFixed(2)} s, TQ ${(m.simMs.threatq / 1000).toFixed(2)} s`);
    }
    return rows;
  } finally {
    await sims.close();
  }
};

async function measure(sims: Sims, env: Record<string, string>, dir: string, s: Scenario): Promise<Measured> {
  const before = snapshotFeed(sims);
  const from = { dt: sims.darktrace.requests.length, tq: sims.threatq.requests.length };
  // Each client runs the saved searches' queries itself: the simulator would otherwise answer the
  // ceiling, which comes second, from what it computed for the connector.
  sims.threatq.sim.forgetQueryAnswers();
  // -v 2: the run logs where its time went (export.timings), which the notes carry.
  const run = await runConnector([...s.args, '-c', dir, '-v', '2'], env, dir);
  if (run.code !== 0) throw new Error(`export bench: '${s.label}' exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const dt = sims.darktrace.requests.slice(from.dt);
  const tq = sims.threatq.requests.slice(from.tq);
  const simMs = { darktrace: dt.reduce((a, r) => a + r.ms, 0), threatq: tq.reduce((a, r) => a + r.ms, 0) };
  const requests = {
    darktrace: dt.length,
    threatq: tq.length,
    writesToDarktrace: dt.filter((r) => r.method === 'POST').length,
    writesToThreatQ: tq.filter((r) => r.method !== 'GET' && r.path !== '/api/token').length,
  };
  const after = snapshotFeed(sims);
  const adds: string[] = [];
  let expiresAt: number | null = null;
  for (const [name, expiry] of after) {
    if (s.writes === 'all' || (s.writes === 'diff' && before.get(name) !== expiry)) {
      adds.push(name);
      expiresAt = expiry;
    }
  }
  adds.sort();
  const removes = s.writes === 'diff' ? [...before.keys()].filter((n) => !after.has(n)).sort() : [];
  restoreFeed(sims, before, after);
  sims.threatq.sim.forgetQueryAnswers();
  const ceiling = await runExportCeiling({
    threatq: { url: sims.threatq.url, caPem: sims.threatq.caPem ?? '', clientId: env.TQ_CLIENT_ID!, email: env.TQ_USERNAME!, password: env.TQ_PASSWORD!, collections: COLLECTIONS, pageSize: PAGE },
    darktrace: { url: sims.darktrace.url, caPem: sims.darktrace.caPem ?? '', publicToken: env.DARKTRACE_PUBLIC_TOKEN!, privateToken: env.DARKTRACE_PRIVATE_TOKEN!, source: SOURCE, description: DESCRIPTION },
    adds,
    expiresAt,
    batchSize: BATCH,
    pushDepth: 2,
    removes,
    removeConcurrency: 8,
  });
  if (ceiling.requests.threatq !== requests.threatq || ceiling.requests.darktrace !== requests.darktrace) {
    process.stderr.write(`export bench: '${s.label}': the ceiling sent TQ ${ceiling.requests.threatq} / DT ${ceiling.requests.darktrace} requests, the connector TQ ${requests.threatq} / DT ${requests.darktrace}\n`);
  }
  return { run, simMs, requests, ceiling, exported: adds.length + removes.length };
}

/** 1% churn: 0.5% of each collection leaves, as many new indicators join. */
function churn(sims: Sims, total: number): void {
  const store = sims.threatq.sim.store;
  for (const name of COLLECTIONS) {
    const members = Array.from(store.tagMembers(store.tagByName(name)!.id)!.view());
    const leaving = members.filter((_, i) => i % 200 === 7);
    store.removeFromCollection(name, leaving);
    const slug = name.toLowerCase().replace(/ /g, '-');
    const ids = leaving.map((_, i) => store.upsertIndicator({ type: 'FQDN', value: `churn-${total}-${i}.${slug}.bench.example`, status: 'Active' }).id);
    store.addToCollection(name, ids);
  }
}

/** "Export took: read collections 4.4 s, …" from the run's log (-v 2), or nothing. */
function phaseLine(run: ConnectorRun): string {
  const line = `${run.stdout}\n${run.stderr}`.split('\n').find((l) => l.includes('export.timings'));
  return line?.match(/Export took: (.*?)(?: phaseMs=|$)/)?.[1]?.replace(/^/, 'took: ') ?? '';
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.startsWith('Export')).at(-1) ?? '';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const workDir = path.join(os.tmpdir(), 'tqdt-bench-export');
  const rows = await exportBench({ quick, workDir, log: (line) => process.stdout.write(`${line}\n`) });
  for (const r of rows) {
    process.stdout.write(
      `\n${r.scenario}\n  wall ${(r.wallMs / 1000).toFixed(2)} s, ceiling ${((r.ceilingMs ?? NaN) / 1000).toFixed(2)} s (${(r.wallMs / (r.ceilingMs ?? NaN)).toFixed(2)}x), ${r.throughput}, peak RSS ${r.peakRssMiB} MiB\n  requests: ThreatQ ${r.requests?.threatq}, Darktrace ${r.requests?.darktrace} (${r.requests?.writesToDarktrace} writes), writes to ThreatQ ${r.requests?.writesToThreatQ}\n  target: ${r.target} -> ${r.met === undefined ? 'n/a' : r.met ? 'met' : 'MISSED'}\n  ${r.notes}\n`,
    );
  }
}
