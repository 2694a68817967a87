/**
 * Pipeline fault matrix, export, short form: a covering subset of (every fault the simulators
 * can inject) × (every phase of an export that adds and removes) — every fault and
 * every phase at least once. Phases come from a recorded fault-free run, faults from
 * FAULT_KINDS (see support/pipelineFaults.ts), so new endpoints and new faults join by themselves.
 *
 * Long mode, the full product of both pipelines (about 1000 cases, 10 CPU-minutes; 30 minutes
 * on 2 busy cores):
 *   node test/run.mjs --slow pipelineFault
 */
import { SCENES } from './support/pipelineScenes.ts';
import { coveringSubset, describeCases, describeCoverage, recordScenes } from './support/pipelineMatrix.ts';

const recorded = await recordScenes(SCENES.export);
const cases = coveringSubset(recorded);
describeCoverage('pipeline fault matrix, export', recorded, cases);
describeCases('pipeline fault matrix, export (covering subset: every fault and every phase at least once)', cases);
