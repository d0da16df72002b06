import { GeluOptions } from '../formats/tflite/schema.js';
import { geluExact, geluTanh } from '../kernels/activation.js';
import { elementwiseUnary } from './shape-helpers.js';

/**
 * GELU: x·Φ(x) with the exact erf, or its tanh approximation (GeluOptions.approximate). TFLite-WASM
 * (tfjs-tflite 0.0.1-alpha.10) runs both forms, with float32 erf/tanh approximations that flush the far
 * negative tail to 0; edgefit computes the function in float64 (within 1e-6 of TFLite everywhere).
 */
export const gelu = elementwiseUnary('GELU', GeluOptions, ({ approximate }) => (approximate ? geluTanh : geluExact));
