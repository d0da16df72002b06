/**
 * Quantization parameters and value encoding, as TFLite's converter chooses them: activations asymmetric
 * per-tensor int8 (range widened to contain 0, zero point nudged onto the integer grid) or symmetric int16;
 * weights symmetric int8 (±127, zero point 0), per channel along the op's output-channel axis; biases int32
 * (int64 for 16x8) with scale s_in·s_w.
 */
import type { Quantization } from '../../ir/model.js';
import { roundHalfAwayFromZero } from '../../kernels/fixedpoint.js';

export interface QParams {
  scale: number;
  zeroPoint: number;
}

export type ActivationType = 'int8' | 'int16';

/** TFLite ChooseQuantizationParams for an observed [min, max]. */
export function activationParams(min: number, max: number, type: ActivationType): QParams {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (type === 'int16') {
    const bound = Math.max(-lo, hi);
    return { scale: bound > 0 ? bound / 32767 : 1, zeroPoint: 0 };
  }
  if (hi === lo) return { scale: 1, zeroPoint: 0 };
  const scale = (hi - lo) / 255;
  const zeroPoint = Math.min(127, Math.max(-128, roundHalfAwayFromZero(-128 - lo / scale)));
  return { scale, zeroPoint };
}

export const toQuantization = (p: QParams): Quantization => ({ scale: [p.scale], zeroPoint: [p.zeroPoint], axis: 0 });

export const sameParams = (a: Quantization | undefined, b: Quantization | undefined): boolean =>
  !!a && !!b && a.scale.length === b.scale.length && a.scale.every((s, i) => s === b.scale[i] && a.zeroPoint[i] === b.zeroPoint[i]);

/** Symmetric int8 weights, one scale per slice along `axis` (or one for the tensor when axis is null). */
export function quantizeWeights(values: Float32Array, shape: readonly number[], axis: number | null): { data: Int8Array; quantization: Quantization } {
  const channels = axis === null ? 1 : shape[axis]!;
  const inner = axis === null ? values.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === null ? 0 : Math.floor(i / inner) % channels);
  const absMax = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) absMax[channelOf(i)] = Math.max(absMax[channelOf(i)]!, Math.abs(values[i]!));
  const scales = Array.from(absMax, (m) => (m > 0 ? m / 127 : 1));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.max(-127, Math.min(127, roundHalfAwayFromZero(values[i]! / scales[channelOf(i)]!)));
  return { data, quantization: { scale: scales, zeroPoint: scales.map(() => 0), axis: axis ?? 0 } };
}

/** Bias as int32 (int64 for 16x8) with scale s_in·s_w[c]. */
export function quantizeBias(values: Float32Array, inputScale: number, weightScales: readonly number[], wide: boolean): { data: Int32Array | BigInt64Array; quantization: Quantization } {
  const scales = Array.from(values, (_, c) => inputScale * (weightScales.length === 1 ? weightScales[0]! : weightScales[c]!));
  const ints = Array.from(values, (v, c) => roundHalfAwayFromZero(v / scales[c]!));
  const data = wide ? BigInt64Array.from(ints, (v) => BigInt(v)) : Int32Array.from(ints, (v) => Math.max(-2147483648, Math.min(2147483647, v)));
  // Per-tensor weights → a per-tensor bias: TFLite reads a tensor's single scale only when it has exactly one.
  const stored = weightScales.length === 1 ? [scales[0] ?? inputScale * weightScales[0]!] : scales;
  return { data, quantization: { scale: stored, zeroPoint: stored.map(() => 0), axis: 0 } };
}

/** Affine per-tensor encoding of float values (constant operands of ADD, MUL…). */
export function quantizeValues(values: Float32Array, p: QParams, type: ActivationType): Int8Array | Int16Array {
  const [qmin, qmax] = type === 'int8' ? [-128, 127] : [-32768, 32767];
  const out = type === 'int8' ? new Int8Array(values.length) : new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(qmin, Math.min(qmax, roundHalfAwayFromZero(values[i]! / p.scale) + p.zeroPoint));
  return out;
}

export { bytesOf } from '../../ir/tensor-data.js';
