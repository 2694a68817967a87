/**
 * THE KILL TEST, part 2: a run that adds, restores, refreshes and removes (membership changed
 * since the first export), run as a child process and SIGKILLed at each request of both sides
 * after the server applied it and held the answer back (addlist batches, the refresh, each
 * removeentry included), plus while an addlist and a removeentry hang. A clean rerun must
 * converge: exactly the desired set under our source, other sources untouched, the ledger
 * 'present' for every wanted value and 'removed' for every value gone from Darktrace.
 */
import { CHANGED_RUN, defineKillTests, killPoints } from './exportKillRunner.ts';

await defineKillTests(CHANGED_RUN, (counts) => [
  ...killPoints(counts, { threatq: ['held'], darktrace: ['held'] }),
  { side: 'darktrace', nth: 2, mode: 'hang' },
  { side: 'darktrace', nth: 7, mode: 'hang' },
]);
