/**
 * Constants held on the host while lowering: Const nodes, and what folds from them (shape arithmetic
 * such as Shape → StridedSlice → Pack → Reshape). Folding stays exact: integer arithmetic, and float
 * ops whose double-precision result rounds to the correctly rounded float32 result (+ − × ÷, min/max).
 */
import { EdgefitError } from '../../../ir/errors.js';
import { elementCount, type Tensor } from '../../../ir/model.js';
import { broadcastShapes } from '../../../kernels/geometry.js';
import { stridedSliceAxes } from '../../../ops/strided-slice.js';
import { constantTensor } from '../../../ir/graph-builder.js';
import { rowMajorStrides } from '../../../kernels/layout.js';

export type HostDType = 'float32' | 'int32' | 'bool';
export type HostArray = Float32Array | Int32Array | Uint8Array;

export interface HostTensor {
  dtype: HostDType;
  shape: number[];
  values: HostArray;
}

/** Folding builds host arrays only this large; bigger constant expressions are emitted as ops. */
export const MAX_FOLD_ELEMENTS = 1 << 16;

export function host(dtype: HostDType, shape: readonly number[], values: ArrayLike<number>): HostTensor {
  const count = elementCount(shape);
  if (values.length !== count) throw new EdgefitError('MALFORMED', `${values.length} values for shape [${shape.join(', ')}]`);
  const array = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values, (v) => Math.trunc(v)) : Uint8Array.from(values, (v) => (v ? 1 : 0));
  return { dtype, shape: [...shape], values: array };
}

/** For each element of `outShape`, the flat index of the element of `inShape` that broadcasts to it. */
function broadcastMap(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const count = elementCount(outShape);
  const lead = outShape.length - inShape.length;
  const inStrides = rowMajorStrides(inShape);
  const map = new Int32Array(count);
  const index = new Array<number>(outShape.length).fill(0);
  for (let k = 0; k < count; k++) {
    let at = 0;
    for (let d = lead; d < outShape.length; d++) if (inShape[d - lead] !== 1) at += index[d]! * inStrides[d - lead]!;
    map[k] = at;
    for (let d = outShape.length - 1; d >= 0 && ++index[d]! === outShape[d]; d--) index[d] = 0;
  }
  return map;
}

/** An elementwise binary op with numpy broadcasting. */
export function hostBinary(a: HostTensor, b: HostTensor, dtype: HostDType, f: (x: number, y: number) => number): HostTensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastMap(shape, a.shape);
  const ib = broadcastMap(shape, b.shape);
  return host(dtype, shape, Array.from(ia, (i, k) => f(a.values[i]!, b.values[ib[k]!]!)));
}

/** Concatenation along `axis`. */
export function hostConcat(parts: HostTensor[], axis: number): HostTensor {
  const first = parts[0]!;
  const outer = elementCount(first.shape.slice(0, axis));
  const shape = [...first.shape];
  shape[axis] = parts.reduce((n, p) => n + p.shape[axis]!, 0);
  const values: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const p of parts) {
      const inner = elementCount(p.shape.slice(axis));
      for (let i = 0; i < inner; i++) values.push(p.values[o * inner + i]!);
    }
  return host(first.dtype, shape, values);
}

/** Elements `indices` along `axis` of `params` (GatherV2 with batch_dims 0). */
export function hostGather(params: HostTensor, indices: HostTensor, axis: number): HostTensor {
  const outer = elementCount(params.shape.slice(0, axis));
  const inner = elementCount(params.shape.slice(axis + 1));
  const size = params.shape[axis]!;
  const values: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const idx of indices.values) {
      if (idx < 0 || idx >= size) throw new EdgefitError('MALFORMED', `gather index ${idx} is outside [0, ${size})`);
      for (let i = 0; i < inner; i++) values.push(params.values[(o * size + idx) * inner + i]!);
    }
  return host(params.dtype, [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)], values);
}

/** A reduction over `axes` (sorted, non-negative) with fold `f` from `init`. */
export function hostReduce(x: HostTensor, axes: number[], keepDims: boolean, init: number, f: (acc: number, v: number) => number): HostTensor {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Array<number>(elementCount(kept)).fill(init);
  const keptStrides = rowMajorStrides(kept);
  const index = new Array<number>(x.shape.length).fill(0);
  for (let k = 0; k < x.values.length; k++) {
    const at = index.reduce((sum, i, d) => sum + (axes.includes(d) ? 0 : i * keptStrides[d]!), 0);
    out[at] = f(out[at]!, x.values[k]!);
    for (let d = x.shape.length - 1; d >= 0 && ++index[d]! === x.shape[d]; d--) index[d] = 0;
  }
  return host(x.dtype, keepDims ? kept : x.shape.filter((_, i) => !axes.includes(i)), out);
}

/** Axes permuted: output axis d is input axis perm[d]. */
export function hostTranspose(x: HostTensor, perm: number[]): HostTensor {
  const inStrides = rowMajorStrides(x.shape);
  const shape = perm.map((p) => x.shape[p]!);
  const index = new Array<number>(shape.length).fill(0);
  const values: number[] = [];
  for (let k = 0; k < x.values.length; k++) {
    values.push(x.values[perm.reduce((at, p, d) => at + index[d]! * inStrides[p]!, 0)]!);
    for (let d = shape.length - 1; d >= 0 && ++index[d]! === shape[d]; d--) index[d] = 0;
  }
  return host(x.dtype, shape, values);
}

/** A detached IR tensor holding host values, to ask an op's own shape rules (e.g. STRIDED_SLICE's mask resolution). */
export function detachedTensor(h: HostTensor, name = 'folded'): Tensor {
  return constantTensor(name, h.values, h.shape, h.dtype);
}

/** StridedSlice on host values, with the masks resolved by the STRIDED_SLICE op's own rule. */
export function hostStridedSlice(x: HostTensor, begin: HostTensor, end: HostTensor, strides: HostTensor, masks: Record<string, number>): HostTensor {
  const op = {
    type: 'STRIDED_SLICE', custom: false, version: 1, outputs: [], intermediates: [],
    inputs: [detachedTensor(x), detachedTensor(begin), detachedTensor(end), detachedTensor(strides)],
    options: { type: 'StridedSliceOptions', value: { offset: false, ...masks } },
  } as unknown as Parameters<typeof stridedSliceAxes>[0];
  const axes = stridedSliceAxes(op);
  const inStrides = rowMajorStrides(x.shape);
  const lengths = axes.map((a) => a.length);
  const count = elementCount(lengths);
  const values: number[] = [];
  const index = new Array<number>(axes.length).fill(0);
  for (let k = 0; k < count; k++) {
    let at = 0;
    axes.forEach((a, d) => {
      if (a.inputAxis >= 0) at += (a.start + index[d]! * a.stride) * inStrides[a.inputAxis]!;
    });
    values.push(x.values[at]!);
    for (let d = axes.length - 1; d >= 0 && ++index[d]! === lengths[d]; d--) index[d] = 0;
  }
  return host(x.dtype, axes.filter((a) => !a.shrink).map((a) => a.length), values);
}
