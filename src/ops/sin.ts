import { elementwiseUnary } from './shape-helpers.js';

/** SIN (radians). */
export const sin = elementwiseUnary('SIN', undefined, () => Math.sin);
