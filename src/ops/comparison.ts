/**
 * What the comparison ops (GREATER, GREATER_EQUAL, LESS, LESS_EQUAL, EQUAL, NOT_EQUAL) share: float32 or
 * int32 operands, NumPy-broadcast, bool output (TFLite's quantized comparisons, which rescale their operands
 * first, are not here).
 */
import { EdgefitError } from '../ir/errors.js';
import { binaryMap, planBroadcast, type BroadcastPlan } from '../kernels/elementwise.js';
import { broadcastShapes } from '../kernels/geometry.js';
import { defineKernel, defineOp, input, output, type OpDef } from './define.js';
import { requireOutputSize } from './elementwise-kernels.js';
import { outputElements } from './shape-helpers.js';

type Compare = (a: number, b: number) => boolean;

/** A comparison op: `compare` on each broadcast pair, written as bool 0 / 1. */
export function comparison(name: string, compare: Compare): OpDef {
  const fn = (a: number, b: number) => (compare(a, b) ? 1 : 0);
  return defineOp({
    name,
    shape: (op) => [broadcastShapes(input(op, 0).shape, input(op, 1).shape)],
    cost: outputElements,
    outputDtypes: () => ['bool'],
    kernel: defineKernel<BroadcastPlan>({
      prepare(op) {
        const [a, b, out] = [input(op, 0), input(op, 1), output(op)];
        if (a.dtype !== b.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32') || out.dtype !== 'bool')
          throw new EdgefitError('UNSUPPORTED', `${name} with ${a.dtype}, ${b.dtype} → ${out.dtype} has no kernel (float32 or int32 operands of one type, bool output)`);
        const plan = planBroadcast(a.shape, b.shape);
        requireOutputSize(op, plan.outShape);
        return plan;
      },
      eval(op, ctx, plan) {
        binaryMap<Float32Array | Int32Array | Uint8Array>(plan, ctx.data(input(op, 0)) as Float32Array, ctx.data(input(op, 1)) as Float32Array, ctx.data(output(op)) as Uint8Array, fn);
      },
    }),
  });
}
