/**
 * Data movement written once. Every layout op (transpose, pad, mirror pad, slice, strided slice, concat,
 * pack/unpack, split, depth↔space) is one walk over a box: the element at index (i₀…iₖ) moves from
 * src[Σ srcOffsets[a][iₐ]] to dst[Σ dstOffsets[a][iₐ]]. Per-axis offset tables, built once in prepare,
 * express strides, starts, negative steps, permutations and mirror reflections alike; the copy never
 * looks at the dtype, so one walk serves float32, int8, int64 and bool.
 */
import type { TypedArray } from '../ir/tensor-data.js';

/** Element offsets along one axis of a walk, one per index. */
export type AxisOffsets = Int32Array;

export interface CopyPlan {
  /** Extent of the walk, outermost axis first (never rank 0: a scalar walks [1]). */
  readonly shape: readonly number[];
  readonly src: readonly AxisOffsets[];
  readonly dst: readonly AxisOffsets[];
  /** Odometer over the outer axes, kept here so the walk allocates nothing. */
  readonly index: Int32Array;
  /** Some axis has size 0: nothing moves. */
  readonly empty: boolean;
  /** The innermost axis steps by 1 on both sides: its rows copy as runs, not through the offset tables. */
  readonly innerContiguous: boolean;
}

/** Both sides hold the same element type; the checker only needs to let values pass through. */
type Elements = { [i: number]: number };
const elements = (a: TypedArray): Elements => a as unknown as Elements;

export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a]!;
  }
  return strides;
}

/** start, start + step, … (count values). */
export function stepOffsets(count: number, step: number, start = 0): AxisOffsets {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = start + i * step;
  return out;
}

/**
 * The sub-box of a row-major tensor of `shape` that starts at `begin` and takes `size[a]` indices along
 * axis a, `step[a]` apart (negative steps walk backwards).
 */
export function boxOffsets(shape: readonly number[], begin: readonly number[], size: readonly number[], step?: readonly number[]): AxisOffsets[] {
  const strides = rowMajorStrides(shape);
  return shape.map((_, a) => stepOffsets(size[a]!, strides[a]! * (step?.[a] ?? 1), begin[a]! * strides[a]!));
}

/** A whole row-major tensor, in its own order. */
export const denseOffsets = (shape: readonly number[]): AxisOffsets[] => boxOffsets(shape, shape.map(() => 0), shape);

/**
 * Consecutive boxes of a row-major tensor of shape `whole` along `axis`, one per part shape: what
 * CONCATENATION writes each input into and SPLIT reads each output from (PACK and UNPACK too, with each
 * part viewed with a size-1 axis).
 */
export function partBoxes(whole: readonly number[], parts: readonly (readonly number[])[], axis: number): AxisOffsets[][] {
  let at = 0;
  return parts.map((part) => {
    const begin = whole.map((_, a) => (a === axis ? at : 0));
    at += part[axis]!;
    return boxOffsets(whole, begin, part);
  });
}

/** Reads a row-major tensor of `shape` with its axes in the order `perm` (walk axis a is tensor axis perm[a]). */
export function permutedOffsets(shape: readonly number[], perm: readonly number[]): AxisOffsets[] {
  const strides = rowMajorStrides(shape);
  return perm.map((p) => stepOffsets(shape[p]!, strides[p]!));
}

/**
 * Source index along one axis of a mirror-padded tensor: REFLECT leaves the edge out (…2 1 | 0 1 2 | 1 0…),
 * SYMMETRIC repeats it (…1 0 | 0 1 2 | 2 1…).
 */
export function mirrorIndices(size: number, before: number, after: number, symmetric: boolean): Int32Array {
  const edge = symmetric ? 1 : 0;
  const out = new Int32Array(before + size + after);
  for (let i = 0; i < out.length; i++) {
    const k = i - before;
    out[i] = k < 0 ? -k - edge : k >= size ? 2 * size - k - 2 + edge : k;
  }
  return out;
}

/** The step of an arithmetic offset table, or null (a single offset steps by anything). */
function stepOf(o: AxisOffsets): number | null {
  if (o.length < 2) return null;
  const step = o[1]! - o[0]!;
  for (let i = 2; i < o.length; i++) if (o[i]! - o[i - 1]! !== step) return NaN;
  return step;
}

/**
 * A plan over `shape`. Neighbouring axes that are one arithmetic run on both sides (outer step = inner
 * size × inner step) merge into one, so e.g. a PAD of H only copies whole W·C rows as single runs.
 */
export function copyPlan(shape: readonly number[], src: readonly AxisOffsets[], dst: readonly AxisOffsets[]): CopyPlan {
  if (shape.length === 0) return copyPlan([1], [Int32Array.of(0)], [Int32Array.of(0)]);
  const dims = [...shape];
  const s = [...src];
  const d = [...dst];
  for (let a = dims.length - 2; a >= 0; a--) {
    const mergeable = [s, d].every((o) => {
      const outer = stepOf(o[a]!);
      const inner = stepOf(o[a + 1]!);
      return outer !== null && inner !== null && !Number.isNaN(outer) && !Number.isNaN(inner) && outer === inner * dims[a + 1]!;
    });
    if (!mergeable) continue;
    const size = dims[a]! * dims[a + 1]!;
    for (const o of [s, d]) o.splice(a, 2, stepOffsets(size, stepOf(o[a + 1]!)!, o[a]![0]! + o[a + 1]![0]!));
    dims.splice(a, 2, size);
  }
  const unitSteps = (o: AxisOffsets) => o.every((v, i) => v === o[0]! + i);
  const last = dims.length - 1;
  return { shape: dims, src: s, dst: d, index: new Int32Array(dims.length), empty: dims.includes(0), innerContiguous: unitSteps(s[last]!) && unitSteps(d[last]!) };
}

/** Runs a plan; `srcBase` shifts every source offset (a start only known at run time). */
export function copyByPlan(plan: CopyPlan, source: TypedArray, destination: TypedArray, srcBase = 0): void {
  const { shape, src, dst, index } = plan;
  if (plan.empty) return;
  const s = elements(source);
  const d = elements(destination);
  const last = shape.length - 1;
  const n = shape[last]!;
  const srcInner = src[last]!;
  const dstInner = dst[last]!;
  index.fill(0);
  for (;;) {
    let from = srcBase;
    let to = 0;
    for (let a = 0; a < last; a++) {
      from += src[a]![index[a]!]!;
      to += dst[a]![index[a]!]!;
    }
    if (plan.innerContiguous) {
      const f = from + srcInner[0]!;
      const t = to + dstInner[0]!;
      if (n >= 32) (destination as Float32Array).set((source as Float32Array).subarray(f, f + n), t);
      else for (let i = 0; i < n; i++) d[t + i] = s[f + i]!;
    } else for (let i = 0; i < n; i++) d[to + dstInner[i]!] = s[from + srcInner[i]!]!;
    let a = last - 1;
    while (a >= 0 && ++index[a]! === shape[a]) index[a--] = 0;
    if (a < 0) return;
  }
}

/** Same elements, new shape (RESHAPE, SQUEEZE, EXPAND_DIMS). */
export function copyAll(source: TypedArray, destination: TypedArray): void {
  (destination as Float32Array).set(source as Float32Array);
}

/** Every element := `value` (a number, or a bigint for 64-bit arrays; 0 works for both). */
export function fillWith(destination: TypedArray, value: number | bigint): void {
  const big = destination instanceof BigInt64Array || destination instanceof BigUint64Array;
  (destination as Float32Array).fill((big ? BigInt(value) : Number(value)) as number);
}

export interface GatherGeometry {
  /** Product of the leading batch_dims axes (shared by params and indices). */
  batches: number;
  /** Product of the params axes between the batch axes and the gathered axis. */
  outer: number;
  /** Size of the gathered axis. */
  axisSize: number;
  /** Indices per batch. */
  coords: number;
  /** Elements per gathered slice (product of the params axes after the gathered axis). */
  inner: number;
}

/**
 * GATHER: out[b][o][c][·] = params[b][o][indices[b][c]][·]. Returns the position (within `indices`) of the
 * first out-of-range index, or −1 when every index was valid (elements before it are already written).
 */
export function gatherSlices(g: GatherGeometry, params: TypedArray, indices: TypedArray, out: TypedArray): number {
  const p = elements(params);
  const o = elements(out);
  const idx = indices as unknown as ArrayLike<number | bigint>;
  const { batches, outer, axisSize, coords, inner } = g;
  let to = 0;
  for (let b = 0; b < batches; b++)
    for (let r = 0; r < outer; r++) {
      const rowBase = (b * outer + r) * axisSize;
      for (let c = 0; c < coords; c++) {
        const at = b * coords + c;
        const k = Number(idx[at]!);
        if (!(k >= 0 && k < axisSize)) return at;
        const from = (rowBase + k) * inner;
        for (let i = 0; i < inner; i++) o[to++] = p[from + i]!;
      }
    }
  return -1;
}

/**
 * TILE: the output is the input repeated multiples[a] times along each axis a. The walk splits every output
 * axis into (repeat, index): the source ignores the repeat, the destination steps a whole input extent.
 */
export function tilePlan(shape: readonly number[], multiples: readonly number[]): CopyPlan {
  const inStrides = rowMajorStrides(shape);
  const outStrides = rowMajorStrides(shape.map((d, a) => d * multiples[a]!));
  return copyPlan(
    shape.flatMap((d, a) => [multiples[a]!, d]),
    shape.flatMap((d, a) => [stepOffsets(multiples[a]!, 0), stepOffsets(d, inStrides[a]!)]),
    shape.flatMap((d, a) => [stepOffsets(multiples[a]!, d * outStrides[a]!), stepOffsets(d, outStrides[a]!)]),
  );
}

/** The whole tensor read backwards along the `reversed` axes (REVERSE_V2). */
export function reversedOffsets(shape: readonly number[], reversed: ReadonlySet<number>): AxisOffsets[] {
  return boxOffsets(shape, shape.map((d, a) => (reversed.has(a) ? d - 1 : 0)), shape, shape.map((_, a) => (reversed.has(a) ? -1 : 1)));
}

/** A row-major tensor of `shape` read as if broadcast to `outShape` (NumPy rule: stride 0 along broadcast and added leading axes). */
export function broadcastOffsets(shape: readonly number[], outShape: readonly number[]): AxisOffsets[] {
  const strides = rowMajorStrides(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((d, a) => stepOffsets(d, a >= lead && shape[a - lead] !== 1 ? strides[a - lead]! : 0));
}

/**
 * SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND, written once: where each element of the spatial tensor
 * [B, s₁…s_M, rest…] sits in the batched tensor [B·∏block, t₁…t_M, rest…]. Spatial index i on axis k,
 * shifted by `shift[k]` (the padding before, or the crop before), is p = q·block[k] + r: it lands at spatial
 * index q of batch (r-position of the block, row-major over the M axes)·B + b.
 */
export function spaceBatchOffsets(spatial: readonly number[], batched: readonly number[], block: readonly number[], shift: readonly number[]): AxisOffsets[] {
  const strides = rowMajorStrides(batched);
  const blockWeights = block.map((_, k) => block.slice(k + 1).reduce((a, b) => a * b, 1));
  const perBlockPosition = spatial[0]! * strides[0]!;
  return spatial.map((d, a) => {
    const k = a - 1;
    if (k < 0 || k >= block.length) return stepOffsets(d, strides[a]!);
    const out = new Int32Array(d);
    for (let i = 0; i < d; i++) {
      const p = i + shift[k]!;
      const q = Math.floor(p / block[k]!);
      out[i] = (p - q * block[k]!) * blockWeights[k]! * perBlockPosition + q * strides[a]!;
    }
    return out;
  });
}

/** out[i] = x[i] wherever condition[i] is set (SELECT_V2, once its operands are spread to the output shape). */
export function selectInto(condition: Uint8Array, x: TypedArray, out: TypedArray): void {
  const from = elements(x);
  const to = elements(out);
  for (let i = 0; i < condition.length; i++) if (condition[i]) to[i] = from[i]!;
}
