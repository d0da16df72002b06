import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { copyByPlan, copyPlan, denseOffsets, fillWith, spaceBatchOffsets, type CopyPlan } from '../kernels/layout.js';
import { anyDtype, defineOp, input, output } from './define.js';
import { checkOutputShapes, checkSameElements } from './data-movement.js';
import { dataMovement } from './shape-helpers.js';
import { spaceBatchParams } from './space-batch.js';

function batchedShape(op: Op): number[] {
  const [batches, ...rest] = input(op, 0).shape;
  const { block, before, after } = spaceBatchParams(op, 'paddings');
  const spatial = block.map((b, k) => {
    const padded = rest[k]! + before[k]! + after[k]!;
    if (padded % b) throw new EdgefitError('MALFORMED', `spatial axis ${k + 1}: padded size ${padded} is not a multiple of block size ${b}`, ['input 2']);
    return padded / b;
  });
  return [batches! * block.reduce((a, b) => a * b, 1), ...spatial, ...rest.slice(block.length)];
}

/**
 * SPACE_TO_BATCH_ND: zero-pad the spatial axes, then move each block position into its own batch
 * (batch index = block position · B + b). Quantized tensors pad with the output zero point.
 */
export const spaceToBatchNd = defineOp({
  name: 'SPACE_TO_BATCH_ND',
  quantize: { output: 'same-as-input' },
  shape: (op) => [batchedShape(op)],
  cost: dataMovement,
  kernel: anyDtype<{ plan: CopyPlan; padValue: number }>({
    prepare(op) {
      const [x, y] = [input(op, 0), output(op)];
      const outShape = batchedShape(op);
      checkOutputShapes(op, [outShape]);
      checkSameElements(op, [x, y]);
      const { block, before } = spaceBatchParams(op, 'paddings');
      const padValue = y.quantization?.scale.length ? (y.quantization.zeroPoint[0] ?? 0) : 0;
      return { plan: copyPlan(x.shape, denseOffsets(x.shape), spaceBatchOffsets(x.shape, outShape, block, before)), padValue };
    },
    eval(op, ctx, { plan, padValue }) {
      const out = ctx.data(output(op));
      fillWith(out, padValue);
      copyByPlan(plan, ctx.data(input(op, 0)), out);
    },
  }),
});
