/**
 * Fault injection as data: a test adds rules ("the 2nd GET under /modelbreaches answers 429"),
 * the simulator server consults them before its API handler runs. Only transport-level and
 * generic failures live here; faults that need API state (Darktrace clock offset, ThreatQ token
 * expiry) are options of those simulators.
 */
/** Every kind, in a list so a test matrix can be generated from it. */
export const FAULT_KINDS = [
  'status',
  'reset',
  'hang',
  'slowBody',
  'malformedJson',
  'truncatedJson',
  'htmlLogin',
  'redirect',
  'forbidden',
  'lostResponse',
  'heldResponse',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export type Fault =
  /** Any status; `body` defaults to the reason phrase as text. 429 and 503 carry `Retry-After`. */
  | { kind: 'status'; status: number; body?: string; contentType?: string; retryAfterSeconds?: number }
  /** Destroy the connection without answering. */
  | { kind: 'reset' }
  /** Never answer; the connection is released when the server closes (or the client gives up). */
  | { kind: 'hang' }
  /** Run the real handler but send its body `chunkBytes` at a time, `delayMs` apart. */
  | { kind: 'slowBody'; chunkBytes?: number; delayMs?: number }
  /** 200 with a JSON content type and a body that is not JSON. */
  | { kind: 'malformedJson'; body?: string }
  /** 200 announcing a longer content-length than it sends, then the connection is cut. */
  | { kind: 'truncatedJson'; body?: string }
  /** 200 with Darktrace's HTML login page (what a token without API access gets). */
  | { kind: 'htmlLogin' }
  /** 302 to `location` (default `/login`), Darktrace's answer to no auth / unknown route / `/403`. */
  | { kind: 'redirect'; location?: string }
  /** 403 with the JSON body Darktrace 7.1 sends. */
  | { kind: 'forbidden' }
  /** The real handler runs (its write takes effect) but the answer is lost: the connection is cut. */
  | { kind: 'lostResponse' }
  /** The real handler runs (its write takes effect) and the answer is never sent: a client killed now dies between the server's commit and its own. */
  | { kind: 'heldResponse' };

export interface FaultMatch {
  /** Case-insensitive; any method when absent. */
  method?: string;
  /** A path prefix (query excluded) or a RegExp tested against path + query; any when absent. */
  path?: string | RegExp;
  /** 1-based: the first matching request that may fire (default 1). */
  nth?: number;
  /** How many matching requests fire, from `nth` on (default 1; `Infinity` for all). */
  times?: number;
}

export interface FaultRule {
  match?: FaultMatch;
  fault: Fault;
}

export interface FiredFault {
  method: string;
  path: string;
  kind: FaultKind;
  /** Index of the rule in the order it was added since the last clear(). */
  rule: number;
}

interface ActiveRule {
  index: number;
  rule: FaultRule;
  seen: number;
  fired: number;
}

/**
 * The rule list. Every rule counts every request it matches (so `nth` means "the nth matching
 * request since the rule was added", whatever other rules did to earlier ones); the first rule,
 * in the order added, that is due fires and is consumed once it fired `times` times.
 */
export class FaultRules {
  #rules: ActiveRule[] = [];
  #added = 0;
  #fired: FiredFault[] = [];

  add(rule: FaultRule): void {
    validateRule(rule);
    this.#rules.push({ index: this.#added++, rule, seen: 0, fired: 0 });
  }

  clear(): void {
    this.#rules = [];
    this.#added = 0;
  }

  /** The faults fired so far, oldest first (a copy). */
  fired(): FiredFault[] {
    return [...this.#fired];
  }

  /** How many rules are still waiting to fire. */
  pending(): number {
    return this.#rules.length;
  }

  /** Decides the fault (if any) for one incoming request. */
  take(method: string, pathAndQuery: string): Fault | undefined {
    let chosen: ActiveRule | undefined;
    for (const active of this.#rules) {
      if (!matches(active.rule.match, method, pathAndQuery)) continue;
      active.seen++;
      if (!chosen && active.seen >= (active.rule.match?.nth ?? 1)) chosen = active;
    }
    if (!chosen) return undefined;
    chosen.fired++;
    if (chosen.fired >= (chosen.rule.match?.times ?? 1)) this.#rules = this.#rules.filter((r) => r !== chosen);
    const path = pathAndQuery.split('?')[0]!;
    this.#fired.push({ method, path, kind: chosen.rule.fault.kind, rule: chosen.index });
    return chosen.rule.fault;
  }
}

function validateRule(rule: FaultRule): void {
  if (!FAULT_KINDS.includes(rule.fault.kind)) throw new TypeError(`Unknown fault kind "${String(rule.fault.kind)}"; use one of ${FAULT_KINDS.join(', ')}`);
  const { nth, times } = rule.match ?? {};
  if (nth !== undefined && !(Number.isInteger(nth) && nth >= 1)) throw new TypeError(`Fault rule nth must be an integer >= 1, got ${nth}`);
  if (times !== undefined && !(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new TypeError(`Fault rule times must be an integer >= 1 or Infinity, got ${times}`);
  }
}

function matches(match: FaultMatch | undefined, method: string, pathAndQuery: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return pathAndQuery.split('?')[0]!.startsWith(match.path);
  match.path.lastIndex = 0; // a /g or /y RegExp would otherwise remember the previous test
  return match.path.test(pathAndQuery);
}
