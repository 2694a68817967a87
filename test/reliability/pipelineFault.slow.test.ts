/**
 * Pipeline fault matrix, long form: every fault the simulators can inject (FAULT_KINDS with all
 * their variants, ThreatQ token expiry, Darktrace clock jumps) on every phase (first and last
 * request of each route and operation) of a first ingest, an ingest of changes and an export
 * that adds and removes. Run it with:
 *   node test/run.mjs --slow pipelineFault
 * (about 1000 cases, 10 CPU-minutes; 30 minutes on 2 busy cores). Filter with
 *   node --import tsx --test --test-name-pattern="events.consume" test/reliability/pipelineFault.slow.test.ts
 * The default suite runs the covering subsets in pipelineFaultIngest/Export.test.ts.
 */
import { SCENES } from './support/pipelineScenes.ts';
import { describeCases, fullProduct, recordScenes } from './support/pipelineMatrix.ts';

const recorded = await recordScenes([...SCENES.ingest, ...SCENES.export]);
describeCases('pipeline fault matrix (full product)', fullProduct(recorded), 4);
