/**
 * The campaign's randomness: one independent, seeded stream per (seed, run, purpose), so run N
 * makes the same choices whatever earlier runs did or how long they took — that is what lets
 * `--seed S --from N` replay a failing run.
 */
import { Mulberry32 } from '../../../src/sim/darktrace/seed/prng.ts';

export type Rng = Mulberry32;

export function rngFor(seed: number, run: number, purpose: string): Rng {
  // FNV-1a over the three parts: neighbouring runs get unrelated streams.
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${run}:${purpose}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return new Mulberry32(h);
}

/** `count` distinct items of `items`, in a random order. */
export function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(pool.length), 1)[0]!);
  return out;
}
