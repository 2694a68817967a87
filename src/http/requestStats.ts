/** What one operation (e.g. "darktrace.modelbreaches") cost during a run. */
export interface OperationStats {
  /** Calls made by a client (`send` or `stream`), however many attempts each took. */
  calls: number;
  /** Attempts put on the wire, retries included. */
  requests: number;
  /** Attempts that were repeats of an earlier one. */
  retries: number;
  /** Calls that ended in an error or, after any retries, a status of 400 or more. */
  failures: number;
  /** Response body bytes received (streamed bodies as they are read). */
  bytesIn: number;
  /** Request body bytes sent, once per attempt. */
  bytesOut: number;
  /** Time spent on the wire, summed over attempts; waits between retries are not included. */
  totalMs: number;
}

export type RequestStatsSnapshot = Record<string, OperationStats>;

function empty(): OperationStats {
  return { calls: 0, requests: 0, retries: 0, failures: 0, bytesIn: 0, bytesOut: 0, totalMs: 0 };
}

/**
 * Per-operation request counts for the run summary. One instance is shared by every transport
 * of a run; the transports add to it and the run reads `snapshot()` at the end.
 */
export class RequestStats {
  readonly #byOperation = new Map<string, OperationStats>();

  add(operation: string, delta: Partial<OperationStats>): void {
    let entry = this.#byOperation.get(operation);
    if (entry === undefined) {
      entry = empty();
      this.#byOperation.set(operation, entry);
    }
    for (const key of Object.keys(delta) as (keyof OperationStats)[]) {
      entry[key] += delta[key] ?? 0;
    }
  }

  /** A copy, sorted by operation name, safe to keep after further requests. */
  snapshot(): RequestStatsSnapshot {
    const out: RequestStatsSnapshot = {};
    for (const name of [...this.#byOperation.keys()].sort()) {
      const s = this.#byOperation.get(name) as OperationStats;
      out[name] = { ...s, totalMs: Math.round(s.totalMs) };
    }
    return out;
  }

  /** Sum over every operation. */
  total(): OperationStats {
    const sum = empty();
    for (const s of this.#byOperation.values()) {
      for (const key of Object.keys(sum) as (keyof OperationStats)[]) sum[key] += s[key];
    }
    sum.totalMs = Math.round(sum.totalMs);
    return sum;
  }
}
