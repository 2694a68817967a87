/** The generated fault matrix for ThreatQ writes (see faultMatrix.ts): an idempotent upsert and a non-idempotent create. */
import { describeFaultMatrix } from './faultMatrix.ts';

describeFaultMatrix(['ThreatQ write (upsertIndicators)', 'ThreatQ write (createEvents)']);
