import { comparison } from './comparison.js';

/** GREATER: x > y, broadcast, bool output. */
export const greater = comparison('GREATER', (a, b) => a > b);
