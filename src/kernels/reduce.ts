/**
 * Reductions over arbitrary axes (MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD) and ARG_MAX. A reduction
 * plan collapses runs of adjacent axes that are all reduced or all kept, so a [N,H,W,C] mean over (1,2) walks
 * [N, H·W, C]; the input is then read once, in memory order, accumulating into a float64 buffer per output
 * element (TFLite accumulates in float32: the sums and products here are at least as accurate).
 */
import { EdgefitError } from '../ir/errors.js';

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'prod';
/** The integer-kernel reductions (reduce-int.ts). */
export type IntReduceKind = 'sum' | 'mean' | 'max';

const IDENTITY: Record<ReduceKind, number> = { sum: 0, mean: 0, max: -Infinity, min: Infinity, prod: 1 };

type Values = Float32Array | Int8Array | Uint8Array | Int16Array;

/** `a` folded with input[from … from + n) (one switch per row: a callback per element is slow in V8). */
function foldRow(kind: ReduceKind, input: Values, from: number, n: number, a: number): number {
  switch (kind) {
    case 'max': for (let j = 0; j < n; j++) { const v = input[from + j]!; if (v > a) a = v; } return a;
    case 'min': for (let j = 0; j < n; j++) { const v = input[from + j]!; if (v < a) a = v; } return a;
    case 'prod': for (let j = 0; j < n; j++) a *= input[from + j]!; return a;
    default: for (let j = 0; j < n; j++) a += input[from + j]!; return a;
  }
}

/** acc[o + j] folded with input[from + j], j < n (a kept row). */
function foldInto(kind: ReduceKind, input: Values, from: number, acc: Float64Array, o: number, n: number): void {
  switch (kind) {
    case 'max': for (let j = 0; j < n; j++) { const v = input[from + j]!; if (v > acc[o + j]!) acc[o + j] = v; } return;
    case 'min': for (let j = 0; j < n; j++) { const v = input[from + j]!; if (v < acc[o + j]!) acc[o + j] = v; } return;
    case 'prod': for (let j = 0; j < n; j++) acc[o + j] = acc[o + j]! * input[from + j]!; return;
    default: for (let j = 0; j < n; j++) acc[o + j] = acc[o + j]! + input[from + j]!;
  }
}

export interface ReducePlan {
  kind: ReduceKind;
  /** Collapsed input dimensions; runs alternate between kept and reduced. */
  dims: number[];
  /** Output stride of each collapsed dimension (0 where reduced). */
  outStrides: number[];
  outSize: number;
  /** Input elements folded into each output. */
  count: number;
}

export function reducePlan(kind: ReduceKind, shape: readonly number[], axes: readonly number[]): ReducePlan {
  const rank = shape.length;
  const reduced = new Set(axes.map((a) => {
    const r = a < 0 ? a + rank : a;
    if (!Number.isInteger(r) || r < 0 || r >= rank) throw new EdgefitError('MALFORMED', `reduction axis ${a} is out of range for rank ${rank}`);
    return r;
  }));
  const dims: number[] = [];
  const isReduced: boolean[] = [];
  shape.forEach((d, i) => {
    const r = reduced.has(i);
    if (dims.length && isReduced[isReduced.length - 1] === r) dims[dims.length - 1]! *= d;
    else {
      dims.push(d);
      isReduced.push(r);
    }
  });
  if (!dims.length) {
    dims.push(1);
    isReduced.push(false);
  }
  const outStrides = dims.map(() => 0);
  let stride = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    if (isReduced[i]) continue;
    outStrides[i] = stride;
    stride *= dims[i]!;
  }
  const count = dims.reduce((c, d, i) => (isReduced[i] ? c * d : c), 1);
  return { kind, dims, outStrides, outSize: stride, count };
}

/**
 * acc[k] = sum (max, min, product) of the inputs folded into output k, per `plan` (exact for integer sums).
 * `acc` (float64, ≥ outSize) and `index` (int32, ≥ dims.length) are scratch the caller preallocates. The last
 * two collapsed dimensions form the inner block, one kept and one reduced: either rows folded into one output
 * each, or rows combined (sums four at a time) into a kept row.
 */
export function reduceAccumulate(plan: ReducePlan, input: Values, acc: Float64Array, index: Int32Array): void {
  const { kind, dims, outStrides, outSize } = plan;
  const summing = kind === 'sum' || kind === 'mean';
  acc.fill(IDENTITY[kind], 0, outSize);
  const last = dims.length - 1;
  const inner = dims[last]!;
  const rows = last > 0 ? dims[last - 1]! : 1;
  const innerReduced = outStrides[last] === 0; // then the rows are kept, one output each
  const blocks = inner * rows ? input.length / (inner * rows) : 0;
  index.fill(0);
  let i = 0;
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    if (innerReduced) {
      for (let r = 0; r < rows; r++, i += inner) acc[o + r] = foldRow(kind, input, i, inner, acc[o + r]!);
    } else {
      let r = 0;
      if (summing) {
        for (; r + 4 <= rows; r += 4, i += 4 * inner) {
          for (let j = 0, i1 = i + inner, i2 = i1 + inner, i3 = i2 + inner; j < inner; j++)
            acc[o + j] = acc[o + j]! + ((input[i + j]! + input[i1 + j]!) + (input[i2 + j]! + input[i3 + j]!));
        }
      }
      for (; r < rows; r++, i += inner) foldInto(kind, input, i, acc, o, inner);
    }
    // Odometer over the outer collapsed dimensions, keeping the output offset in step.
    for (let d = last - 2; d >= 0; d--) {
      o += outStrides[d]!;
      if (++index[d]! < dims[d]!) break;
      o -= outStrides[d]! * dims[d]!;
      index[d] = 0;
    }
  }
}

/** out = reduction of `input` per `plan`, in float (see `reduceAccumulate` for the scratch). */
export function reduceFloat(plan: ReducePlan, input: Float32Array, out: Float32Array, acc: Float64Array, index: Int32Array): void {
  reduceAccumulate(plan, input, acc, index);
  const divisor = plan.kind === 'mean' ? plan.count : 1;
  for (let k = 0; k < plan.outSize; k++) out[k] = acc[k]! / divisor;
}

export interface ArgMaxParams {
  /** Product of the dimensions before / after the reduced axis, and the axis length. */
  outer: number; axis: number; inner: number;
}

/**
 * out[(o·inner + i)·outStride] = the first k maximising input[(o·axis + k)·inner + i] (ties → lowest k).
 * `outStride` 2 writes the low words of little-endian int64 outputs viewed as int32 (high words zeroed).
 * `best` (≥ inner) is caller-preallocated scratch.
 */
export function argMaxAxis(p: ArgMaxParams, input: ArrayLike<number>, out: Int32Array, outStride: 1 | 2, best: Float64Array): void {
  const { outer, axis, inner } = p;
  if (outStride === 2) out.fill(0);
  for (let o = 0; o < outer; o++) {
    const base = o * axis * inner;
    const ob = o * inner * outStride;
    for (let i = 0; i < inner; i++) {
      best[i] = input[base + i]!;
      out[ob + i * outStride] = 0;
    }
    // The reduced axis outermost, so each step reads `inner` contiguous values.
    for (let k = 1; k < axis; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) {
        const v = input[row + i]!;
        if (v > best[i]!) {
          best[i] = v;
          out[ob + i * outStride] = k;
        }
      }
    }
  }
}
