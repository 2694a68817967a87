/**
 * THE KILL TEST, full matrix (slow): both scenarios killed at every request of both sides, in
 * both modes (applied with the answer held back, and hanging before the server did anything).
 */
import { CHANGED_RUN, FIRST_RUN, defineKillTests, killPoints } from './exportKillRunner.ts';

await defineKillTests(FIRST_RUN, (counts) => killPoints(counts));
await defineKillTests(CHANGED_RUN, (counts) => killPoints(counts));
