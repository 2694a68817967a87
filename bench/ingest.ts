/**
 * Ingest benchmark: 50,000 model breaches and 5,000 AI Analyst events over 5 days involving
 * 20,000 devices (5,000 + 500 over 2,000 with --quick), ingested from the Darktrace simulator
 * into the ThreatQ simulator over HTTPS by the connector as a real child process — first run, a
 * no-change rerun, and a rerun after 2% of the alerts changed the way Darktrace changes them —
 * each measured against the raw-HTTP ceiling client doing the same requests on the same
 * Darktrace simulator right after it (and on a ThreatQ simulator of its own, so it performs the
 * same writes).
 *
 *   node --import tsx bench/ingest.ts [--quick]
 *
 * The 2% change, all within the two days a rerun re-reads: breaches acknowledged (or
 * unacknowledged), re-scored or commented; AI Analyst events acknowledged or pinned, and
 * incidents merged into others (every event of both incidents changes). The connector must then
 * update exactly those alerts: nothing created, and per alert only what changed (the event when
 * its description changed, each changed attribute).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSims, type Sims } from '../src/sim/startSims.ts';
import { connectorEnvFor } from '../src/sim/connectorEnv.ts';
import { createThreatQSim } from '../src/sim/threatq/index.ts';
import { startSimServer, type SimServer } from '../src/sim/common/startSimServer.ts';
import { Mulberry32 } from '../src/sim/darktrace/seed/prng.ts';
import { cpuText, runConnector, type ConnectorRun } from './lib/connectorProcess.ts';
import { cpuProfileEnv } from './lib/cpuProfileEnv.ts';
import type { Bench, BenchOptions, BenchRow } from './lib/types.ts';
import { newCeilingState, runIngestCeiling, type IngestCeilingResult, type IngestCeilingState } from './ceiling/ingestCeiling.ts';

const MB_LIMIT = 256;
const DAY = 86_400_000;
const BATCH = 500;
/** Changes stay this recent, well inside the two days a rerun re-reads. */
const CHANGE_WITHIN_MS = 1.75 * DAY;

interface Size {
  breaches: number;
  aiEvents: number;
  devices: number;
}

interface Counts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  failed: number;
  devices: number;
  indicators: number;
  assets: number;
}

interface Measured {
  run: ConnectorRun;
  counts: Counts;
  requests: NonNullable<BenchRow['requests']>;
  byRoute: Record<string, number>;
  /** Simulator time per route. */
  routeMs: Record<string, number>;
  /** Time the simulators spent answering the connector (arrival to answer finished, summed). */
  simMs: { darktrace: number; threatq: number };
  ceiling: IngestCeilingResult;
}

interface Change {
  /** Alerts whose content changed, as `kind:id`. */
  alerts: Set<string>;
  /** What was done, for the notes. */
  summary: string;
}

export const ingestBench: Bench = async (options: BenchOptions): Promise<BenchRow[]> => {
  const size: Size = options.quick ? { breaches: 5_000, aiEvents: 500, devices: 2_000 } : { breaches: 50_000, aiEvents: 5_000, devices: 20_000 };
  const total = size.breaches + size.aiEvents;
  const seedStarted = performance.now();
  const sims = await startSims({ tls: true, seed: 7, darktrace: { seedCounts: { ...size, days: 5 } } });
  const ceilingThreatQ = createThreatQSim();
  let ceilingServer: SimServer | undefined;
  const dir = path.join(options.workDir, 'ingest');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rows: BenchRow[] = [];
  try {
    ceilingServer = await startSimServer(ceilingThreatQ.handler, { name: 'threatq-ceiling', tls: true });
    options.log(
      `ingest: seeded ${size.breaches.toLocaleString('en')} breaches, ${size.aiEvents.toLocaleString('en')} AI Analyst events, ${size.devices.toLocaleString('en')} devices over 5 days in ${Math.round(performance.now() - seedStarted)} ms`,
    );
    const env: Record<string, string> = { ...connectorEnvFor(sims, dir, ['Export to Darktrace']), HOME: dir, ...cpuProfileEnv() };
    // BENCH_INGEST_SCENARIOS=1 runs only the first run (profiling one scenario at a time).
    const only = Number(process.env['BENCH_INGEST_SCENARIOS'] ?? 3);
    const ceilingState = newCeilingState();
    const scale = `${size.breaches.toLocaleString('en')} breaches + ${size.aiEvents.toLocaleString('en')} AI Analyst events, ${size.devices.toLocaleString('en')} devices, 5 days`;

    // -hist 6: the seeded 5 days end at seeding time, and a -hist 5 window starting a few seconds later would miss the oldest.
    const first = await measure(sims, ceilingServer, env, dir, ['ingest', '-hist', '6'], ceilingState, 'first run');
    const firstOk = first.counts.created + first.counts.quarantined === first.counts.fetched && first.counts.failed === 0;
    rows.push(
      row(`first run (${scale}; -hist 6)`, first, total, '≤1.5x ceiling, ≤256 MiB', first.run.ms <= 1.5 * first.ceiling.ms && first.run.peakRssMiB <= MB_LIMIT && firstOk, options),
    );

    if (only < 2) return rows;
    const rerun = await measure(sims, ceilingServer, env, dir, ['ingest'], ceilingState, 'no-change rerun');
    rows.push(
      row('no-change rerun (re-reads the last 2 days)', rerun, rerun.counts.fetched, '0 writes to ThreatQ, ≤256 MiB', rerun.requests.writesToThreatQ === 0 && rerun.run.peakRssMiB <= MB_LIMIT, options),
    );

    if (only < 3) return rows;
    const change = changeAlerts(sims, Math.round(total * 0.02), size);
    options.log(`ingest: changed ${change.alerts.size} alerts in Darktrace: ${change.summary}`);
    const changed = await measure(sims, ceilingServer, env, dir, ['ingest'], ceilingState, 'rerun after 2% changed');
    const check = checkChanges(sims, changed, change);
    const r = row(
      `rerun after 2% changed (${change.alerts.size.toLocaleString('en')} alerts: ${change.summary})`,
      changed,
      changed.counts.fetched,
      'updates exactly the changed alerts, ≤256 MiB',
      check.ok && changed.run.peakRssMiB <= MB_LIMIT,
      options,
    );
    r.notes = `${check.text}; ${r.notes}`;
    rows.push(r);
    return rows;
  } finally {
    await ceilingServer?.close();
    await sims.close();
  }
};

async function measure(
  sims: Sims,
  ceilingServer: SimServer,
  env: Record<string, string>,
  dir: string,
  args: string[],
  ceilingState: IngestCeilingState,
  label: string,
): Promise<Measured> {
  const from = { dt: sims.darktrace.requests.length, tq: sims.threatq.requests.length };
  const reportFile = path.join(dir, 'report.json');
  rmSync(reportFile, { force: true });
  const run = await runConnector([...args, '-c', dir, '--report', reportFile], env, dir);
  if (run.code !== 0) throw new Error(`ingest bench: '${label}' exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { counts: { ingest: Counts } };
  const dt = sims.darktrace.requests.slice(from.dt);
  const tq = sims.threatq.requests.slice(from.tq);
  const requests = {
    darktrace: dt.length,
    threatq: tq.length,
    writesToDarktrace: dt.filter((r) => r.method !== 'GET').length,
    writesToThreatQ: tq.filter((r) => r.method !== 'GET' && r.path !== '/api/token').length,
  };
  const byRoute: Record<string, number> = {};
  const routeMs: Record<string, number> = {};
  const simMs = { darktrace: dt.reduce((a, r) => a + r.ms, 0), threatq: tq.reduce((a, r) => a + r.ms, 0) };
  for (const [side, list] of [
    ['DT', dt],
    ['TQ', tq],
  ] as const) {
    for (const r of list) {
      const key = `${side} ${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
      byRoute[key] = (byRoute[key] ?? 0) + 1;
      routeMs[key] = (routeMs[key] ?? 0) + r.ms;
    }
  }
  const store = sims.threatq.sim.store;
  const ceiling = await runIngestCeiling({
    darktrace: { url: sims.darktrace.url, caPem: sims.darktrace.caPem ?? '', publicToken: env.DARKTRACE_PUBLIC_TOKEN!, privateToken: env.DARKTRACE_PRIVATE_TOKEN!, gets: dt.filter((r) => r.method === 'GET') },
    threatq: { url: ceilingServer.url, caPem: ceilingServer.caPem ?? '', clientId: env.TQ_CLIENT_ID!, email: env.TQ_USERNAME!, password: env.TQ_PASSWORD!, log: tq },
    connectorEvent: (id) => {
      const m = /\[(?:pbid )?([^\]]+)\]$/.exec(store.event(id)?.title ?? '');
      if (!m) return undefined;
      return `${store.event(id)!.title.startsWith('Model Breach') ? 'model_breach' : 'ai_analyst'}:${m[1]}`;
    },
    connectorAttribute: (eventId, attributeId) => store.attribute('event', eventId, attributeId)?.name,
    batchSize: BATCH,
    state: ceilingState,
  });
  if (ceiling.requests.threatq !== requests.threatq || ceiling.requests.darktrace !== requests.darktrace || ceiling.requests.writesToThreatQ !== requests.writesToThreatQ) {
    process.stderr.write(
      `ingest bench: '${label}': the ceiling sent TQ ${ceiling.requests.threatq} (${ceiling.requests.writesToThreatQ} writes) / DT ${ceiling.requests.darktrace}, the connector TQ ${requests.threatq} (${requests.writesToThreatQ} writes) / DT ${requests.darktrace}\n`,
    );
  }
  return { run, counts: report.counts.ingest, requests, byRoute, routeMs, simMs, ceiling };
}

function row(scenario: string, m: Measured, alerts: number, target: string, met: boolean, options: BenchOptions): BenchRow {
  const ratio = m.run.ms / m.ceiling.ms;
  const c = m.counts;
  const routes = Object.entries(m.byRoute)
    .sort()
    .map(([k, n]) => `${k} ${n} (${Math.round(m.routeMs[k] ?? 0)} ms)`)
    .join(', ');
  const out: BenchRow = {
    group: 'ingest',
    scenario,
    wallMs: Math.round(m.run.ms),
    throughput: `${Math.round((alerts / m.run.ms) * 1000).toLocaleString('en')} alerts/s`,
    peakRssMiB: Math.round(m.run.peakRssMiB * 10) / 10,
    requests: m.requests,
    ceilingMs: Math.round(m.ceiling.ms),
    target,
    met,
    notes: `ratio to ceiling ${ratio.toFixed(2)}x; connector CPU ${cpuText(m.run)}; simulators busy DT ${(m.simMs.darktrace / 1000).toFixed(2)} s, TQ ${(m.simMs.threatq / 1000).toFixed(2)} s; fetched ${c.fetched}, created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, quarantined ${c.quarantined}, failed ${c.failed}, devices ${c.devices} (${c.indicators} indicators, ${c.assets} assets); requests: ${routes}`,
  };
  options.log(
    `ingest: ${scenario}: ${(m.run.ms / 1000).toFixed(2)} s (ceiling ${(m.ceiling.ms / 1000).toFixed(2)} s, ${ratio.toFixed(2)}x), peak RSS ${m.run.peakRssMiB.toFixed(1)} MiB, CPU ${cpuText(m.run)}, requests TQ ${m.requests.threatq} (${m.requests.writesToThreatQ} writes) DT ${m.requests.darktrace}; simulators busy DT ${(m.simMs.darktrace / 1000).toFixed(2)} s, TQ ${(m.simMs.threatq / 1000).toFixed(2)} s`,
  );
  return out;
}

/**
 * Changes `count` alerts (in proportion breaches : AI Analyst events) the way Darktrace does,
 * all created within CHANGE_WITHIN_MS: breaches acknowledged/unacknowledged, re-scored or
 * commented; AI Analyst events acknowledged or pinned, and a fifth of their share by merging
 * whole incidents (all events of both incidents change).
 */
function changeAlerts(sims: Sims, count: number, size: Size): Change {
  const store = sims.darktrace.sim.store;
  const rng = new Mulberry32(2026);
  const since = Date.now() - CHANGE_WITHIN_MS;
  const alerts = new Set<string>();
  const breachShare = Math.round((count * size.breaches) / (size.breaches + size.aiEvents));
  const tally = { ack: 0, unack: 0, score: 0, comment: 0, aiAck: 0, aiPin: 0, merges: 0, merged: 0 };

  const breaches = [...store.breaches.values()].filter((b) => b.creationTime >= since && b.did !== -1 && b.acknowledgedStyle !== 'absent');
  shuffle(rng, breaches);
  for (const b of breaches.slice(0, breachShare)) {
    const what = rng.int(3);
    if (what === 0) {
      if (b.acknowledged) {
        store.unacknowledgeBreach(b.pbid);
        tally.unack++;
      } else {
        store.acknowledgeBreach(b.pbid, 'soc.lead');
        tally.ack++;
      }
    } else if (what === 1) {
      const next = Math.round((b.score >= 0.5 ? b.score - 0.2 : b.score + 0.2) * 1000) / 1000;
      store.setBreachScore(b.pbid, next);
      tally.score++;
    } else {
      store.addBreachComment(b.pbid, 'Escalated to the incident team', 'soc.lead');
      tally.comment++;
    }
    alerts.add(`model_breach:${b.pbid}`);
  }

  const aiShare = count - breachShare;
  const recent = (id: string) => (store.events.get(id)?.createdAt ?? 0) >= since;
  const groups = [...store.groups.values()].filter((g) => g.eventIds.length > 0 && g.eventIds.every(recent));
  shuffle(rng, groups);
  const mergeBudget = Math.round(aiShare / 5);
  while (groups.length >= 2) {
    const from = groups[groups.length - 1]!;
    const into = groups[groups.length - 2]!;
    const affected = from.eventIds.length + into.eventIds.length;
    if (tally.merged + affected > mergeBudget) break;
    groups.length -= 2;
    for (const id of [...from.eventIds, ...into.eventIds]) alerts.add(`ai_analyst:${id}`);
    store.mergeIncident(from.id, into.id);
    tally.merges++;
    tally.merged += affected;
  }
  const events = [...store.events.values()].filter((e) => e.createdAt >= since && !alerts.has(`ai_analyst:${e.id}`));
  shuffle(rng, events);
  for (const e of events.slice(0, aiShare - tally.merged)) {
    if (rng.chance(0.5)) {
      store.acknowledgeEvents([e.id], !e.acknowledged);
      tally.aiAck++;
    } else {
      store.pinEvents([e.id], !e.pinned);
      tally.aiPin++;
    }
    alerts.add(`ai_analyst:${e.id}`);
  }
  const summary = `${tally.ack} breaches acknowledged, ${tally.unack} unacknowledged, ${tally.score} re-scored, ${tally.comment} commented; ${tally.aiAck} AI Analyst events (un)acknowledged, ${tally.aiPin} (un)pinned, ${tally.merges} incident merges changing ${tally.merged} events`;
  return { alerts, summary };
}

/** The connector updated exactly the changed alerts, created nothing, and ThreatQ now shows the new values. */
function checkChanges(sims: Sims, m: Measured, change: Change): { ok: boolean; text: string } {
  const problems: string[] = [];
  if (m.counts.updated !== change.alerts.size) problems.push(`updated ${m.counts.updated}, expected ${change.alerts.size}`);
  if (m.counts.created !== 0) problems.push(`created ${m.counts.created}`);
  if (m.counts.failed !== 0) problems.push(`failed ${m.counts.failed}`);
  const dt = sims.darktrace.sim.store;
  const tq = sims.threatq.sim.store;
  const attr = (title: string, name: string) => {
    const [e] = tq.eventsWithTitle(title);
    return e ? tq.attributes('event', e.id).find((a) => a.name === name)?.value : undefined;
  };
  const titles = new Map<string, string>();
  for (const e of tq.events) {
    const m2 = /\[(?:pbid )?([^\]]+)\]$/.exec(e.title);
    if (m2) titles.set(m2[1]!, e.title);
  }
  let stale = 0;
  for (const key of change.alerts) {
    const [kind, id] = key.split(':') as [string, string];
    const title = titles.get(id);
    if (!title) {
      stale++;
      continue;
    }
    if (kind === 'model_breach') {
      const b = dt.breach(Number(id));
      const want = [
        ['Darktrace Acknowledged', b.acknowledged ? 'Yes' : 'No'],
        ['Darktrace Score', String(Math.round(b.score * 1000) / 10)],
        ['Darktrace Comment Count', String(b.comments.length)],
      ];
      if (want.some(([n, v]) => attr(title, n!) !== v)) stale++;
    } else {
      const e = dt.event(id);
      const want = [
        ['Darktrace Acknowledged', e.acknowledged ? 'Yes' : 'No'],
        ['Darktrace Pinned', e.pinned ? 'Yes' : 'No'],
        ['Darktrace AI Analyst Incident', e.currentGroup],
      ];
      if (want.some(([n, v]) => attr(title, n!) !== v)) stale++;
    }
  }
  if (stale > 0) problems.push(`${stale} changed alerts not reflected in ThreatQ`);
  const eventWrites = m.byRoute['TQ POST /api/events/consume'] ?? 0;
  if (eventWrites > 0) problems.push(`${eventWrites} event consume calls`);
  const text = problems.length === 0 ? `all ${change.alerts.size} changed alerts updated in ThreatQ, nothing created` : `MISMATCH: ${problems.join('; ')}`;
  return { ok: problems.length === 0, text };
}

function shuffle<T>(rng: Mulberry32, list: T[]): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const workDir = path.join(os.tmpdir(), 'tqdt-bench-ingest');
  const rows = await ingestBench({ quick, workDir, log: (line) => process.stdout.write(`${line}\n`) });
  for (const r of rows) {
    process.stdout.write(
      `\n${r.scenario}\n  wall ${(r.wallMs / 1000).toFixed(2)} s, ceiling ${((r.ceilingMs ?? NaN) / 1000).toFixed(2)} s (${(r.wallMs / (r.ceilingMs ?? NaN)).toFixed(2)}x), ${r.throughput}, peak RSS ${r.peakRssMiB} MiB\n  requests: ThreatQ ${r.requests?.threatq} (${r.requests?.writesToThreatQ} writes), Darktrace ${r.requests?.darktrace}\n  target: ${r.target} -> ${r.met === undefined ? 'n/a' : r.met ? 'met' : 'MISSED'}\n  ${r.notes}\n`,
    );
  }
}
