/**
 * Shared pieces of the ingest end-to-end tests: a canonical view of what ThreatQ holds (ids
 * left out, so two runs can be compared), the exactly-once / truthful-ledger checks, and the
 * kill runner that runs the connector as a real child process and SIGKILLs it at a chosen
 * request.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Harness } from './harness.ts';
import type { Sims } from '../../src/sim/startSims.ts';
import type { FaultKind } from '../../src/sim/common/faults.ts';
import { tally } from '../reliability/tally.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BREACH_ID = 'Darktrace Breach ID';
export const AIA_ID = 'Darktrace AI Analyst Event ID';

/** Everything ThreatQ holds, keyed by values rather than ids, sorted: equal snapshots mean equal outcomes. */
export interface TqSnapshot {
  events: Array<{ title: string; type: string; happenedAt: string; description: string | null; sources: string[]; attributes: string[]; indicators: string[]; assets: string[] }>;
  indicators: Array<{ key: string; status: string; sources: string[]; events: string[] }>;
  assets: Array<{ value: string; sources: string[]; indicators: string[]; events: string[] }>;
}

export function tqSnapshot(sims: Sims): TqSnapshot {
  const store = sims.threatq.sim.store;
  // Links back to Darktrace name the simulator's ephemeral port: compare them without it.
  const dt = sims.darktrace.url;
  const local = (s: string) => s.split(dt).join('https://darktrace.sim');
  const eventTitle = (id: number) => store.event(id)?.title ?? `?event ${id}`;
  const indicatorKey = (id: number) => {
    const v = store.indicatorView(id);
    return v ? `${v.typeName}:${v.value}` : `?indicator ${id}`;
  };
  const events = store
    .listEvents()
    .map((e) => ({
      title: e.title,
      type: e.typeName,
      happenedAt: e.happenedAt,
      description: e.description === null ? null : local(e.description),
      sources: [...e.sources].sort(),
      attributes: e.attributes.map((a) => local(`${a.name}=${a.value}`)).sort(),
      indicators: e.indicators.map((i) => `${i.typeName}:${i.value}`).sort(),
      assets: e.assets.map((a) => a.value).sort(),
    }))
    .sort((a, b) => cmp(a.title, b.title));
  const indicators = store
    .listIndicators()
    .map((v) => ({
      key: `${v.typeName}:${v.value}`,
      status: v.statusName,
      sources: [...v.sources].sort(),
      events: store.relationsOf('indicator', v.id).filter((r) => r.kind === 'event').map((r) => eventTitle(r.id)).sort(),
    }))
    .sort((a, b) => cmp(a.key, b.key));
  const assets = store
    .listAssets()
    .map((a) => ({
      value: a.value,
      sources: [...a.sources].sort(),
      indicators: store.relationsOf('asset', a.id).filter((r) => r.kind === 'indicator').map((r) => indicatorKey(r.id)).sort(),
      events: store.relationsOf('asset', a.id).filter((r) => r.kind === 'event').map((r) => eventTitle(r.id)).sort(),
    }))
    .sort((a, b) => cmp(a.value, b.value));
  return { events, indicators, assets };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The Darktrace id an event carries, as `model_breach:<pbid>` or `ai_analyst:<uuid>`. */
export function alertKeyOf(attributes: Array<{ name: string; value: string }>): string | undefined {
  const b = attributes.find((a) => a.name === BREACH_ID);
  if (b) return `model_breach:${b.value}`;
  const e = attributes.find((a) => a.name === AIA_ID);
  return e ? `ai_analyst:${e.value}` : undefined;
}

export interface LedgerRow {
  kind: string;
  darktrace_id: string;
  state: string;
  title: string;
  threatq_event_id: number | null;
}

export function ledgerRows(h: Harness): LedgerRow[] {
  const db = h.db();
  try {
    return db.sqlite.prepare('SELECT kind, darktrace_id, state, title, threatq_event_id FROM alert_ledger ORDER BY kind, darktrace_id').all() as LedgerRow[];
  } finally {
    db.close();
  }
}

/**
 * Exactly once and truthful: every alert in `expected` (kind:id → title) has exactly one event
 * in ThreatQ, found by title and by its Darktrace id attribute; there are no other events; every
 * ledger row is 'synced' and names the event ThreatQ really has for that alert.
 */
export function assertExactlyOnce(h: Harness, expected: Map<string, string>, note = ''): void {
  const store = h.sims.threatq.sim.store;
  const all = store.listEvents();
  assert.equal(all.length, expected.size, `${note}one ThreatQ event per Darktrace alert (${all.length} events for ${expected.size} alerts)`);
  const eventByAlert = new Map<string, number>();
  for (const e of all) {
    const key = alertKeyOf(e.attributes);
    assert.ok(key, `${note}event ${e.id} '${e.title}' carries its Darktrace id`);
    assert.ok(!eventByAlert.has(key), `${note}two events for ${key}`);
    eventByAlert.set(key, e.id);
  }
  for (const [key, title] of expected) {
    assert.equal(store.countEventsByTitle(title), 1, `${note}exactly one event titled '${title}'`);
    const [kind, id] = splitKey(key);
    assert.equal(store.countEventsByAttribute(kind === 'model_breach' ? BREACH_ID : AIA_ID, id), 1, `${note}exactly one event for ${key}`);
  }
  const rows = ledgerRows(h);
  assert.equal(rows.length, expected.size, `${note}one ledger row per alert`);
  for (const r of rows) {
    const key = `${r.kind}:${r.darktrace_id}`;
    assert.equal(r.state, 'synced', `${note}ledger row ${key} is synced`);
    assert.equal(r.threatq_event_id, eventByAlert.get(key), `${note}ledger row ${key} names the event ThreatQ has for it`);
    assert.equal(r.title, expected.get(key), `${note}ledger title of ${key}`);
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** kind:id → title of every event in ThreatQ (from a reference run). */
export function alertsIn(sims: Sims): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of sims.threatq.sim.store.listEvents()) {
    const key = alertKeyOf(e.attributes);
    if (key) out.set(key, e.title);
  }
  return out;
}

/** Requests that change ThreatQ (POST/PUT/PATCH/DELETE) since `from` in the request log, the token excepted. */
export function tqWrites(sims: Sims, from = 0): string[] {
  return sims.threatq.requests
    .slice(from)
    .filter((r) => r.method !== 'GET' && r.path !== '/api/token')
    .map((r) => `${r.method} ${r.path}`);
}

// ---- the kill runner ----

export interface KillPoint {
  /** Which simulator's request is the kill point. */
  side: 'threatq' | 'darktrace';
  /** 1-based: the k-th request of the child's run on that side. */
  k: number;
  /** heldResponse: the request takes effect and the answer never comes; hang: it never takes effect. */
  kind: Extract<FaultKind, 'heldResponse' | 'hang'>;
  /** Only requests with this method count (e.g. POST). */
  method?: string;
  /** Only requests under this path count (e.g. /api/events/consume). */
  path?: string;
}

export interface ChildOutcome {
  /** True when the child was killed at the kill point; false when it ended on its own first. */
  killed: boolean;
  code: number | null;
  /** The request the kill happened at, e.g. `POST /api/events/consume`. */
  at?: string;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tq-conn-darktrace <args> -c <dir>` as a child process with the harness environment,
 * arms `point` as a fault rule and SIGKILLs the child once it fired (for heldResponse: once
 * the simulator has applied the request). Waits for the child to be gone before returning,
 * so the next run does not see a live lock holder.
 */
export async function runChildKilledAt(h: Harness, args: string[], point: KillPoint, extraEnv: Record<string, string> = {}): Promise<ChildOutcome> {
  const server = point.side === 'threatq' ? h.sims.threatq : h.sims.darktrace;
  server.faults.clear();
  const logFrom = server.requests.length;
  server.faults.add({ match: { nth: point.k, ...(point.method ? { method: point.method } : {}), ...(point.path ? { path: point.path } : {}) }, fault: { kind: point.kind } });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args, '-c', h.dir], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: h.dir, ...h.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  let at: string | undefined;
  let killed = false;
  const deadline = Date.now() + 60_000;
  while (!done && Date.now() < deadline) {
    const hit = server.requests.slice(logFrom).find((r) => r.fault === point.kind);
    if (hit) {
      // heldResponse: wait until the simulator has applied the write (a few ms), then kill.
      const until = Date.now() + 3_000;
      while (point.kind === 'heldResponse' && !hit.swallowed && Date.now() < until && !done) await sleep(5);
      at = `${hit.method} ${hit.path}`;
      killed = !done && child.kill('SIGKILL');
      break;
    }
    await sleep(5);
  }
  if (!done && !killed) child.kill('SIGKILL'); // deadline: never leave a child behind
  const code = await exited;
  server.faults.clear();
  if (killed) tally('fixed-point kill tests', { runs: 1, killsSurvived: 1, faultsInjected: 1 });
  return { killed, code, at, stdout, stderr };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Evenly spread whole numbers from 1 to n (all of them when n <= count). */
export function spread(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i + 1);
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(1 + Math.round((i * (n - 1)) / (count - 1)));
  return [...out];
}

// ---- the kill scene: a small seeded dataset, several consume batches per kind ----

/** Items per ThreatQ consume call in the kill scenes: small, so every kind takes several batches. */
export const KILL_BATCH = '6';
export const KILL_ARGS = ['ingest', '-hist', '1', '-v', '1'];

/**
 * 40 breaches + 8 AI Analyst events over 20 devices, all within the last 5 hours of `now`: so
 * they all fall in the newest 6-hour slice of a run's window whenever the run starts, and every
 * run makes the same requests in the same order (kill point k means the same thing each time).
 */
export function killSceneOptions(now: number) {
  return {
    darktrace: { seedCounts: { breaches: 40, aiEvents: 8, devices: 20, days: 0.2, now } },
    env: { TQDT_INGEST_BATCH_SIZE: KILL_BATCH },
  };
}

/**
 * Changes in Darktrace after a first run, the same every time for the same seeded scene:
 * acknowledgements, score changes, comments, an AI Analyst incident merge, and new breaches on
 * known devices (one of them on a device no earlier alert had).
 */
export function changeScene(sims: Sims, now: number): { changed: number[]; added: number[] } {
  const sim = sims.darktrace.sim;
  const store = sim.store;
  const pbids = [...store.breaches.keys()].sort((a, b) => a - b);
  const changed = [pbids[1]!, pbids[4]!, pbids[10]!, pbids[17]!, pbids[22]!, pbids[30]!];
  sim.acknowledgeBreach(changed[0]!, 'soc.lead');
  sim.acknowledgeBreach(changed[1]!, 'soc.lead');
  sim.setBreachScore(changed[2]!, 0.99);
  sim.setBreachScore(changed[3]!, 0.11);
  sim.addBreachComment(changed[4]!, 'Escalated to IR <b>now</b>');
  sim.addBreachComment(changed[5]!, 'False positive');
  const groups = [...store.groups.keys()].sort();
  sim.mergeIncident(groups[0]!, groups[1]!);
  const dids = [...store.devices.keys()].filter((d) => d > 0).sort((a, b) => a - b);
  const added = [0, 1, 2].map((i) => sim.addBreach({ did: dids[i * 5]!, time: now - (3 + i) * 3_600_000, creationTime: now - (3 + i) * 3_600_000 + 4_000, score: 0.7 }).pbid);
  return { changed, added };
}
