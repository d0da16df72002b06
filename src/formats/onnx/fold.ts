/**
 * Import-time evaluation of nodes whose inputs are all constants (PyTorch's shape arithmetic), and of
 * Shape, whose result the static shapes already decide. Each folder returns the node's outputs.
 */
import { type Lowering, normAxis, shapeOf } from './context.js';
import { cast, concat, isFloat, mapN, nd, sliceBox, take, transpose, count, type ElemType, type NdArray } from './ndarray.js';
import { elemType } from './proto.js';
import { reshapeTarget, sliceSpec, squeezeAxes, unsqueezeShape } from './shapes.js';

type Folder = (cx: Lowering, a: NdArray[]) => NdArray[];

const unary = (fn: (x: number) => number): Folder => (_cx, [a]) => [mapN([a!], a!.type, fn)];
const binary = (fn: (x: number, y: number) => number, result?: ElemType): Folder => (_cx, [a, b]) => [mapN([a!, b!], result ?? a!.type, fn)];
const bool = (fn: (x: number, y: number) => boolean): Folder => binary((x, y) => (fn(x, y) ? 1 : 0), 'bool');

export const FOLDERS: Record<string, Folder> = {
  Add: binary((x, y) => x + y),
  Sub: binary((x, y) => x - y),
  Mul: binary((x, y) => x * y),
  // Integer division truncates, as ONNX Runtime's does.
  Div: (_cx, [a, b]) => [mapN([a!, b!], a!.type, isFloat(a!.type) ? (x, y) => x / y : (x, y) => Math.trunc(x / y))],
  Pow: binary(Math.pow),
  Equal: bool((x, y) => x === y),
  Less: bool((x, y) => x < y),
  Greater: bool((x, y) => x > y),
  Neg: unary((x) => -x),
  Abs: unary(Math.abs),
  Sqrt: unary(Math.sqrt),
  Floor: unary(Math.floor),
  Ceil: unary(Math.ceil),
  Exp: unary(Math.exp),
  Relu: unary((x) => Math.max(x, 0)),
  Not: unary((x) => (x ? 0 : 1)),
  Identity: (_cx, [a]) => [a!],
  Max: (_cx, a) => [mapN(a, a[0]!.type, Math.max)],
  Min: (_cx, a) => [mapN(a, a[0]!.type, Math.min)],
  Where: (_cx, [c, x, y]) => [mapN([c!, x!, y!], x!.type, (k, p, q) => (k ? p : q))],
  Cast: (cx, [a]) => {
    const to = elemType(cx.node.attrs.int('to', 0), cx.describe());
    return [{ type: to, shape: a!.shape, data: cast(a!.data, to) }];
  },
  Concat: (cx, a) => {
    const nonEmpty = a.filter((x) => count(x.shape) > 0 || a.length === 1);
    return [concat(nonEmpty.length ? nonEmpty : a, normAxis(cx.node.attrs.int('axis', 0), a[0]!.shape.length))];
  },
  Gather: (cx, [a, idx]) => [take(a!, idx!, normAxis(cx.node.attrs.int('axis', 0), a!.shape.length))],
  Unsqueeze: (cx, [a, axes]) => [{ ...a!, shape: unsqueezeShape(cx, a!.shape, axes) }],
  Squeeze: (cx, [a, axes]) => {
    const drop = squeezeAxes(cx, a!.shape, axes);
    return [{ ...a!, shape: a!.shape.filter((_, i) => !drop.includes(i)) }];
  },
  Reshape: (cx, [a, shape]) => [{ ...a!, shape: reshapeTarget(cx, a!.shape, shape!) }],
  Flatten: (cx, [a]) => {
    const axis = normAxis(cx.node.attrs.int('axis', 1), a!.shape.length);
    return [{ ...a!, shape: [count(a!.shape.slice(0, axis)), count(a!.shape.slice(axis))] }];
  },
  Transpose: (cx, [a]) => [transpose(a!, cx.node.attrs.ints('perm') ?? a!.shape.map((_, i) => a!.shape.length - 1 - i))],
  Slice: (cx, [a, ...rest]) => {
    const s = sliceSpec(cx, a!.shape, rest);
    return [sliceBox(a!, s.begin, s.size, s.step)];
  },
  ConstantOfShape: (cx, [shape]) => {
    const value = cx.node.attrs.tensor('value') ?? nd('float32', [1], [0]);
    return [{ type: value.type, shape: Array.from(shape!.data), data: new Float64Array(count(Array.from(shape!.data))).fill(value.data[0]!) }];
  },
  Range: (_cx, [start, limit, delta]) => {
    const [s, l, d] = [start!.data[0]!, limit!.data[0]!, delta!.data[0]!];
    const n = Math.max(Math.ceil((l - s) / d), 0);
    return [nd(start!.type, [n], Array.from({ length: n }, (_, i) => s + i * d))];
  },
  Expand: (_cx, [a, shape]) => [mapN([a!, { type: 'float32', shape: Array.from(shape!.data), data: new Float64Array(count(Array.from(shape!.data))) }], a!.type, (x) => x)],
};

/** Shape (opset 15 adds start/end) from the value's static shape. */
export function foldShape(cx: Lowering): NdArray {
  const shape = shapeOf(cx.in(0));
  const r = shape.length;
  const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clampAxis(cx.node.attrs.int('start', 0));
  const end = clampAxis(cx.node.attrs.int('end', r));
  return nd('int64', [Math.max(end - start, 0)], shape.slice(start, end));
}

/** Folds the current node when possible; returns whether it did. */
export function tryFold(cx: Lowering): boolean {
  const { node } = cx;
  if (node.opType === 'Shape') return cx.set(0, { kind: 'const', a: foldShape(cx) }), true;
  if (node.opType === 'Size') return cx.set(0, { kind: 'const', a: nd('int64', [], [count(shapeOf(cx.in(0)))]) }), true;
  const folder = FOLDERS[node.opType];
  if (!folder) return false;
  const inputs = node.inputs.map((_, i) => cx.maybe(i));
  if (!inputs.every((v) => !v || v.kind === 'const')) return false;
  // Absent optional inputs stay absent (positions matter).
  const outs = folder(cx, inputs.map((v) => (v?.kind === 'const' ? v.a : undefined)) as NdArray[]);
  outs.forEach((a, k) => cx.set(k, { kind: 'const', a }));
  return true;
}
