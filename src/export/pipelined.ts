/**
 * `fn` on each item in order, up to `depth` at once. After a failure (or once `stop()` says
 * so) nothing new starts; those already started are waited for, so what they achieved is
 * counted, and then the first failure is thrown.
 */
export async function pipelined<T>(items: Iterable<T>, depth: number, stop: () => boolean, fn: (item: T) => Promise<void>): Promise<void> {
  const inflight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    if (failure !== undefined || stop()) break;
    const started: Promise<void> = fn(item)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inflight.delete(started));
    inflight.add(started);
    if (inflight.size >= depth) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  if (failure !== undefined) throw failure.error;
}
