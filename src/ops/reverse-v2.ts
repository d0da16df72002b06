import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { copyByPlan, copyPlan, denseOffsets, reversedOffsets, type CopyPlan } from '../kernels/layout.js';
import { anyDtype, defineOp, input, output } from './define.js';
import { checkOutputShapes, checkSameElements } from './data-movement.js';
import { constInput, dataMovement, normalizeAxis } from './shape-helpers.js';

const reversedAxes = (op: Op): Set<number> => {
  const rank = input(op, 0).shape.length;
  const axis = input(op, 1);
  if (axis.dtype !== 'int32') throw new EdgefitError('UNSUPPORTED', `REVERSE_V2 takes int32 axes (TFLite's rule), '${axis.name}' is ${axis.dtype}`, ['input 1']);
  return new Set(constInput(op, 1, 'axis').map((a) => normalizeAxis(a, rank)));
};

/**
 * REVERSE_V2: the input read backwards along the constant int32 axes of input 1 (any number of them).
 * TFLite-WASM (tfjs-tflite 0.0.1-alpha.10) reverses only the first of several axes: a file meant to run
 * there reverses one axis per op (pinned in test/ops-import-ops.test.ts).
 */
export const reverseV2 = defineOp({
  name: 'REVERSE_V2',
  quantize: { output: 'same-as-input' },
  shape: (op) => {
    reversedAxes(op);
    return [[...input(op, 0).shape]];
  },
  cost: dataMovement,
  kernel: anyDtype<CopyPlan>({
    prepare(op) {
      const x = input(op, 0);
      checkOutputShapes(op, [x.shape]);
      checkSameElements(op, [x, output(op)]);
      return copyPlan(x.shape, reversedOffsets(x.shape, reversedAxes(op)), denseOffsets(x.shape));
    },
    eval(op, ctx, plan) {
      copyByPlan(plan, ctx.data(input(op, 0)), ctx.data(output(op)));
    },
  }),
});
