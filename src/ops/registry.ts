/**
 * The op registry, built from an explicit list (no import side effects) so tools can ask for exactly
 * the ops a model uses. The interpreter, planner, quantizer, cost model and code generators all ask here.
 */
import { EdgefitError } from '../ir/errors.js';
import type { Op } from '../ir/model.js';
import type { OpDef } from './define.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { argMax } from './arg-max.js';
import { averagePool2d } from './average-pool2d.js';
import { batchMatmul } from './batch-matmul.js';
import { cast } from './cast.js';
import { concatenation } from './concatenation.js';
import { conv2d } from './conv2d.js';
import { convolution2dTransposeBias } from './convolution2d-transpose-bias.js';
import { densify } from './densify.js';
import { depthToSpace } from './depth-to-space.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';
import { dequantize } from './dequantize.js';
import { div } from './div.js';
import { exp } from './exp.js';
import { expandDims } from './expand-dims.js';
import { fullyConnected } from './fully-connected.js';
import { gather } from './gather.js';
import { hardSwish } from './hard-swish.js';
import { l2Normalization } from './l2-normalization.js';
import { leakyRelu } from './leaky-relu.js';
import { log } from './log.js';
import { logistic } from './logistic.js';
import { maximum } from './maximum.js';
import { maxPool2d } from './max-pool2d.js';
import { mean } from './mean.js';
import { minimum } from './minimum.js';
import { mirrorPad } from './mirror-pad.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { pack } from './pack.js';
import { pad } from './pad.js';
import { padv2 } from './padv2.js';
import { pow } from './pow.js';
import { prelu } from './prelu.js';
import { quantize } from './quantize.js';
import { reduceMax } from './reduce-max.js';
import { relu } from './relu.js';
import { relu6 } from './relu6.js';
import { reluN1To1 } from './relu-n1-to1.js';
import { reshape } from './reshape.js';
import { resizeBilinear } from './resize-bilinear.js';
import { resizeNearestNeighbor } from './resize-nearest-neighbor.js';
import { rsqrt } from './rsqrt.js';
import { shape } from './shape.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { spaceToDepth } from './space-to-depth.js';
import { split } from './split.js';
import { splitV } from './split-v.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { squeeze } from './squeeze.js';
import { stridedSlice } from './strided-slice.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { transposeConv } from './transpose-conv.js';
import { unidirectionalSequenceLstm } from './unidirectional-sequence-lstm.js';
import { unpack } from './unpack.js';
// Ops the model importers (Keras, TF.js, ONNX) lower to.
import { batchToSpaceNd } from './batch-to-space-nd.js';
import { broadcastTo } from './broadcast-to.js';
import { ceil } from './ceil.js';
import { cos } from './cos.js';
import { elu } from './elu.js';
import { equal } from './equal.js';
import { floor } from './floor.js';
import { gelu } from './gelu.js';
import { greater } from './greater.js';
import { greaterEqual } from './greater-equal.js';
import { less } from './less.js';
import { lessEqual } from './less-equal.js';
import { logSoftmax } from './log-softmax.js';
import { notEqual } from './not-equal.js';
import { reduceMin } from './reduce-min.js';
import { reduceProd } from './reduce-prod.js';
import { relu0To1 } from './relu-0-to-1.js';
import { reverseV2 } from './reverse-v2.js';
import { selectV2 } from './select-v2.js';
import { sin } from './sin.js';
import { spaceToBatchNd } from './space-to-batch-nd.js';
import { squaredDifference } from './squared-difference.js';
import { tile } from './tile.js';

export const ALL_OPS: readonly OpDef[] = [
  abs, add, argMax, averagePool2d, batchMatmul, cast, concatenation, conv2d, convolution2dTransposeBias,
  densify, depthToSpace, depthwiseConv2d, dequantize, div, exp, expandDims, fullyConnected, gather,
  hardSwish, l2Normalization, leakyRelu, log, logistic, maximum, maxPool2d, mean, minimum, mirrorPad, mul,
  neg, pack, pad, padv2, pow, prelu, quantize, reduceMax, relu, relu6, reluN1To1, reshape, resizeBilinear,
  resizeNearestNeighbor, rsqrt, shape, slice, softmax, spaceToDepth, split, splitV, sqrt, square, squeeze,
  stridedSlice, sub, sum, tanh, transpose, transposeConv, unidirectionalSequenceLstm, unpack,
  batchToSpaceNd, broadcastTo, ceil, cos, elu, equal, floor, gelu, greater, greaterEqual, less, lessEqual, logSoftmax,
  notEqual, reduceMin, reduceProd, relu0To1, reverseV2, selectV2, sin, spaceToBatchNd, squaredDifference, tile,
];

const byKey = new Map<string, OpDef>(ALL_OPS.map((d) => [`${d.custom ? 'custom' : 'builtin'}:${d.name}`, d]));

export function findOp(op: Pick<Op, 'type' | 'custom'>): OpDef | undefined {
  return byKey.get(`${op.custom ? 'custom' : 'builtin'}:${op.type}`);
}

export function requireOp(op: Pick<Op, 'type' | 'custom'>): OpDef {
  const def = findOp(op);
  if (!def) throw new EdgefitError('UNSUPPORTED', `${op.custom ? 'custom op' : 'op'} ${op.type} is not supported by edgefit`);
  return def;
}
