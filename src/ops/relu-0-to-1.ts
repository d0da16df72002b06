import { clampKernel } from './elementwise-kernels.js';
import { elementwiseUnary } from './shape-helpers.js';

/** RELU_0_TO_1: min(max(x, 0), 1). */
export const relu0To1 = elementwiseUnary('RELU_0_TO_1', undefined, clampKernel(0, 1));
