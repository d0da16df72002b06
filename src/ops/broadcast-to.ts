import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { broadcastOffsets, copyPlan, denseOffsets } from '../kernels/layout.js';
import { defineOp, input } from './define.js';
import { copyPlanKernel } from './data-movement.js';
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
  kernel: copyPlanKernel(targetShape, (_op, inShape, shape) => copyPlan(shape, broadcastOffsets(inShape, shape), denseOffsets(shape))),
});
