import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { copyPlan, denseOffsets, spaceBatchOffsets } from '../kernels/layout.js';
import { defineOp, input } from './define.js';
import { copyPlanKernel } from './data-movement.js';
import { dataMovement } from './shape-helpers.js';
import { spaceBatchParams } from './space-batch.js';

function spatialShape(op: Op): number[] {
  const [batches, ...rest] = input(op, 0).shape;
  const { block, before, after } = spaceBatchParams(op, 'crops');
  const blocks = block.reduce((a, b) => a * b, 1);
  if (batches! % blocks) throw new EdgefitError('MALFORMED', `batch ${batches} is not a multiple of the block's ${blocks} positions`, ['input 0']);
  const spatial = block.map((b, k) => {
    const size = rest[k]! * b - before[k]! - after[k]!;
    if (size < 0) throw new EdgefitError('MALFORMED', `spatial axis ${k + 1}: crops ${before[k]} + ${after[k]} exceed ${rest[k]! * b}`, ['input 2']);
    return size;
  });
  return [batches! / blocks, ...spatial, ...rest.slice(block.length)];
}

/** BATCH_TO_SPACE_ND: the inverse of SPACE_TO_BATCH_ND: batches back into block positions, then cropped. */
export const batchToSpaceNd = defineOp({
  name: 'BATCH_TO_SPACE_ND',
  quantize: { output: 'same-as-input' },
  shape: (op) => [spatialShape(op)],
  cost: dataMovement,
  kernel: copyPlanKernel(spatialShape, (op, inShape, outShape) => {
    const { block, before } = spaceBatchParams(op, 'crops');
    return copyPlan(outShape, spaceBatchOffsets(outShape, inShape, block, before), denseOffsets(outShape));
  }),
});
