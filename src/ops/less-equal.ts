import { comparison } from './comparison.js';

/** LESS_EQUAL: x ≤ y, broadcast, bool output. */
export const lessEqual = comparison('LESS_EQUAL', (a, b) => a <= b);
