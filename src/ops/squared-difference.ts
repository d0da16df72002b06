import { elementwiseBinary } from './shape-helpers.js';

const f = Math.fround;

/** SQUARED_DIFFERENCE: (a − b)², broadcast (the difference rounded to float32 first, as TFLite computes it). */
export const squaredDifference = elementwiseBinary('SQUARED_DIFFERENCE', undefined, () => (a, b) => {
  const d = f(a - b);
  return d * d;
});
