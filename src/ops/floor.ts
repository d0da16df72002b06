import { elementwiseUnary } from './shape-helpers.js';

/** FLOOR: ⌊x⌋. */
export const floor = elementwiseUnary('FLOOR', undefined, () => Math.floor);
