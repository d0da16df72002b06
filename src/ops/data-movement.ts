/**
 * Prepare-time checks shared by the data-movement ops (their index arithmetic lives in kernels/layout.ts).
 * Data moves bit for bit: never converted between dtypes, never requantized.
 */
import { EdgefitError } from '../ir/errors.js';
import { elementCount, type Op, type Tensor } from '../ir/model.js';
import { copyAll, copyByPlan, type CopyPlan } from '../kernels/layout.js';
import { anyDtype, input, output } from './define.js';

/** The interpreter allocates by each output tensor's own shape: it must be the one the op's rule computes. */
export function checkOutputShapes(op: Op, shapes: readonly (readonly number[])[]): void {
  if (op.outputs.length !== shapes.length) throw new EdgefitError('MALFORMED', `${op.type} has ${op.outputs.length} outputs, expected ${shapes.length}`);
  shapes.forEach((s, k) => {
    const t = output(op, k);
    if (t.shape.length !== s.length || t.shape.some((d, i) => d !== s[i]))
      throw new EdgefitError('MALFORMED', `output shape [${t.shape}] differs from the computed [${s}]`, [`output ${k}`]);
  });
}

/** Every tensor holds the same element type (and, when quantized, the same scale and zero point if `quantization`). */
export function checkSameElements(op: Op, tensors: readonly Tensor[], quantization = false): void {
  const [first] = tensors;
  for (const t of tensors) {
    if (t.dtype !== first!.dtype) throw new EdgefitError('MALFORMED', `${op.type} moves data without converting it: '${t.name}' is ${t.dtype}, '${first!.name}' is ${first!.dtype}`);
    if (quantization && !sameQuantization(t, first!))
      throw new EdgefitError('UNSUPPORTED', `${op.type} with different quantization on '${t.name}' and '${first!.name}' would need requantizing, which edgefit does not do yet`);
  }
}

function sameQuantization(a: Tensor, b: Tensor): boolean {
  const qa = a.quantization;
  const qb = b.quantization;
  if (!qa?.scale.length || !qb?.scale.length) return !qa?.scale.length && !qb?.scale.length;
  return qa.scale.length === qb.scale.length && qa.scale.every((s, i) => s === qb.scale[i] && qa.zeroPoint[i] === qb.zeroPoint[i]);
}

/** RESHAPE, SQUEEZE, EXPAND_DIMS: the elements stay in order, only the shape changes. */
export const reshapeKernel = anyDtype<void>({
  prepare(op) {
    const x = input(op, 0);
    const y = output(op);
    checkSameElements(op, [x, y]);
    if (elementCount(x.shape) !== elementCount(y.shape))
      throw new EdgefitError('MALFORMED', `input [${x.shape}] and output [${y.shape}] hold different element counts`);
  },
  eval(op, ctx) {
    copyAll(ctx.data(input(op, 0)), ctx.data(output(op)));
  },
});

/**
 * A one-input data-movement kernel whose whole work is a gather plan (TILE, BROADCAST_TO, BATCH_TO_SPACE_ND):
 * prepare checks the output against the op's shape rule and builds the plan once; eval copies by it.
 */
export function copyPlanKernel(shapeOf: (op: Op) => number[], planOf: (op: Op, inShape: number[], outShape: number[]) => CopyPlan) {
  return anyDtype<CopyPlan>({
    prepare(op) {
      const x = input(op, 0);
      const shape = shapeOf(op);
      checkOutputShapes(op, [shape]);
      checkSameElements(op, [x, output(op)]);
      return planOf(op, x.shape, shape);
    },
    eval(op, ctx, plan) {
      copyByPlan(plan, ctx.data(input(op, 0)), ctx.data(output(op)));
    },
  });
}
