import { GeluOptions } from '../formats/tflite/schema.js';
import { geluExact, geluTanh } from '../kernels/activation.js';
import { elementwiseUnary } from './shape-helpers.js';

/**
 * GELU: x·Φ(x) with the exact erf, or its tanh approximation (GeluOptions.approximate). TFLite-WASM
 * (tfjs-tflite 0.0.1-alpha.10) runs both forms.
 */
export const gelu = elementwiseUnary('GELU', GeluOptions, ({ approximate }) => (approximate ? geluTanh : geluExact));
