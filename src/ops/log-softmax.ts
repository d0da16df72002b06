import { elementCount } from '../ir/model.js';
import { logSoftmaxFloat } from '../kernels/normalize.js';
import { defineKernel, input, output } from './define.js';
import { requireDtypes, requireOutputSize } from './elementwise-kernels.js';
import { elementwiseUnary } from './shape-helpers.js';

/** LOG_SOFTMAX over the last axis. */
export const logSoftmax = elementwiseUnary('LOG_SOFTMAX', undefined, defineKernel({
  prepare(op) {
    requireDtypes(op, ['float32']);
    const shape = input(op, 0).shape;
    requireOutputSize(op, shape);
    const depth = shape[shape.length - 1] ?? 1;
    return { outer: depth ? elementCount(shape) / depth : 0, depth };
  },
  eval(op, ctx, { outer, depth }) {
    logSoftmaxFloat(ctx.f32(input(op, 0)), ctx.f32(output(op)), outer, depth);
  },
}));
