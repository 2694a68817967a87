/** Kept equal to package.json's version by a test. */
export const VERSION = '2.0.0';
