import { comparison } from './comparison.js';

/** GREATER_EQUAL: x ≥ y, broadcast, bool output. */
export const greaterEqual = comparison('GREATER_EQUAL', (a, b) => a >= b);
