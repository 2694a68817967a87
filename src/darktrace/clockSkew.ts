/** Offsets below this are noise: the HTTP `Date` header only has one-second resolution. */
const NOISE_MS = 2_000;

/**
 * Tracks how far Darktrace's clock is from ours, measured from the `Date` header of its answers,
 * so later requests can be dated in the server's time. Darktrace rejects a DTAPI-Date more than
 * 30 minutes away from its own clock.
 */
export class ClockSkew {
  #offsetMs: number | undefined;

  /** Server time minus local time, in ms; undefined until a response carried a usable `Date`. */
  get measuredMs(): number | undefined {
    return this.#offsetMs;
  }

  /** What to add to the local clock before signing (0 until measured, or within the noise). */
  get correctionMs(): number {
    return this.#offsetMs === undefined || Math.abs(this.#offsetMs) < NOISE_MS ? 0 : this.#offsetMs;
  }

  /**
   * Records one measurement. `sentAt` and `receivedAt` are local ms around the exchange; the
   * server's second is taken at its middle (+500 ms because `Date` truncates to the second).
   * Returns the new offset, or undefined when the header is missing or unreadable.
   */
  observe(dateHeader: string | undefined, sentAt: number, receivedAt: number): number | undefined {
    if (!dateHeader) return undefined;
    const server = Date.parse(dateHeader);
    if (!Number.isFinite(server)) return undefined;
    this.#offsetMs = Math.round(server + 500 - (sentAt + receivedAt) / 2);
    return this.#offsetMs;
  }
}

/** "12 minutes ahead of" / "3 minutes behind" Darktrace, for messages (local clock's view). */
export function describeSkew(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  if (minutes === 0) return 'within a minute of';
  // A positive offset means the server is ahead, so this host is behind.
  return `${minutes} minute${minutes === 1 ? '' : 's'} ${offsetMs > 0 ? 'behind' : 'ahead of'}`;
}
