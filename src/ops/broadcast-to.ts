import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { broadcastOffsets, copyByPlan, copyPlan, denseOffsets, type CopyPlan } from '../kernels/layout.js';
import { anyDtype, defineOp, input, output } from './define.js';
import { checkOutputShapes, checkSameElements } from './data-movement.js';
import { constInput, dataMovement } from './shape-helpers.js';

/** The constant target shape (input 1), which the input must broadcast to unchanged. */
function targetShape(op: Op): number[] {
  const from = input(op, 0).shape;
  const shape = constInput(op, 1, 'shape');
  const lead = shape.length - from.length;
  if (lead < 0 || from.some((d, a) => d !== 1 && d !== shape[lead + a]))
    throw new EdgefitError('MALFORMED', `[${from}] does not broadcast to [${shape}]`, ['input 1']);
  return shape;
}

/**
 * BROADCAST_TO: the input repeated NumPy-style to a constant shape (any element type). TFLite registers this
 * builtin from version 2 on (version 1 is refused as unknown), so that is what edgefit writes.
 */
export const broadcastTo = defineOp({
  name: 'BROADCAST_TO',
  version: 2,
  quantize: { output: 'same-as-input' },
  shape: (op) => [targetShape(op)],
  cost: dataMovement,
  kernel: anyDtype<CopyPlan>({
    prepare(op) {
      const x = input(op, 0);
      const shape = targetShape(op);
      checkOutputShapes(op, [shape]);
      checkSameElements(op, [x, output(op)]);
      return copyPlan(shape, broadcastOffsets(x.shape, shape), denseOffsets(shape));
    },
    eval(op, ctx, plan) {
      copyByPlan(plan, ctx.data(input(op, 0)), ctx.data(output(op)));
    },
  }),
});
