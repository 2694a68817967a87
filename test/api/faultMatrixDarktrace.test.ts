/** The generated fault matrix for the Darktrace client (see faultMatrix.ts), against the real simulator over HTTPS. */
import { test } from 'node:test';
import { checkMatrixCoverage, describeFaultMatrix } from './faultMatrix.ts';

test('every fault kind the simulators know has a declared expectation', () => {
  checkMatrixCoverage();
});

describeFaultMatrix(['Darktrace read (modelBreaches)', 'Darktrace write (addIntelFeedEntries)']);
