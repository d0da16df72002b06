import { comparison } from './comparison.js';

/** NOT_EQUAL: x ≠ y, broadcast, bool output. */
export const notEqual = comparison('NOT_EQUAL', (a, b) => a !== b);
