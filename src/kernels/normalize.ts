/** Normalisations along the innermost axis: `outer` rows of `depth` values each, in float32 as TFLite's reference computes them. */
const f = Math.fround;

/** softmax(beta · x) per row, shifted by the row max (so exp never overflows). */
export function softmaxFloat(x: Float32Array, out: Float32Array, outer: number, depth: number, beta: number): void {
  const b = f(beta);
  for (let row = 0, base = 0; row < outer; row++, base += depth) {
    let max = -Infinity;
    for (let c = 0; c < depth; c++) if (x[base + c]! > max) max = x[base + c]!;
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      out[base + c] = Math.exp(f(f(x[base + c]! - max) * b));
      sum = f(sum + out[base + c]!);
    }
    for (let c = 0; c < depth; c++) out[base + c] = out[base + c]! / sum;
  }
}

/** TFLite's L2_NORMALIZATION epsilon: the norm is floored at 1e-6 (never added). */
export const L2_NORM_EPSILON = f(1e-6);

/** x / max(‖row‖₂, epsilon) per row. */
export function l2NormalizeFloat(x: Float32Array, out: Float32Array, outer: number, depth: number, epsilon = L2_NORM_EPSILON): void {
  for (let row = 0, base = 0; row < outer; row++, base += depth) {
    let squares = 0;
    for (let c = 0; c < depth; c++) squares = f(squares + f(x[base + c]! * x[base + c]!));
    const norm = Math.max(f(Math.sqrt(squares)), epsilon);
    for (let c = 0; c < depth; c++) out[base + c] = x[base + c]! / norm;
  }
}

/** log(softmax(x)) per row: (x − max) − log Σ e^(x − max), so neither exp nor log leaves range. */
export function logSoftmaxFloat(x: Float32Array, out: Float32Array, outer: number, depth: number): void {
  for (let row = 0, base = 0; row < outer; row++, base += depth) {
    let max = -Infinity;
    for (let c = 0; c < depth; c++) if (x[base + c]! > max) max = x[base + c]!;
    let sum = 0;
    for (let c = 0; c < depth; c++) sum += Math.exp(x[base + c]! - max);
    const logSum = Math.log(sum);
    for (let c = 0; c < depth; c++) out[base + c] = x[base + c]! - max - logSum;
  }
}
