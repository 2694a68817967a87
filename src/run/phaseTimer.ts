import type { Clock } from '../clock.ts';

export interface PhaseTimes {
  /** Milliseconds per phase, in the order the phases ended. */
  ms: Record<string, number>;
  /** e.g. "read collections 5.7 s, build desired set 0.9 s". */
  text: string;
}

/**
 * Where a run's time went, phase by phase: `end(name)` closes the phase that began at the
 * previous `end` (or at creation). A phase ended twice adds up.
 */
export class PhaseTimer {
  readonly #clock: Clock;
  readonly #ms = new Map<string, number>();
  #since: number;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#since = clock.now();
  }

  end(phase: string): void {
    const now = this.#clock.now();
    this.#ms.set(phase, (this.#ms.get(phase) ?? 0) + (now - this.#since));
    this.#since = now;
  }

  times(): PhaseTimes {
    const ms = Object.fromEntries(this.#ms);
    const text = [...this.#ms].map(([phase, n]) => `${phase} ${n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`}`).join(', ');
    return { ms, text };
  }
}
