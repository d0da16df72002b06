/**
 * Kernel plumbing several op modules share: the float32 dtype check, resize parameters, and the kernels
 * that the pool2d and reduction factories in shape-helpers.ts attach (prepare: geometry/plan and scratch;
 * eval: one call into src/kernels/).
 */
import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { Pool2DOptions, ReducerOptions, ResizeBilinearOptions, ResizeNearestNeighborOptions } from '../formats/tflite/schema.js';
import { activationRange } from '../kernels/activation.js';
import { window2d } from '../kernels/geometry.js';
import type { Pool2DParams } from '../kernels/pool.js';
import type { IntArray } from '../kernels/arith-int.js';
import { reduceAccumulate, reduceFloat, reducePlan, type IntReduceKind, type ReduceKind, type ReducePlan } from '../kernels/reduce.js';
import { finishIntReduce, intReduceParams, type IntReduceParams } from '../kernels/reduce-int.js';
import type { ResizeParams } from '../kernels/resize.js';
import { defineKernel, input, kernelsByType, optionsOf, output, type Kernel, type PrepareContext, type KernelContext } from './define.js';
import { intRange, quantizedClamp, quantOf } from './elementwise-kernels.js';
import { packWeights, type SimdGemm } from '../kernels/simd/gemm.js';
import type { SimdMaxPool } from '../kernels/simd/pool.js';
import type { HybridOperands, IntOperands, RowTarget } from '../kernels/int-operands.js';
import type { IntArray as AccumulatorTarget } from '../kernels/requantize.js';
import { constInput, rank4 } from './shape-helpers.js';

/** Float kernels refuse other dtypes at load (prepare), naming the tensor; `except` lists integer inputs (shapes, axes). */
export function requireFloat32(op: Op, except: readonly number[] = []): void {
  const bad = [...op.inputs.filter((_, i) => !except.includes(i)), ...op.outputs].find((t) => t && t.dtype !== 'float32');
  if (bad) throw new EdgefitError('UNSUPPORTED', `${op.type} with ${bad.dtype} tensor '${bad.name}' has no kernel yet (float32 only)`);
}

type PoolLoop = (p: Pool2DParams, input: Float32Array | Int8Array | Int16Array, out: Float32Array | Int8Array | Int16Array) => void;

function poolKernel(pool: PoolLoop, quantized: boolean, simdMax = false): Kernel<Pool2DParams & { simd: SimdMaxPool | null }> {
  return defineKernel<Pool2DParams & { simd: SimdMaxPool | null }>({
    prepare(op, ctx) {
      const [x, y] = [input(op, 0), output(op)];
      if (!quantized) requireFloat32(op);
      else if (y.dtype !== x.dtype) throw new EdgefitError('UNSUPPORTED', `${op.type} ${x.dtype} → ${y.dtype} has no kernel (input and output types must match)`);
      const o = optionsOf(op, Pool2DOptions);
      const [batches, inH, inW, channels] = rank4(op, 0);
      const g = window2d(o.padding, inH, inW, o.filter_height, o.filter_width, o.stride_h, o.stride_w);
      // Quantized: TFLite pools raw values and clamps to the activation range on the output's scale.
      const [min, max] = quantized ? quantizedClamp(y, o.fused_activation_function) : activationRange(o.fused_activation_function);
      return {
        batches, inH, inW, channels, outH: g.outH, outW: g.outW, kH: o.filter_height, kW: o.filter_width,
        strideH: o.stride_h, strideW: o.stride_w, padTop: g.padTop, padLeft: g.padLeft, min, max,
        simd: simdMax ? (ctx.simd?.maxPool ?? null) : null,
      };
    },
    eval(op, ctx, p) {
      const [x, y] = [input(op, 0), output(op)];
      if (p.simd && ctx.offset(x) >= 0 && ctx.offset(y) >= 0) return p.simd.run(p, ctx.offset(x), ctx.offset(y));
      pool(p, ctx.data(x) as Float32Array, ctx.data(y) as Float32Array);
    },
  });
}

/**
 * MAX_POOL_2D / AVERAGE_POOL_2D kernels (float32, int8, int16) around a pooling loop from kernels/pool.ts;
 * `simdMax`: float32 max pooling takes the WebAssembly SIMD kernel when its tensors are in the heap.
 */
export const pool2dKernel = (pool: PoolLoop, simdMax = false) =>
  kernelsByType({ float32: poolKernel(pool, false, simdMax), int8: poolKernel(pool, true), int16: poolKernel(pool, true) });

interface ReductionPrepared { plan: ReducePlan; acc: Float64Array; index: Int32Array }

function prepareReduction(op: Op, kind: ReduceKind): ReductionPrepared {
  const plan = reducePlan(kind, input(op, 0).shape, constInput(op, 1, 'axes'));
  return { plan, acc: new Float64Array(plan.outSize), index: new Int32Array(plan.dims.length) };
}

/** MEAN / SUM / REDUCE_MAX / REDUCE_MIN / REDUCE_PROD kernel over the constant axes of input 1. */
export function floatReductionKernel(kind: ReduceKind): Kernel<ReductionPrepared> {
  return defineKernel<ReductionPrepared>({
    prepare(op) {
      requireFloat32(op, [1]);
      return prepareReduction(op, kind);
    },
    eval: (op, ctx, { plan, acc, index }) => reduceFloat(plan, ctx.f32(input(op, 0)), ctx.f32(output(op)), acc, index),
  });
}

/** The same reductions on int8 / int16 tensors, following TFLite's integer paths (kernels/reduce-int.ts). */
export function intReductionKernel(kind: IntReduceKind): Kernel<ReductionPrepared & { p: IntReduceParams }> {
  return defineKernel({
    prepare(op) {
      const [x, y] = [input(op, 0), output(op)];
      if (y.dtype !== x.dtype) throw new EdgefitError('UNSUPPORTED', `${op.type} ${x.dtype} → ${y.dtype} has no kernel (input and output types must match)`);
      const r = prepareReduction(op, kind);
      const [qx, qy] = [quantOf(x), quantOf(y)];
      if (kind === 'max' && (qx.scale !== qy.scale || qx.zeroPoint !== qy.zeroPoint))
        throw new EdgefitError('UNSUPPORTED', `${op.type} on ${x.dtype} needs input and output to share scale and zero point (TFLite's rule)`);
      const keepDims = optionsOf(op, ReducerOptions).keep_dims;
      return { ...r, p: intReduceParams(kind, x.shape, constInput(op, 1, 'axes'), keepDims, r.plan.count, qx, qy, intRange(y)) };
    },
    eval(op, ctx, { plan, acc, index, p }) {
      reduceAccumulate(plan, ctx.data(input(op, 0)) as IntArray, acc, index);
      finishIntReduce(p, acc, ctx.data(output(op)) as IntArray);
    },
  });
}

/**
 * A reduction's kernels by dtype. int16 SUM is left out: TFLite's demands equal input and output parameters
 * and adds the raw values in int16, wrapping, which no quantized model can use.
 */
export const reductionKernel = (kind: IntReduceKind) =>
  kernelsByType(kind === 'sum'
    ? { float32: floatReductionKernel(kind), int8: intReductionKernel(kind) }
    : { float32: floatReductionKernel(kind), int8: intReductionKernel(kind), int16: intReductionKernel(kind) });

/** RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR parameters from input 0 and the (already inferred) output shape. */
export function resizeParams(op: Op, alignCorners: boolean, halfPixelCenters: boolean): ResizeParams {
  const [batches, inH, inW, channels] = rank4(op, 0);
  const [, outH, outW] = output(op).shape as [number, number, number, number];
  return { batches, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters };
}

type ResizeLoop<T> = (p: ResizeParams, input: T, out: T) => void;
type ResizeTable = typeof ResizeBilinearOptions | typeof ResizeNearestNeighborOptions;

function resizeKernel<T>(table: ResizeTable, dtype: 'float32' | 'int8' | 'int16', loop: ResizeLoop<T>): Kernel<ResizeParams> {
  return defineKernel<ResizeParams>({
    prepare(op) {
      const bad = [input(op, 0), output(op)].find((t) => t.dtype !== dtype);
      if (bad) throw new EdgefitError('UNSUPPORTED', `${op.type} with ${dtype} input and ${bad.dtype} tensor '${bad.name}' has no kernel (input and output types must match)`);
      const o = optionsOf(op, table);
      return resizeParams(op, o.align_corners, o.half_pixel_centers);
    },
    eval: (op, ctx, p) => loop(p, ctx.data(input(op, 0)) as T, ctx.data(output(op)) as T),
  });
}

/** RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR kernels: a float32 loop and one for int8 / int16. */
export const resizeKernels = (table: ResizeTable, float32: ResizeLoop<Float32Array>, integer: ResizeLoop<IntArray>) =>
  kernelsByType({ float32: resizeKernel(table, 'float32', float32), int8: resizeKernel(table, 'int8', integer), int16: resizeKernel(table, 'int16', integer) });

/** Constant float32 weights [n][k] (+ optional bias [n]) packed into the heap for the SIMD GEMM. */
export interface SimdGemmWeights {
  gemm: SimdGemm;
  weightsPtr: number;
  /** 0 = no bias. */
  biasPtr: number;
}

/** Null when SIMD is off or the weights/bias are not constant float32 (the reference kernel runs instead). */
export function packGemmWeights(op: Op, ctx: PrepareContext, n: number, k: number, weightsInput = 1, biasInput = 2): SimdGemmWeights | null {
  const weights = ctx.constant(input(op, weightsInput));
  const biasTensor = op.inputs[biasInput];
  const bias = biasTensor ? ctx.constant(biasTensor) : undefined;
  if (!ctx.simd || !(weights instanceof Float32Array) || (biasTensor && !(bias instanceof Float32Array))) return null;
  return {
    gemm: ctx.simd.gemm,
    weightsPtr: ctx.heap.store(packWeights(weights, n, k)),
    biasPtr: bias ? ctx.heap.store(bias as Float32Array) : 0,
  };
}

/** This invoke's arrays for an integer conv / FC kernel: binds output and bias into `target`, returns the weights. */
export function bindIntOperands(op: Op, ctx: KernelContext, ops: IntOperands, target: RowTarget<AccumulatorTarget>): AccumulatorTarget {
  target.out = ctx.data(output(op)) as AccumulatorTarget;
  target.bias = ops.bias ?? (ops.runtimeBias ? ctx.i32(ops.runtimeBias) : null);
  return ops.weights ?? (ctx.data(input(op, 1)) as AccumulatorTarget);
}

/** The same for a hybrid (dynamic-range) kernel: float32 output and bias, int8 weights. */
export function bindHybridOperands(op: Op, ctx: KernelContext, h: HybridOperands, target: RowTarget<Float32Array>): Int8Array {
  target.out = ctx.f32(output(op));
  target.bias = h.bias ?? (h.runtimeBias ? ctx.f32(h.runtimeBias) : null);
  return h.weights ?? (ctx.data(input(op, 1)) as Int8Array);
}
