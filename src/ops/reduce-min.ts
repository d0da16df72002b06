import { floatReductionKernel } from './kernel-helpers.js';
import { reduction } from './shape-helpers.js';

/** REDUCE_MIN over constant axes. */
export const reduceMin = reduction('REDUCE_MIN', floatReductionKernel('min'));
