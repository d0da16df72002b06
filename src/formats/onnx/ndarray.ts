/**
 * Constant ONNX values at import time: shape chains PyTorch exports (Shape → Gather → Concat → Reshape),
 * weights being re-laid out, folded BatchNorm factors. Values are float64 numbers whatever the element type;
 * float32 results are rounded to float32 as the ONNX runtime would compute them.
 */
import { rowMajorStrides as strides } from '../../kernels/layout.js';

export { strides };

export type ElemType =
  | 'float32' | 'float64' | 'float16' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

export interface NdArray {
  type: ElemType;
  shape: number[];
  data: Float64Array;
}

export const isFloat = (t: ElemType): boolean => t === 'float32' || t === 'float64' || t === 'float16';
export const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);


export const nd = (type: ElemType, shape: number[], data: ArrayLike<number>): NdArray => ({ type, shape, data: Float64Array.from(data) });

/** Rounds results of float32 arithmetic to float32; integers truncate toward zero like C. */
export function cast(values: Float64Array, type: ElemType): Float64Array {
  if (type === 'float32' || type === 'float16') return values.map(Math.fround);
  if (type === 'float64') return values;
  if (type === 'bool') return values.map((v) => (v !== 0 ? 1 : 0));
  return values.map((v) => (Number.isFinite(v) ? Math.trunc(v) : v));
}

/** Calls `visit(outIndex, inIndex)` for every element of the permuted array (out axis i = in axis perm[i]). */
export function transpose(a: NdArray, perm: readonly number[]): NdArray {
  const shape = perm.map((p) => a.shape[p]!);
  const inStrides = strides(a.shape);
  const s = perm.map((p) => inStrides[p]!);
  const out = new Float64Array(a.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += idx[d]! * s[d]!;
    out[o] = a.data[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { type: a.type, shape, data: out };
}

/** NumPy broadcasting of shapes (null when they do not broadcast). */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1 && d !== 1 && v !== d) return null;
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

/** `a` broadcast to `shape` (which `a` must broadcast to). */
export function broadcastTo(a: NdArray, shape: readonly number[]): NdArray {
  const rank = shape.length;
  const own = [...new Array<number>(rank - a.shape.length).fill(1), ...a.shape];
  const st = strides(own).map((s, i) => (own[i] === 1 ? 0 : s));
  const out = new Float64Array(count(shape));
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * st[d]!;
    out[o] = a.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { type: a.type, shape: [...shape], data: out };
}

/** Elementwise `fn` over broadcast operands; the result has `type`. */
export function mapN(arrays: readonly NdArray[], type: ElemType, fn: (...v: number[]) => number): NdArray {
  const shape = broadcastShape(arrays.map((a) => a.shape));
  if (!shape) throw new Error(`shapes ${arrays.map((a) => `[${a.shape}]`).join(' ')} do not broadcast`);
  const full = arrays.map((a) => broadcastTo(a, shape).data);
  const out = new Float64Array(count(shape));
  const args = new Array<number>(full.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < full.length; k++) args[k] = full[k]![i]!;
    out[i] = fn(...args);
  }
  return { type, shape, data: cast(out, type) };
}

/** Elements [begin, begin+size) with `step` along every axis (negative steps walk backwards). */
export function sliceBox(a: NdArray, begin: readonly number[], size: readonly number[], step: readonly number[]): NdArray {
  const st = strides(a.shape);
  const out = new Float64Array(count(size));
  const idx = new Array<number>(size.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < size.length; d++) src += (begin[d]! + idx[d]! * step[d]!) * st[d]!;
    out[o] = a.data[src]!;
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
  return { type: a.type, shape: [...size], data: out };
}

/** Elements of `a` along `axis` at `indices` (numpy.take). */
export function take(a: NdArray, indices: NdArray, axis: number): NdArray {
  const outer = count(a.shape.slice(0, axis));
  const n = a.shape[axis]!;
  const inner = count(a.shape.slice(axis + 1));
  const k = indices.data.length;
  const out = new Float64Array(outer * k * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < k; j++) {
      const i = indices.data[j]! < 0 ? indices.data[j]! + n : indices.data[j]!;
      for (let r = 0; r < inner; r++) out[(o * k + j) * inner + r] = a.data[(o * n + i) * inner + r]!;
    }
  return { type: a.type, shape: [...a.shape.slice(0, axis), ...indices.shape, ...a.shape.slice(axis + 1)], data: out };
}

export function concat(arrays: readonly NdArray[], axis: number): NdArray {
  const first = arrays[0]!;
  const outer = count(first.shape.slice(0, axis));
  const rows = arrays.map((a) => count(a.shape.slice(axis)));
  const total = rows.reduce((x, y) => x + y, 0);
  const out = new Float64Array(outer * total);
  let at = 0;
  for (let o = 0; o < outer; o++)
    arrays.forEach((a, k) => {
      out.set(a.data.subarray(o * rows[k]!, (o + 1) * rows[k]!), at);
      at += rows[k]!;
    });
  const shape = [...first.shape];
  shape[axis] = arrays.reduce((s, a) => s + a.shape[axis]!, 0);
  return { type: first.type, shape, data: out };
}

/** Float32 values for an IR constant. */
export const f32 = (a: NdArray): Float32Array => Float32Array.from(a.data);
