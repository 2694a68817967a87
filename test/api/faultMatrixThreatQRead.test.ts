/** The generated fault matrix for ThreatQ collection paging (see faultMatrix.ts), against the real simulator over HTTPS. */
import { describeFaultMatrix } from './faultMatrix.ts';

describeFaultMatrix(['ThreatQ read (collection paging, fault on page 2)']);
