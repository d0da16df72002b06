import { comparison } from './comparison.js';

/** EQUAL: x = y (exactly), broadcast, bool output. */
export const equal = comparison('EQUAL', (a, b) => a === b);
