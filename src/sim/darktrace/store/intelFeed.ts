/**
 * The Watched Domains list behind `/intelfeed`: per-source sets (one entry may sit in several
 * sources, each membership with its own description and expiry), emptied sources that linger
 * in `sources=true`, and entries that vanish by themselves once the clock reaches their expiry.
 *
 * Built for a million entries: all entries of one add share one frozen details object, and lapse
 * checks look at a heap of distinct expiry times, not at every entry.
 */
import type { IntelFeedAddOptions, IntelFeedChange, IntelFeedEntryView } from '../types.ts';
import { ExpiryHeap } from './expiryHeap.ts';

/** Shared by every entry of one add; replaced, never mutated. */
export interface Membership {
  readonly description: string;
  readonly expiry: number | null;
  readonly strength: number;
  readonly iagn: boolean;
  readonly hostname: boolean;
}

export class IntelFeed {
  readonly #sources = new Map<string, Map<string, Membership>>();
  /** Distinct expiry times, each with the (source, name) pairs given that expiry. */
  readonly #heap = new ExpiryHeap();
  readonly #buckets = new Map<number, { source: string; names: string[] }[]>();
  readonly #now: () => number;

  /** `now` is the simulated server time; entries lapse when it reaches their expiry. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Drops every membership whose expiry has been reached. Cheap when nothing lapsed. */
  lapse(): void {
    const now = this.#now();
    for (let at = this.#heap.peek(); at !== undefined && at <= now; at = this.#heap.peek()) {
      this.#heap.pop();
      const bucket = this.#buckets.get(at) ?? [];
      this.#buckets.delete(at);
      for (const { source, names } of bucket) {
        const entries = this.#sources.get(source);
        if (!entries) continue;
        // Skip entries refreshed (or re-added) since with another expiry.
        for (const name of names) if (entries.get(name)?.expiry === at) entries.delete(name);
      }
    }
  }

  /** Source labels, including emptied ones (as the real list keeps them). */
  sources(): string[] {
    this.lapse();
    return [...this.#sources.keys()];
  }

  add(source: string, names: Iterable<string>, options: IntelFeedAddOptions = {}): IntelFeedChange {
    this.lapse();
    let entries = this.#sources.get(source);
    if (!entries) {
      entries = new Map();
      this.#sources.set(source, entries);
    }
    const membership: Membership = Object.freeze({
      description: options.description ?? '',
      expiry: options.expiry ?? null,
      strength: options.strength ?? 100,
      iagn: options.iagn ?? false,
      hostname: options.hostname ?? false,
    });
    const lapsed = membership.expiry !== null && membership.expiry <= this.#now();
    const stored: string[] = [];
    let added = 0;
    let updated = 0;
    for (const name of names) {
      if (entries.has(name)) updated++;
      else added++;
      if (lapsed) entries.delete(name);
      else {
        entries.set(name, membership);
        stored.push(name);
      }
    }
    if (membership.expiry !== null && stored.length > 0) this.#schedule(membership.expiry, source, stored);
    return { added, updated };
  }

  /** Removes names from one source; returns how many were there. */
  remove(source: string, names: Iterable<string>): number {
    this.lapse();
    const entries = this.#sources.get(source);
    if (!entries) return 0;
    let removed = 0;
    for (const name of names) if (entries.delete(name)) removed++;
    return removed;
  }

  /** Empties every source (the labels stay, like emptied sources on a real appliance). */
  removeAll(): number {
    let removed = 0;
    for (const entries of this.#sources.values()) {
      removed += entries.size;
      entries.clear();
    }
    this.#heap.clear();
    this.#buckets.clear();
    return removed;
  }

  /** Every entry name once, across sources (or of one source), in insertion order. */
  *names(source?: string): Generator<string> {
    this.lapse();
    if (source !== undefined) {
      const entries = this.#sources.get(source);
      if (entries) yield* entries.keys();
      return;
    }
    if (this.#sources.size === 1) {
      for (const entries of this.#sources.values()) yield* entries.keys();
      return;
    }
    const seen = new Set<string>();
    for (const entries of this.#sources.values()) {
      for (const name of entries.keys()) {
        if (seen.has(name)) continue;
        seen.add(name);
        yield name;
      }
    }
  }

  /** Raw memberships (name, source, shared details), for fast serialisation. */
  *memberships(source?: string): Generator<[string, string, Membership]> {
    this.lapse();
    for (const [label, entries] of this.#sources) {
      if (source !== undefined && label !== source) continue;
      for (const [name, m] of entries) yield [name, label, m];
    }
  }

  /** One view per membership (an entry in two sources appears twice without a source filter). */
  *entries(source?: string): Generator<IntelFeedEntryView> {
    for (const [name, label, m] of this.memberships(source)) yield { name, source: label, ...m };
  }

  size(source?: string): number {
    this.lapse();
    if (source !== undefined) return this.#sources.get(source)?.size ?? 0;
    let n = 0;
    for (const entries of this.#sources.values()) n += entries.size;
    return n;
  }

  #schedule(at: number, source: string, names: string[]): void {
    let bucket = this.#buckets.get(at);
    if (!bucket) {
      bucket = [];
      this.#buckets.set(at, bucket);
      this.#heap.push(at);
    }
    bucket.push({ source, names });
  }
}
