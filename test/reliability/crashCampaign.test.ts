/**
 * The crash campaign in the default suite: a short, fixed-seed campaign (about ten SIGKILLs at
 * random instants across ingest, export and run, over a world that changes between runs). Each
 * clean rerun must leave one ThreatQ event per alert, the intel feed equal to the desired set,
 * ledgers agreeing with both, a sound state database and a free lock. The long mode is
 * `npm run test:crash -- --runs 500`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCampaign } from './crash/campaign.ts';
import { tally } from './tally.ts';

const SEED = 122;
const RUNS = 8;

test(`crash campaign, seed ${SEED}: after every SIGKILL a clean rerun converges`, async (t) => {
  const lines: string[] = [];
  const s = await runCampaign({ seed: SEED, runs: RUNS, log: (l) => lines.push(l) });
  tally('crash campaign', { runs: s.processes, killsSurvived: s.killsSurvived, lost: s.lost, duplicated: s.duplicated });
  const story = lines.join('\n');
  t.diagnostic(story);
  assert.equal(s.failure, undefined, `${s.failure?.message}\nReplay: ${s.failure?.replay}\n${story}`);
  assert.equal(s.cleanConverged, RUNS, story);
  assert.equal(s.lost, 0);
  assert.equal(s.duplicated, 0);
  assert.ok(s.killsDelivered >= RUNS, story);
  // Timed kills may find a run already over on a slow host; kills at a request never do.
  assert.ok(s.killsMidRun >= 4, `at least four kills landed mid-run:\n${story}`);
  for (const pipeline of ['ingest', 'export', 'run']) assert.match(story, new RegExp(`^run \\d+/${RUNS} ${pipeline} `, 'm'), `the campaign covered ${pipeline}`);
});
