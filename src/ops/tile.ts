import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { tilePlan } from '../kernels/layout.js';
import { defineOp, input } from './define.js';
import { copyPlanKernel } from './data-movement.js';
import { constInput, dataMovement } from './shape-helpers.js';

/** Constant multiples (input 1, int32 or int64): one non-negative count per input axis. */
function multiples(op: Op): number[] {
  const rank = input(op, 0).shape.length;
  const m = constInput(op, 1, 'multiples');
  if (m.length !== rank || m.some((k) => !Number.isInteger(k) || k < 0))
    throw new EdgefitError('MALFORMED', `multiples [${m}] must hold ${rank} non-negative counts, one per input axis`, ['input 1']);
  return m;
}

const tiledShape = (op: Op): number[] => {
  const m = multiples(op);
  return input(op, 0).shape.map((d, a) => d * m[a]!);
};

/** TILE: the input repeated multiples[a] times along each axis a (any element type). */
export const tile = defineOp({
  name: 'TILE',
  quantize: { output: 'same-as-input' },
  shape: (op) => [tiledShape(op)],
  cost: dataMovement,
  kernel: copyPlanKernel(tiledShape, (op, inShape) => tilePlan(inShape, multiples(op))),
});
