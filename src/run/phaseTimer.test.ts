import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock.ts';
import { PhaseTimer } from './phaseTimer.ts';

test('each phase runs from the end of the previous one; a phase ended twice adds up', () => {
  const clock = fixedClock(1_000);
  const timer = new PhaseTimer(clock);
  clock.advance(5_730);
  timer.end('read collections');
  clock.advance(40);
  timer.end('plan');
  clock.advance(2_000);
  timer.end('push');
  clock.advance(60);
  timer.end('plan');
  assert.deepEqual(timer.times(), { ms: { 'read collections': 5_730, plan: 100, push: 2_000 }, text: 'read collections 5.7 s, plan 100 ms, push 2.0 s' });
});
