import { floatReductionKernel } from './kernel-helpers.js';
import { reduction } from './shape-helpers.js';

/** REDUCE_PROD over constant axes (multiplied in float64; TFLite's float32 running product can only be less exact). */
export const reduceProd = reduction('REDUCE_PROD', floatReductionKernel('prod'));
