/** Fused activations: TFLite expresses RELU/RELU6/RELU_N1_TO_1 on conv/FC/add… as an output clamp range. */
import { EdgefitError } from '../ir/errors.js';
import { erfc } from './erf.js';

export type FusedActivation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6' | 'TANH' | 'SIGN_BIT';

export function activationRange(act: FusedActivation): [number, number] {
  switch (act) {
    case 'NONE': return [-Infinity, Infinity];
    case 'RELU': return [0, Infinity];
    case 'RELU_N1_TO_1': return [-1, 1];
    case 'RELU6': return [0, 6];
    default: throw new EdgefitError('UNSUPPORTED', `fused activation ${act} is not supported`);
  }
}

/** out[i] = clamp(x[i], lo, hi): the RELU family, and fused activations (x = out). */
export function clampInto(x: Float32Array, out: Float32Array, lo: number, hi: number): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

export function clampInPlace(x: Float32Array, [lo, hi]: [number, number]): void {
  if (lo !== -Infinity || hi !== Infinity) clampInto(x, x, lo, hi);
}

// Float activations as TFLite's reference kernels compute them, in float32 (Math.fround where a step rounds).
const f = Math.fround;

/** x · relu6(x + 3) / 6, each step rounded to float32 in TFLite's order. */
export const hardSwish = (x: number): number => {
  const r = f(x + 3);
  return f(x * (r < 0 ? 0 : r > 6 ? 6 : r)) / 6;
};

/** 1 / (1 + e^−x), with TFLite's cut-offs (exactly 1 above ≈16.62; e^x below −9, where the two agree in float32). */
export const logistic = (x: number): number => (x > 16.619047164916992 ? 1 : x < -9 ? Math.exp(x) : 1 / f(1 + f(Math.exp(-x))));

/** GELU: x·Φ(x) = ½·x·erfc(−x/√2) (exact), or ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (approximate). */
export const geluExact = (x: number): number => 0.5 * x * erfc(-x * Math.SQRT1_2);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
export const geluTanh = (x: number): number => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));

/** ELU (alpha 1): x for x ≥ 0, eˣ − 1 below. */
export const elu = (x: number): number => (x < 0 ? Math.expm1(x) : x);
