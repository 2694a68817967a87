import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipelined } from './pipelined.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

test('at most `depth` items are in flight, and every item is handled once, in order of start', async () => {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  await pipelined([1, 2, 3, 4, 5, 6, 7], 2, () => false, async (n) => {
    started.push(n);
    most = Math.max(most, ++inFlight);
    await tick();
    inFlight--;
  });
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(most, 2);
});

test('after a failure nothing new starts, the item already in flight finishes, then the failure is thrown', async () => {
  const finished: number[] = [];
  const started: number[] = [];
  await assert.rejects(
    pipelined([1, 2, 3, 4, 5], 2, () => false, async (n) => {
      started.push(n);
      await tick();
      if (n === 2) {
        // Fails after 1 has finished and 3 has been started in its place.
        await tick();
        throw new Error('batch 2 refused');
      }
      if (n === 3) await tick();
      finished.push(n);
    }),
    /batch 2 refused/,
  );
  // 3 was started before 2 failed; its success must be known to the caller (it is recorded).
  assert.deepEqual(started, [1, 2, 3]);
  assert.deepEqual(finished, [1, 3]);
});

test('stop() ends the run between items without an error', async () => {
  const seen: number[] = [];
  await pipelined([1, 2, 3, 4], 1, () => seen.length >= 2, async (n) => {
    seen.push(n);
  });
  assert.deepEqual(seen, [1, 2]);
});
