import { elementwiseUnary } from './shape-helpers.js';

/** CEIL: ⌈x⌉. */
export const ceil = elementwiseUnary('CEIL', undefined, () => Math.ceil);
