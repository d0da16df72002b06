/**
 * Typed views of constant tensor data. Data is stored as raw little-endian bytes (lossless, any
 * alignment); these helpers give the typed values, copying only when the bytes are misaligned.
 */
import { EdgefitError } from './errors.js';
import type { DType, Tensor } from './model.js';

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

type Ctor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };
const CTORS: Partial<Record<DType, Ctor>> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, float16: Uint16Array, bfloat16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
};

/** The bytes viewed as `dtype` elements (float16/bfloat16 as raw Uint16 bits). */
export function viewAs(bytes: Uint8Array, dtype: DType): TypedArray {
  const C = CTORS[dtype];
  if (!C) throw new EdgefitError('UNSUPPORTED', `no typed view for ${dtype} data`);
  const n = Math.floor(bytes.byteLength / C.BYTES_PER_ELEMENT);
  if (bytes.byteOffset % C.BYTES_PER_ELEMENT === 0) return new C(bytes.buffer as ArrayBuffer, bytes.byteOffset, n);
  const copy = bytes.slice(0, n * C.BYTES_PER_ELEMENT);
  return new C(copy.buffer, 0, n);
}

export function constantValues(t: Tensor): TypedArray | undefined {
  return t.data && t.data.length ? viewAs(t.data, t.dtype) : undefined;
}

/** A typed array's bytes, copied (later edits of the array do not reach the tensor). */
export const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** Integer constants (shapes, axes, paddings) as plain numbers. */
export function constantInts(t: Tensor | null | undefined): number[] | undefined {
  if (!t?.data) return undefined;
  if (!['int32', 'int64', 'int16', 'int8', 'uint8', 'uint16', 'uint32'].includes(t.dtype)) return undefined;
  return Array.from(viewAs(t.data, t.dtype) as ArrayLike<number | bigint>, Number);
}

/** IEEE half → float32 value. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** float → IEEE half bits, rounded to nearest even (overflow → ±Infinity, NaN kept). */
export function floatToHalf(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal half: shift the implicit-1 mantissa, round to nearest even.
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}
