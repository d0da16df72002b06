/**
 * ONNX shape rules shared by folding and lowering: axes given as attributes or (from opset 13/18) as
 * inputs, Reshape's 0 / −1, Slice's clamping.
 */
import { type Lowering, normAxis } from './context.js';
import { count, type NdArray } from './ndarray.js';

/** Axes from the attribute (older opsets) or from the constant input `inputIndex` (newer ones). */
export function axesArg(cx: Lowering, inputIndex: number, fromInputSince: number, rank: number, attr = 'axes'): number[] | undefined {
  let axes: number[] | undefined;
  if (cx.opset >= fromInputSince) {
    const a = cx.maybeConst(inputIndex, attr);
    axes = a ? Array.from(a.data) : undefined;
  } else axes = cx.node.attrs.ints(attr);
  return axes?.map((a) => normAxis(a, rank));
}

export function squeezeAxes(cx: Lowering, shape: readonly number[], axesInput?: NdArray): number[] {
  const axes = axesInput ? Array.from(axesInput.data, (a) => normAxis(a, shape.length)) : cx.node.attrs.ints('axes')?.map((a) => normAxis(a, shape.length));
  if (!axes) return shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (shape[a] !== 1) cx.fail(`cannot squeeze axis ${a} of size ${shape[a]}`, 'MALFORMED');
  return axes;
}

/** Inserted (output) axes of Unsqueeze, sorted. */
export function unsqueezeAxes(cx: Lowering, rank: number, axesInput?: NdArray): number[] {
  const raw = axesInput ? Array.from(axesInput.data) : cx.node.attrs.ints('axes') ?? cx.fail('Unsqueeze needs axes', 'MALFORMED');
  const outRank = rank + raw.length;
  return raw.map((a) => normAxis(a, outRank)).sort((x, y) => x - y);
}

export function unsqueezeShape(cx: Lowering, shape: readonly number[], axesInput?: NdArray): number[] {
  const axes = unsqueezeAxes(cx, shape.length, axesInput);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < shape.length + axes.length; i++) out.push(axes.includes(i) ? 1 : shape[k++]!);
  return out;
}

export function reshapeTarget(cx: Lowering, shape: readonly number[], target: NdArray): number[] {
  const allowZero = cx.node.attrs.int('allowzero', 0) === 1;
  const out = Array.from(target.data, (d, i) => (d === 0 && !allowZero ? shape[i] ?? cx.fail(`shape entry ${i} copies a missing dimension`, 'MALFORMED') : d));
  const unknown = out.indexOf(-1);
  if (unknown >= 0) {
    const known = count(out.filter((_, i) => i !== unknown));
    out[unknown] = known ? count(shape) / known : 0;
  }
  if (count(out) !== count(shape) || out.some((d) => !Number.isInteger(d) || d < 0))
    cx.fail(`cannot reshape [${shape.join(',')}] to [${Array.from(target.data).join(',')}]`, 'MALFORMED');
  return out;
}

export interface SliceSpec { begin: number[]; size: number[]; step: number[] }

/** Slice's box along every axis, clamped as ONNX specifies (opset < 10: attributes; later: inputs). */
export function sliceSpec(cx: Lowering, shape: readonly number[], rest: (NdArray | undefined)[]): SliceSpec {
  const { attrs } = cx.node;
  const list = (i: number, attr: string) => (cx.opset >= 10 ? (rest[i] ? Array.from(rest[i]!.data) : undefined) : attrs.ints(attr));
  const starts = list(0, 'starts') ?? cx.fail('Slice needs starts', 'MALFORMED');
  const ends = list(1, 'ends') ?? cx.fail('Slice needs ends', 'MALFORMED');
  const axes = (list(2, 'axes') ?? starts.map((_, i) => i)).map((a) => normAxis(a, shape.length));
  const steps = list(3, 'steps') ?? starts.map(() => 1);
  const spec: SliceSpec = { begin: shape.map(() => 0), size: [...shape], step: shape.map(() => 1) };
  axes.forEach((axis, k) => {
    const dim = shape[axis]!;
    const step = steps[k]!;
    if (!step) cx.fail('Slice step 0', 'MALFORMED');
    const norm = (v: number) => (v < 0 ? v + dim : v);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const start = step > 0 ? clamp(norm(starts[k]!), 0, dim) : clamp(norm(starts[k]!), 0, dim - 1);
    const end = step > 0 ? clamp(norm(ends[k]!), 0, dim) : clamp(norm(ends[k]!), -1, dim - 1);
    spec.begin[axis] = start;
    spec.step[axis] = step;
    spec.size[axis] = Math.max(0, Math.ceil((end - start) / step));
  });
  return spec;
}
