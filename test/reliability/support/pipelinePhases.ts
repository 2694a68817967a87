/**
 * The phases of a pipeline run, read off a recorded fault-free run rather than listed by hand:
 * every request the simulators logged, matched to the connector's own debug log line for it
 * (which names the client operation and whether the transport may repeat the request), grouped
 * by side + method + normalised route + operation. Each group gives its first request and, when
 * it has several, its last as injection targets — so a new endpoint becomes a phase by itself.
 */
import { readFileSync } from 'node:fs';
import type { FaultMatch } from '../../../src/sim/common/faults.ts';
import type { RequestLogEntry } from '../../../src/sim/common/startSimServer.ts';

export type Side = 'darktrace' | 'threatq';

export interface Phase {
  side: Side;
  method: string;
  /** The path with ids, hashes and uuids replaced by placeholders, e.g. `/api/events/{id}`. */
  route: string;
  /** The client's name for the request, e.g. `threatq.events.consume`. */
  operation: string;
  /** Whether the transport may repeat it after a failure that may have reached the server. */
  idempotent: boolean;
  /** Which of the operation's requests in the run this is. */
  position: 'only' | 'first' | 'last';
  /** Requests of this operation in the reference run. */
  count: number;
  /** The fault rule match: this method and route, the nth such request of the run. */
  match: FaultMatch & { method: string; path: RegExp; nth: number };
  /** e.g. `threatq POST /api/events/consume (threatq.events.consume, last of 8)` */
  label: string;
}

interface DebugLine {
  event: string;
  transport?: string;
  operation?: string;
  method?: string;
  url?: string;
  attempt?: number;
  idempotent?: boolean;
}

const PLACEHOLDERS: Array<[RegExp, string]> = [
  [/^\d+$/, '{id}'],
  [/^[0-9a-f]{32}$/i, '{hash}'],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, '{uuid}'],
];

export function normaliseRoute(path: string): string {
  return path
    .split('/')
    .map((segment) => PLACEHOLDERS.find(([re]) => re.test(segment))?.[1] ?? segment)
    .join('/');
}

/** A RegExp for path + query that matches exactly the paths of `route`. */
export function routePattern(route: string): RegExp {
  const body = route
    .split('/')
    .map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/?]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}(?:\\?|$)`);
}

/**
 * Phases of one run: `requests` are the simulators' log entries of that run (per side, in
 * arrival order), `logFile` the connector's JSON-lines log at verbosity 3 of the same run.
 *
 * @throws Error when a simulator request has no matching debug line (the two records disagree)
 */
export function phasesOf(requests: Record<Side, RequestLogEntry[]>, logFile: string): Phase[] {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as DebugLine)
    .filter((l) => l.event === 'http.request');
  const used = new Set<DebugLine>();
  const phases: Phase[] = [];
  for (const side of ['darktrace', 'threatq'] as const) {
    // One entry per request: its route, its operation, and its place among the route's requests.
    const seq: Array<{ method: string; route: string; operation: string; idempotent: boolean; nthOfRoute: number }> = [];
    const perRoute = new Map<string, number>();
    for (const r of requests[side]) {
      const line = lines.find((l) => !used.has(l) && l.transport === side && l.method === r.method && l.url !== undefined && new URL(l.url).pathname === r.path);
      if (!line || line.operation === undefined || line.idempotent === undefined) {
        throw new Error(`The connector's debug log has no line for ${side} ${r.method} ${r.path} (does the transport still log operation and idempotent?)`);
      }
      used.add(line);
      const route = normaliseRoute(r.path);
      const routeKey = `${r.method} ${route}`;
      const nthOfRoute = (perRoute.get(routeKey) ?? 0) + 1;
      perRoute.set(routeKey, nthOfRoute);
      seq.push({ method: r.method, route, operation: line.operation, idempotent: line.idempotent, nthOfRoute });
    }
    const groups = new Map<string, typeof seq>();
    for (const s of seq) {
      const key = `${s.method} ${s.route} ${s.operation}`;
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const group of groups.values()) {
      const picks: Array<[Phase['position'], (typeof seq)[number]]> = group.length === 1 ? [['only', group[0]!]] : [['first', group[0]!], ['last', group.at(-1)!]];
      for (const [position, s] of picks) {
        phases.push({
          side,
          method: s.method,
          route: s.route,
          operation: s.operation,
          idempotent: s.idempotent,
          position,
          count: group.length,
          match: { method: s.method, path: routePattern(s.route), nth: s.nthOfRoute },
          label: `${side} ${s.method} ${s.route} (${s.operation}${position === 'only' ? '' : `, ${position} of ${group.length}`})`,
        });
      }
    }
  }
  return phases;
}
