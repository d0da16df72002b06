/**
 * Shape rules and op shapes that many ops share (TFLite Prepare() semantics): axis normalisation,
 * constant-input lookup, reductions, padding, broadcasting, and small factories for the families of
 * ops whose whole definition is "same shape" or "broadcast two inputs".
 */
import { EdgefitError } from '../ir/errors.js';
import { elementCount, type Op } from '../ir/model.js';
import { constantInts } from '../ir/tensor-data.js';
import type { TableDesc } from '../formats/tflite/flatbuf.js';
import { Pool2DOptions, ReducerOptions } from '../formats/tflite/schema.js';
import { broadcastShapes, window2d } from '../kernels/geometry.js';
import { defineOp, input, optionsOf, output, type Kernel, type OpCost, type OpDef } from './define.js';
import { floatBinaryKernel, floatUnaryKernel, type BinaryFloat, type UnaryFloat } from './elementwise-kernels.js';

/** `axis` in [-rank, rank) → [0, rank). */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new EdgefitError('MALFORMED', `${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Integer values of constant input `i`; a non-constant input makes the output shape dynamic. */
export function constInput(op: Op, i: number, what: string): number[] {
  const t = input(op, i);
  const values = constantInts(t);
  if (!values)
    throw new EdgefitError(
      'UNSUPPORTED',
      `${what} (input ${i}, '${t.name}') is not a constant integer tensor: the output shape of ${op.type} would only be known at run time`,
      [`input ${i}`],
    );
  return values;
}

/** A single constant axis value (scalar or 1-element tensor). */
export function constAxis(op: Op, i: number, rank: number): number {
  const values = constInput(op, i, 'axis');
  if (values.length !== 1) throw new EdgefitError('MALFORMED', `axis must have one element, has ${values.length}`, [`input ${i}`]);
  return normalizeAxis(values[0]!, rank);
}

/** Reduced shape: reduced axes (negative allowed, duplicates ignored) become 1 or disappear. */
export function reduceShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const reduced = new Set(axes.map((a) => normalizeAxis(a, shape.length)));
  return keepDims ? shape.map((d, i) => (reduced.has(i) ? 1 : d)) : shape.filter((_, i) => !reduced.has(i));
}

/** Shape after padding by a constant [rank, 2] paddings tensor (input 1). */
export function paddedShape(op: Op): number[] {
  const shape = input(op, 0).shape;
  const pads = constInput(op, 1, 'paddings');
  if (pads.length !== 2 * shape.length)
    throw new EdgefitError('MALFORMED', `paddings has ${pads.length} values, input rank ${shape.length} needs ${2 * shape.length}`);
  return shape.map((d, i) => {
    const before = pads[2 * i]!;
    const after = pads[2 * i + 1]!;
    if (before < 0 || after < 0) throw new EdgefitError('MALFORMED', `negative padding ${before}/${after} on axis ${i}`);
    return d + before + after;
  });
}

/** [N, H, W, C] → [N, new_h, new_w, C] from a constant size tensor (input 1), as the resize ops do. */
export function resizedShape(op: Op): number[] {
  const [n, , , c] = rank4(op, 0);
  const size = constInput(op, 1, 'size');
  if (size.length !== 2) throw new EdgefitError('MALFORMED', `size must hold [height, width], holds ${size.length} values`);
  return [n, size[0]!, size[1]!, c];
}

/** Input `i`, which must be rank 4 (NHWC). */
export function rank4(op: Op, i: number): [number, number, number, number] {
  const s = input(op, i).shape;
  if (s.length !== 4) throw new EdgefitError('MALFORMED', `input ${i} must be rank 4, has shape [${s}]`, [`input ${i}`]);
  return s as [number, number, number, number];
}

// ---- cost rules (see define.ts) ----
export const outputElements = (op: Op): OpCost => ({ macs: op.outputs.reduce((sum, t) => sum + elementCount(t.shape), 0) });
export const dataMovement = (): OpCost => ({ macs: 0 });

// ---- op families ----
/**
 * Elementwise op on input 0 (activations, math, conversions): output shape = input shape. `kernel` is the
 * float32 scalar function made from the op's options (iteration and dtype checks come with it), or a whole
 * Kernel for ops that are not one float in, one float out.
 */
export const elementwiseUnary = <O extends TableDesc>(name: string, options?: O, kernel?: UnaryFloat<O> | Kernel<any>): OpDef<O> =>
  defineOp({
    name, options, shape: (op) => [[...input(op, 0).shape]], cost: outputElements,
    kernel: typeof kernel === 'function' ? floatUnaryKernel(options, kernel) : kernel,
  });

/** Elementwise op on two inputs, NumPy-broadcast; `kernel` as for elementwiseUnary (fused activations are applied). */
export const elementwiseBinary = <O extends TableDesc>(name: string, options?: O, kernel?: BinaryFloat<O> | Kernel<any>): OpDef<O> =>
  defineOp({
    name, options, shape: (op) => [broadcastShapes(input(op, 0).shape, input(op, 1).shape)], cost: outputElements,
    kernel: typeof kernel === 'function' ? floatBinaryKernel(options, kernel) : kernel,
  });

/** Layout-only op: data moves, no arithmetic. */
export const unaryDataMovement = (name: string): OpDef => defineOp({ name, shape: (op) => [[...input(op, 0).shape]], cost: dataMovement });

/** Reduction over constant axes (input 1) with ReducerOptions.keep_dims. */
export const reduction = (name: string, kernel?: Kernel<any>): OpDef<typeof ReducerOptions> =>
  defineOp({
    name,
    options: ReducerOptions,
    shape(op) {
      const axes = input(op, 1);
      if (axes.dtype !== 'int32') throw new EdgefitError('UNSUPPORTED', `${name} takes int32 axes (TFLite's rule), '${axes.name}' is ${axes.dtype}`, ['input 1']);
      return [reduceShape(input(op, 0).shape, constInput(op, 1, 'axes'), optionsOf(op, ReducerOptions).keep_dims)];
    },
    cost: outputElements,
    kernel,
  });

/** MAX_POOL_2D / AVERAGE_POOL_2D: window from Pool2DOptions, channels kept. */
export const pool2d = (name: string, kernel?: Kernel<any>): OpDef<typeof Pool2DOptions> =>
  defineOp({
    name,
    kernel,
    options: Pool2DOptions,
    shape(op) {
      const o = optionsOf(op, Pool2DOptions);
      const [n, h, w, c] = rank4(op, 0);
      const g = window2d(o.padding, h, w, o.filter_height, o.filter_width, o.stride_h, o.stride_w);
      return [[n, g.outH, g.outW, c]];
    },
    cost: outputElements,
    describe(op) {
      const o = optionsOf(op, Pool2DOptions);
      return `${o.filter_height}x${o.filter_width} s${o.stride_h}x${o.stride_w} ${o.padding} ${o.fused_activation_function.toLowerCase()}`;
    },
  });

/** MACs of a matmul-like op: output elements × products accumulated per output. */
export const accumulated = (op: Op, perOutput: number): OpCost => ({ macs: elementCount(output(op).shape) * perOutput });
