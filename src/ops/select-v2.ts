import { EdgefitError } from '../ir/errors.js';
import { DTYPE_BITS, elementCount, type Op } from '../ir/model.js';
import { viewAs, type TypedArray } from '../ir/tensor-data.js';
import { broadcastShapes } from '../kernels/geometry.js';
import { broadcastOffsets, copyByPlan, copyPlan, denseOffsets, selectInto, type CopyPlan } from '../kernels/layout.js';
import { defineKernel, defineOp, input, output } from './define.js';
import { checkOutputShapes, checkSameElements } from './data-movement.js';
import { outputElements } from './shape-helpers.js';

const selectShape = (op: Op): number[] =>
  broadcastShapes(broadcastShapes(input(op, 0).shape, input(op, 1).shape), input(op, 2).shape);

interface SelectPrepared {
  /** Condition, x and y spread to the output shape: the first two into the buffers below, y straight into the output. */
  plans: [CopyPlan, CopyPlan, CopyPlan];
  condition: Uint8Array;
  chosen: TypedArray;
}

/**
 * SELECT_V2: condition ? x : y elementwise, all three broadcast NumPy-style (x and y of any one element type,
 * condition bool). The broadcast is a copy per operand into full-size buffers made at prepare.
 */
export const selectV2 = defineOp({
  name: 'SELECT_V2',
  shape: (op) => [selectShape(op)],
  cost: outputElements,
  outputDtypes: (op) => [input(op, 1).dtype],
  kernel: defineKernel<SelectPrepared>({
    prepare(op) {
      const [c, x, y, out] = [input(op, 0), input(op, 1), input(op, 2), output(op)];
      if (c.dtype !== 'bool') throw new EdgefitError('MALFORMED', `SELECT_V2's condition must be bool, '${c.name}' is ${c.dtype}`, ['input 0']);
      checkSameElements(op, [x, y, out]);
      const shape = selectShape(op);
      checkOutputShapes(op, [shape]);
      const n = elementCount(shape);
      const plan = (from: readonly number[]) => copyPlan(shape, broadcastOffsets(from, shape), denseOffsets(shape));
      return {
        plans: [plan(c.shape), plan(x.shape), plan(y.shape)],
        condition: new Uint8Array(n),
        chosen: viewAs(new Uint8Array((n * DTYPE_BITS[x.dtype]) / 8), x.dtype),
      };
    },
    eval(op, ctx, { plans: [cPlan, xPlan, yPlan], condition, chosen }) {
      const out = ctx.data(output(op));
      copyByPlan(cPlan, ctx.data(input(op, 0)), condition);
      copyByPlan(xPlan, ctx.data(input(op, 1)), chosen);
      copyByPlan(yPlan, ctx.data(input(op, 2)), out);
      selectInto(condition, chosen, out);
    },
  }),
});
