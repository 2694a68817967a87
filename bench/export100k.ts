/**
 * Export benchmark against the simulators over HTTPS: 100,000 ThreatQ indicators in two
 * collections, exported through the CLI in-process (the e2e harness).
 *
 *   node --import tsx bench/export100k.ts                 # first run, no-change rerun, 1% churn at the default batch size
 *   node --import tsx bench/export100k.ts 500 1000 2000 5000   # first run per addlist batch size
 *   BENCH_INDICATORS=20000 node --import tsx bench/export100k.ts
 *
 * Prints, per run: wall time, requests per side and endpoint, and the run's summary line.
 */
import { startHarness, type Harness } from '../test/e2e/harness.ts';
import { seedThreatQ } from '../src/sim/threatq/seed.ts';

const TOTAL = Number(process.env['BENCH_INDICATORS'] ?? 100_000);
const batchSizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);

interface Measured {
  label: string;
  ms: number;
  requests: Record<string, number>;
  /** Server-side time of the POST /intelfeed requests: sum and slowest. */
  postMs: { sum: number; max: number };
  summary: string;
}

async function scene(batch?: number): Promise<{ h: Harness; close(): Promise<void> }> {
  const cleanups: Array<() => unknown> = [];
  const h = await startHarness(
    { after: (fn) => cleanups.push(fn) },
    { collections: ['Bench A', 'Bench B'], env: batch ? { TQDT_EXPORT_BATCH_SIZE: String(batch) } : {} },
  );
  seedThreatQ(h.sims.threatq.sim, { seed: 5, collections: [{ name: 'Bench A', size: Math.round(TOTAL * 0.6) }, { name: 'Bench B', size: Math.round(TOTAL * 0.4) }] });
  return {
    h,
    close: async () => {
      for (const fn of cleanups) await fn();
    },
  };
}

async function measure(h: Harness, label: string): Promise<Measured> {
  const base = { dt: h.sims.darktrace.requests.length, tq: h.sims.threatq.requests.length };
  const started = performance.now();
  const r = await h.run(['export']);
  const ms = performance.now() - started;
  if (r.code !== 0) throw new Error(`${label}: export exited ${r.code}: ${r.stderr}`);
  const requests: Record<string, number> = {};
  for (const [side, list] of [
    ['darktrace', h.sims.darktrace.requests.slice(base.dt)],
    ['threatq', h.sims.threatq.requests.slice(base.tq)],
  ] as const) {
    for (const e of list) {
      const key = `${side} ${e.method} ${e.path.replace(/\/hash\/[0-9a-f]+/, '/hash/…')}`;
      requests[key] = (requests[key] ?? 0) + 1;
    }
  }
  const posts = h.sims.darktrace.requests.slice(base.dt).filter((e) => e.method === 'POST' && e.path === '/intelfeed');
  const postMs = { sum: posts.reduce((a, e) => a + e.ms, 0), max: posts.reduce((a, e) => Math.max(a, e.ms), 0) };
  return { label, ms, requests, postMs, summary: r.stdout.trim().split('\n').at(-1) ?? '' };
}

function print(m: Measured): void {
  process.stdout.write(`\n${m.label}: ${(m.ms / 1000).toFixed(2)} s (POST /intelfeed server time: ${(m.postMs.sum / 1000).toFixed(2)} s in all, slowest ${m.postMs.max.toFixed(0)} ms)\n  ${m.summary}\n`);
  for (const [k, n] of Object.entries(m.requests).sort()) process.stdout.write(`  ${String(n).padStart(6)}  ${k}\n`);
}

/** 1% churn: 0.5% of each collection leaves, as many new indicators join. */
function churn(h: Harness): void {
  const store = h.sims.threatq.sim.store;
  for (const name of ['Bench A', 'Bench B']) {
    const members = Array.from(store.tagMembers(store.tagByName(name)!.id)!.view());
    const leaving = members.filter((_, i) => i % 200 === 7);
    store.removeFromCollection(name, leaving);
    const ids = leaving.map((_, i) => store.upsertIndicator({ type: 'FQDN', value: `churn-${i}.${name.replace(' ', '-').toLowerCase()}.bench.example`, status: 'Active' }).id);
    store.addToCollection(name, ids);
  }
}

if (batchSizes.length === 0) {
  const { h, close } = await scene();
  try {
    print(await measure(h, `first run (${TOTAL} indicators)`));
    print(await measure(h, 'no-change rerun'));
    churn(h);
    print(await measure(h, '1% churn'));
    process.stdout.write(`\nintel feed under ThreatQ: ${h.sims.darktrace.sim.intelFeedEntries('ThreatQ').length} entries\n`);
  } finally {
    await close();
  }
} else {
  // One warm-up run (JIT, caches), then each batch size BENCH_ROUNDS times, interleaved; medians.
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
  const results = new Map<number, Measured[]>();
  for (let round = 0; round <= rounds; round++) {
    for (const batch of batchSizes) {
      const { h, close } = await scene(batch);
      try {
        const m = await measure(h, `first run, addlist batch ${batch}`);
        if (round > 0) results.set(batch, [...(results.get(batch) ?? []), m]);
      } finally {
        await close();
      }
      if (round === 0) break;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(`\nmedians of ${rounds} rounds, ${TOTAL} indicators:\n  batch  requests  run s  POST s  slowest POST ms\n`);
  for (const [batch, ms] of results) {
    const posts = ms[0]!.requests['darktrace POST /intelfeed'] ?? 0;
    process.stdout.write(
      `  ${String(batch).padStart(5)}  ${String(posts).padStart(8)}  ${(median(ms.map((m) => m.ms)) / 1000).toFixed(2).padStart(5)}  ${(median(ms.map((m) => m.postMs.sum)) / 1000).toFixed(2).padStart(6)}  ${median(ms.map((m) => m.postMs.max)).toFixed(0).padStart(15)}\n`,
    );
  }
}
