/**
 * What SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND share: their constant parameters, checked as TFLite's
 * Prepare checks them (input rank 3 or 4, one block size per spatial axis, int32 parameters).
 */
import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import { input } from './define.js';
import { constInput } from './shape-helpers.js';

export interface SpaceBatchParams {
  block: number[];
  /** Per spatial axis: padding (SPACE_TO_BATCH_ND) or crop (BATCH_TO_SPACE_ND) before and after. */
  before: number[];
  after: number[];
}

export function spaceBatchParams(op: Op, edges: 'paddings' | 'crops'): SpaceBatchParams {
  const shape = input(op, 0).shape;
  if (shape.length !== 3 && shape.length !== 4)
    throw new EdgefitError('UNSUPPORTED', `${op.type} takes a rank 3 or 4 input (TFLite's rule), has shape [${shape}]`, ['input 0']);
  for (const i of [1, 2]) {
    const t = input(op, i);
    if (t.dtype !== 'int32') throw new EdgefitError('UNSUPPORTED', `${op.type} reads ${i === 1 ? 'block_shape' : edges} as int32 (TFLite's rule), '${t.name}' is ${t.dtype}`, [`input ${i}`]);
  }
  const spatialAxes = shape.length - 2;
  const block = constInput(op, 1, 'block_shape');
  const pairs = constInput(op, 2, edges);
  if (block.length !== spatialAxes || block.some((b) => b < 1))
    throw new EdgefitError('MALFORMED', `block_shape [${block}] must hold ${spatialAxes} sizes ≥ 1, one per spatial axis of [${shape}]`, ['input 1']);
  if (pairs.length !== 2 * spatialAxes || pairs.some((v) => v < 0))
    throw new EdgefitError('MALFORMED', `${edges} [${pairs}] must hold ${spatialAxes} non-negative (before, after) pairs`, ['input 2']);
  return { block, before: block.map((_, k) => pairs[2 * k]!), after: block.map((_, k) => pairs[2 * k + 1]!) };
}
