import { elementwiseUnary } from './shape-helpers.js';

/** COS (radians). */
export const cos = elementwiseUnary('COS', undefined, () => Math.cos);
