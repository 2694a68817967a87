/**
 * THE KILL TEST, part 1: the very first export (fresh database, token not yet cached) run as a
 * child process and SIGKILLed at each ThreatQ request (token, collection listing, every page)
 * and each Darktrace request (read-back, every addlist batch) after the server applied it and
 * held the answer back, plus twice while a request hangs. A clean rerun must converge each time.
 * The full matrix (every request, both modes) is exportKillMatrix.slow.test.ts.
 */
import { FIRST_RUN, defineKillTests, killPoints } from './exportKillRunner.ts';

await defineKillTests(FIRST_RUN, (counts) => [
  ...killPoints(counts, { threatq: ['held'], darktrace: ['held'] }),
  { side: 'darktrace', nth: 1, mode: 'hang' },
  { side: 'darktrace', nth: 3, mode: 'hang' },
]);
