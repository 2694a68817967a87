/**
 * Pipeline fault matrix, ingest, short form: a covering subset of (every fault the simulators
 * can inject) × (every phase of a first ingest and of an ingest of changes) — every fault and
 * every phase at least once. Phases come from a recorded fault-free run, faults from
 * FAULT_KINDS (see support/pipelineFaults.ts), so new endpoints and new faults join by themselves.
 *
 * Long mode, the full product of both pipelines (about 1000 cases, 10 CPU-minutes; 30 minutes
 * on 2 busy cores):
 *   node test/run.mjs --slow pipelineFault
 */
import { SCENES } from './support/pipelineScenes.ts';
import { coveringSubset, describeCases, describeCoverage, recordScenes } from './support/pipelineMatrix.ts';

const recorded = await recordScenes(SCENES.ingest);
const cases = coveringSubset(recorded);
describeCoverage('pipeline fault matrix, ingest', recorded, cases);
describeCases('pipeline fault matrix, ingest (covering subset: every fault and every phase at least once)', cases);
