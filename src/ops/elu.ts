import { elu as eluFloat } from '../kernels/activation.js';
import { elementwiseUnary } from './shape-helpers.js';

/** ELU: x for x ≥ 0, eˣ − 1 below (TFLite's builtin has no alpha: Keras/ONNX alpha ≠ 1 must be lowered otherwise). */
export const elu = elementwiseUnary('ELU', undefined, () => eluFloat);
