import { comparison } from './comparison.js';

/** LESS: x < y, broadcast, bool output. */
export const less = comparison('LESS', (a, b) => a < b);
