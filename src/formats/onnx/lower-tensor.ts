/**
 * Elementwise ops (any layout: constants are re-laid out to the activation's) and data movement (axes
 * remapped through the value's permutation; Reshape/Flatten read the value in ONNX order).
 */
import type { Tensor } from '../../ir/model.js';
import { identity, type Lowering, normAxis, type RtValue, samePerm, shapeOf, type Value } from './context.js';
import { count, nd } from './ndarray.js';
import { elemType } from './proto.js';
import { axesArg, reshapeTarget, sliceSpec, squeezeAxes, unsqueezeAxes } from './shapes.js';

export type Lower = (cx: Lowering) => void;

/** `type` over broadcast operands; the result keeps the operands' common layout. */
export function elementwise(cx: Lowering, type: string, vals: readonly Value[], options: Record<string, unknown> = {}, name = cx.name()): RtValue {
  const { tensors, perm } = cx.broadcastOperands(vals);
  const t = cx.op(type, tensors, options, name);
  const shape = new Array<number>(perm.length);
  perm.forEach((p, i) => (shape[p] = t.shape[i]!));
  return { kind: 'rt', t, shape, perm };
}

const scalar = (v: number): Value => ({ kind: 'const', a: nd('float32', [], [v]) });

/** An op applied to one run-time value, layout unchanged. */
export function unaryOp(cx: Lowering, type: string, v: Value, options: Record<string, unknown> = {}, name = cx.name()): RtValue {
  const x = cx.asRt(v);
  return { kind: 'rt', t: cx.op(type, [x.t], options, name), shape: x.shape, perm: x.perm };
}

const unary = (type: string, options: (cx: Lowering) => Record<string, unknown> = () => ({})): Lower => (cx) =>
  cx.set(0, unaryOp(cx, type, cx.in(0), options(cx)));

/** A binary op folded over all inputs, left to right (Max/Min/Sum/Mean take any number); the last result is named `name`. */
function chain(cx: Lowering, type: string, name: string): Value {
  let acc: Value = cx.in(0);
  for (let i = 1; i < cx.node.inputs.length; i++)
    acc = elementwise(cx, type, [acc, cx.in(i)], {}, i === cx.node.inputs.length - 1 ? name : cx.name(`${type.toLowerCase()}${i}`));
  return acc;
}

const variadic = (type: string): Lower => (cx) => cx.set(0, chain(cx, type, cx.name()));

function mean(cx: Lowering): void {
  const n = cx.node.inputs.length;
  const sum = chain(cx, 'ADD', cx.name('sum'));
  cx.set(0, n === 1 ? sum : elementwise(cx, 'MUL', [sum, scalar(1 / n)]));
}

function clip(cx: Lowering): void {
  const bound = (i: number, attr: string, def: number) => {
    if (cx.opset < 11) return cx.node.attrs.float(attr, def);
    const c = cx.maybeConst(i, attr);
    return c ? c.data[0]! : def;
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  const x = cx.in(0);
  const fused = lo === 0 && hi === 6 ? 'RELU6' : lo === -1 && hi === 1 ? 'RELU_N1_TO_1' : lo === 0 && hi === 1 ? 'RELU_0_TO_1' : lo === 0 && hi === Infinity ? 'RELU' : null;
  if (fused) return cx.set(0, unaryOp(cx, fused, x));
  let y: Value = x;
  if (lo > -Infinity) y = elementwise(cx, 'MAXIMUM', [y, scalar(lo)], {}, hi < Infinity ? cx.name('min') : cx.name());
  if (hi < Infinity) y = elementwise(cx, 'MINIMUM', [y, scalar(hi)]);
  cx.set(0, y);
}

function hardSigmoid(cx: Lowering): void {
  const alpha = cx.node.attrs.float('alpha', 0.2);
  const beta = cx.node.attrs.float('beta', 0.5);
  const scaled = elementwise(cx, 'MUL', [cx.in(0), scalar(alpha)], {}, cx.name('scaled'));
  const shifted = elementwise(cx, 'ADD', [scaled, scalar(beta)], {}, cx.name('shifted'));
  cx.set(0, unaryOp(cx, 'RELU_0_TO_1', shifted));
}

/** elu(x) = relu(x) + α·(exp(min(x, 0)) − 1). */
function elu(cx: Lowering): void {
  const alpha = cx.node.attrs.float('alpha', 1);
  const x = cx.in(0);
  if (alpha === 1) return cx.set(0, unaryOp(cx, 'ELU', x));
  const neg = elementwise(cx, 'MINIMUM', [x, scalar(0)], {}, cx.name('neg'));
  const em1 = elementwise(cx, 'SUB', [unaryOp(cx, 'EXP', neg, {}, cx.name('exp')), scalar(1)], {}, cx.name('expm1'));
  const scaled = elementwise(cx, 'MUL', [em1, scalar(alpha)], {}, cx.name('scaled'));
  cx.set(0, elementwise(cx, 'ADD', [unaryOp(cx, 'RELU', x, {}, cx.name('pos')), scaled]));
}

/** A comparison: a bool result in the operands' layout. */
const compare = (type: string): Lower => (cx) => cx.set(0, elementwise(cx, type, [cx.in(0), cx.in(1)]));

function tile(cx: Lowering): void {
  const x = cx.rtIn(0);
  const repeats = Array.from(cx.constIn(1, 'repeats').data);
  cx.setRt(0, cx.op('TILE', [x.t, cx.ints(x.perm.map((p) => repeats[p]!), 'multiples')]), x.perm);
}

/**
 * Erf alone has no TFLite builtin: Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5·10⁻⁷),
 * erf(x) = sign(x)·(1 − t·(a₁ + t·(a₂ + t·(a₃ + t·(a₄ + t·a₅))))·e^(−x²)), t = 1/(1 + p|x|),
 * with sign(x) = clamp(x·10³⁰, −1, 1) (exact for |x| ≥ 10⁻³⁰; below, erf(x) is 0 to float precision).
 * PyTorch's GELU pattern around it becomes one GELU (see geluPattern).
 */
function erf(cx: Lowering): void {
  const x = cx.in(0);
  const n = (s: string) => cx.name(`erf/${s}`);
  const [p, a1, a2, a3, a4, a5] = [0.3275911, 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];
  const ax = unaryOp(cx, 'ABS', x, {}, n('abs'));
  const t = elementwise(cx, 'DIV', [scalar(1), elementwise(cx, 'ADD', [elementwise(cx, 'MUL', [ax, scalar(p)], {}, n('px')), scalar(1)], {}, n('den'))], {}, n('t'));
  let poly: Value = scalar(a5);
  [a4, a3, a2, a1].forEach((a, i) => {
    poly = elementwise(cx, 'ADD', [elementwise(cx, 'MUL', [poly, t], {}, n(`h${i}`)), scalar(a)], {}, n(`c${i}`));
  });
  poly = elementwise(cx, 'MUL', [poly, t], {}, n('poly'));
  const gauss = unaryOp(cx, 'EXP', unaryOp(cx, 'NEG', elementwise(cx, 'MUL', [x, x], {}, n('sq')), {}, n('negsq')), {}, n('gauss'));
  const magnitude = elementwise(cx, 'SUB', [scalar(1), elementwise(cx, 'MUL', [poly, gauss], {}, n('tail'))], {}, n('magnitude'));
  const sign = unaryOp(cx, 'RELU_N1_TO_1', elementwise(cx, 'MUL', [x, scalar(1e30)], {}, n('scaled')), {}, n('sign'));
  cx.set(0, elementwise(cx, 'MUL', [sign, magnitude]));
}

/**
 * PyTorch exports GELU (opset < 20) as x · (erf(x/√2) + 1) · 0.5 over two Muls (either nesting, either
 * operand order); at the last Mul, one GELU on x replaces it (the pattern's own ops become dead and are
 * dropped unless something else reads them).
 */
function geluPattern(cx: Lowering): RtValue | undefined {
  const producer = (name: string, op: string) => {
    const n = cx.producers.get(name);
    return n?.opType === op ? n : undefined;
  };
  const constant = (name: string | undefined, value: number) => {
    const v = name ? cx.values.get(name) : undefined;
    return v?.kind === 'const' && v.a.data.length === 1 && Math.abs(v.a.data[0]! - value) < 1e-6 * Math.abs(value);
  };
  const factors = cx.node.inputs.flatMap((name) => producer(name, 'Mul')?.inputs ?? [name]);
  if (factors.length !== 3) return undefined;
  if (!factors.some((f) => constant(f, 0.5)) || factors.length !== new Set(factors).size) return undefined;
  // The factor (erf(x/√2) + 1), and x itself among the others.
  for (const f of factors) {
    const add = producer(f, 'Add');
    const one = add ? add.inputs.findIndex((i) => constant(i, 1)) : -1;
    const erfNode = one >= 0 ? producer(add!.inputs[1 - one] ?? '', 'Erf') : undefined;
    const scaled = erfNode && (producer(erfNode.inputs[0]!, 'Div') ?? producer(erfNode.inputs[0]!, 'Mul'));
    if (!scaled) continue;
    const factor = scaled.opType === 'Div' ? Math.SQRT2 : Math.SQRT1_2;
    const x = scaled.inputs.find((i) => !constant(i, factor));
    if (x && scaled.inputs.some((i) => constant(i, factor)) && factors.includes(x) && x !== f)
      return unaryOp(cx, 'GELU', cx.values.get(x)!, { approximate: false });
  }
  return undefined;
}

function pow(cx: Lowering): void {
  const e = cx.in(1);
  if (e.kind === 'const' && count(e.a.shape) === 1 && e.a.data[0] === 2) return cx.set(0, elementwise(cx, 'MUL', [cx.in(0), cx.in(0)]));
  cx.set(0, elementwise(cx, 'POW', [cx.in(0), e]));
}

/** The value with ONNX axis `axis` moved last in IR order (Softmax and friends act on the last axis). */
function axisLast(cx: Lowering, v: RtValue, axis: number): { t: Tensor; perm: number[] } {
  const perm = [...v.perm.filter((p) => p !== axis), axis];
  return { t: cx.layout(v, perm), perm };
}

const softmax = (log: boolean): Lower => (cx) => {
  const x = cx.rtIn(0);
  const rank = x.shape.length;
  const axis = normAxis(cx.node.attrs.int('axis', cx.opset < 13 ? 1 : -1), rank);
  // Before opset 13 the input is flattened to 2-D at `axis`; that equals one axis only when it is the last.
  if (cx.opset < 13 && axis !== rank - 1) {
    const flat = cx.reshape(cx.source(x), [count(x.shape.slice(0, axis)), count(x.shape.slice(axis))], cx.name('2d'));
    const y = lastAxisSoftmax(cx, flat, log, cx.name('flat'));
    return cx.setRt(0, cx.reshape(y, x.shape, cx.name()));
  }
  const { t, perm } = axisLast(cx, x, axis);
  cx.setRt(0, lastAxisSoftmax(cx, t, log, cx.name()), perm);
};

/** Softmax or log-softmax over the IR's last axis. */
const lastAxisSoftmax = (cx: Lowering, t: Tensor, log: boolean, name: string): Tensor =>
  log ? cx.op('LOG_SOFTMAX', [t], {}, name) : cx.op('SOFTMAX', [t], { beta: 1 }, name);

/**
 * A reduction over ONNX axes remapped to IR axes; `before` transforms the input elementwise and `after`
 * (a unary op) the result, for the composed reductions (L1, L2, sum of squares, log-sum(-exp)).
 */
const reduce = (type: string, axesFromInputSince: number, before?: (cx: Lowering, x: RtValue) => RtValue, after?: string): Lower => (cx) => {
  const input = cx.rtIn(0);
  const x = before ? before(cx, input) : input;
  const rank = x.shape.length;
  const keep = cx.node.attrs.int('keepdims', 1) === 1;
  let axes = axesArg(cx, 1, axesFromInputSince, rank);
  if (!axes || !axes.length) {
    if (axes && cx.node.attrs.int('noop_with_empty_axes', 0)) return cx.set(0, input);
    axes = identity(rank);
  }
  const irAxes = axes.map((a) => x.perm.indexOf(a)).sort((a, b) => a - b);
  const t = cx.op(type, [x.t, cx.ints(irAxes, 'axes')], { keep_dims: keep }, after ? cx.name('reduced') : cx.name());
  const perm = keep ? x.perm : x.perm.filter((p) => !axes!.includes(p)).map((p) => p - axes!.filter((a) => a < p).length);
  cx.setRt(0, after ? cx.op(after, [t]) : t, perm);
};

const squared = (cx: Lowering, x: RtValue): RtValue => elementwise(cx, 'MUL', [x, x], {}, cx.name('squared'));
const elementwiseBefore = (type: string) => (cx: Lowering, x: RtValue): RtValue => unaryOp(cx, type, x, {}, cx.name(type.toLowerCase()));

/** softplus(x) = log(eˣ + 1); softsign(x) = x / (|x| + 1). */
const softplus: Lower = (cx) => cx.set(0, unaryOp(cx, 'LOG', elementwise(cx, 'ADD', [unaryOp(cx, 'EXP', cx.in(0), {}, cx.name('exp')), scalar(1)], {}, cx.name('exp1'))));
const softsign: Lower = (cx) =>
  cx.set(0, elementwise(cx, 'DIV', [cx.in(0), elementwise(cx, 'ADD', [unaryOp(cx, 'ABS', cx.in(0), {}, cx.name('abs')), scalar(1)], {}, cx.name('abs1'))]));

function concat(cx: Lowering): void {
  const vals = cx.node.inputs.map((_, i) => cx.in(i)).filter((v) => count(shapeOf(v)) > 0);
  const rank = shapeOf(vals[0]!).length;
  const axis = normAxis(cx.node.attrs.int('axis', 0), rank);
  const lead = vals.find((v): v is RtValue => v.kind === 'rt');
  const perm = lead ? lead.perm : identity(rank);
  const t = cx.op('CONCATENATION', vals.map((v) => cx.layout(v, perm)), { axis: perm.indexOf(axis) });
  cx.setRt(0, t, perm);
}

function split(cx: Lowering): void {
  const x = cx.rtIn(0);
  const axis = normAxis(cx.node.attrs.int('axis', 0), x.shape.length);
  const dim = x.shape[axis]!;
  const n = cx.node.outputs.length;
  let sizes = cx.opset >= 13 ? (cx.maybe(1) ? Array.from(cx.constIn(1, 'split').data) : undefined) : cx.node.attrs.ints('split');
  if (!sizes) {
    const parts = cx.node.attrs.int('num_outputs', n);
    const each = Math.ceil(dim / parts);
    sizes = Array.from({ length: parts }, (_, k) => Math.min(each, dim - k * each));
  }
  const irAxis = x.perm.indexOf(axis);
  const outs = cx.b.op('SPLIT_V', [x.t, cx.ints(sizes, 'sizes'), cx.ints([irAxis], 'axis')], { num_splits: sizes.length }, {
    names: cx.node.outputs.map((o, k) => o || cx.name(`part${k}`)),
  });
  outs.forEach((t, k) => cx.setRt(k, t, x.perm));
}

function slice(cx: Lowering): void {
  const x = cx.rtIn(0);
  const rest = [1, 2, 3, 4].map((i) => cx.maybeConst(i, 'slice bounds'));
  const s = sliceSpec(cx, x.shape, rest);
  if (s.size.some((d) => d === 0)) cx.fail('Slice produces an empty tensor');
  const ir = (a: number[]) => x.perm.map((p) => a[p]!);
  let t: Tensor;
  if (s.step.every((d) => d === 1)) t = cx.op('SLICE', [x.t, cx.ints(ir(s.begin), 'begin'), cx.ints(ir(s.size), 'size')]);
  else {
    const end = s.begin.map((b, i) => b + s.size[i]! * s.step[i]!);
    // An end of −1 (walking backwards past element 0) would count from the back: mask it instead.
    const endMask = x.perm.reduce((m, p, i) => (end[p]! < 0 ? m | (1 << i) : m), 0);
    t = cx.op('STRIDED_SLICE', [x.t, cx.ints(ir(s.begin), 'begin'), cx.ints(ir(end).map((e) => Math.max(e, 0)), 'end'), cx.ints(ir(s.step), 'strides')], { end_mask: endMask });
  }
  cx.setRt(0, t, x.perm);
}

function gather(cx: Lowering): void {
  const x = cx.rtIn(0);
  const rank = x.shape.length;
  const axis = normAxis(cx.node.attrs.int('axis', 0), rank);
  const idx = cx.constIn(1, 'indices');
  const dim = x.shape[axis]!;
  const q = idx.shape.length;
  const indices = Int32Array.from(idx.data, (i) => (i < 0 ? i + dim : i));
  const a = x.perm.indexOf(axis);
  const t = cx.op('GATHER', [x.t, cx.b.constant(cx.name('indices'), indices, idx.shape)], { axis: a });
  const moved = (p: number) => (p < axis ? p : p + q - 1);
  const perm = [...x.perm.slice(0, a).map(moved), ...identity(q).map((k) => axis + k), ...x.perm.slice(a + 1).map(moved)];
  cx.setRt(0, t, perm);
}

function squeeze(cx: Lowering): void {
  const x = cx.rtIn(0);
  const drop = squeezeAxes(cx, x.shape, cx.opset >= 13 ? cx.maybeConst(1, 'axes') : undefined);
  const perm = x.perm.filter((p) => !drop.includes(p)).map((p) => p - drop.filter((d) => d < p).length);
  cx.setRt(0, cx.reshape(x.t, x.t.shape.filter((_, i) => !drop.includes(x.perm[i]!)), cx.name()), perm);
}

function unsqueeze(cx: Lowering): void {
  const x = cx.rtIn(0);
  const axes = unsqueezeAxes(cx, x.shape.length, cx.opset >= 13 ? cx.constIn(1, 'axes') : undefined);
  const kept = identity(x.shape.length + axes.length).filter((i) => !axes.includes(i));
  let perm = x.perm.map((p) => kept[p]!);
  if (samePerm(x.perm, identity(x.perm.length))) perm = identity(x.shape.length + axes.length);
  else for (const u of axes) perm.splice(u === 0 ? 0 : perm.indexOf(u - 1) + 1, 0, u);
  const shape = new Array<number>(perm.length);
  kept.forEach((o, i) => (shape[o] = x.shape[i]!));
  for (const u of axes) shape[u] = 1;
  cx.setRt(0, cx.reshape(x.t, perm.map((p) => shape[p]!), cx.name()), perm);
}

/**
 * A reshape read in the value's own IR layout when it only merges or splits ONNX axes that sit next to
 * each other, in order, in the IR too (an LSTM's [T,B,D,H] → [T,B,D·H] held batch-major, Flatten of
 * [N,C,1,1] held NHWC): the result keeps a permutation and no data moves. Undefined when the groups do
 * not line up; the caller then reads the value in ONNX order.
 */
function reshapeInPlace(cx: Lowering, x: RtValue, target: number[]): { t: Tensor; perm: number[] } | undefined {
  // Groups of input axes whose product is that of a run of output axes (size-1 axes join the run they meet).
  const groups: { ins: number[]; outs: number[] }[] = [];
  let [i, j] = [0, 0];
  while (i < x.shape.length || j < target.length) {
    const g = { ins: [] as number[], outs: [] as number[] };
    let [a, b] = [1, 1];
    do {
      if (a <= b && i < x.shape.length) a *= x.shape[g.ins[g.ins.push(i++) - 1]!]!;
      else if (j < target.length) b *= target[g.outs[g.outs.push(j++) - 1]!]!;
      else return undefined;
    } while (a !== b || (i < x.shape.length && x.shape[i] === 1 && !g.outs.length) || (!g.ins.length || !g.outs.length));
    groups.push(g);
  }
  // Each group's non-unit input axes must be consecutive and ordered in the IR; the group sits where they do.
  const keyed = groups.map((g, k) => {
    const at = g.ins.filter((a) => x.shape[a] !== 1).map((a) => x.perm.indexOf(a));
    const ordered = at.every((p, n) => n === 0 || p === at[n - 1]! + 1);
    return { g, key: at.length ? at[0]! : k === 0 ? -1 : NaN, ordered };
  });
  if (keyed.some((e) => !e.ordered)) return undefined;
  // Groups of size-1 axes only follow their ONNX predecessor.
  keyed.forEach((e, k) => Number.isNaN(e.key) && (e.key = keyed[k - 1]!.key + 0.5));
  const perm = [...keyed].sort((p, q) => p.key - q.key).flatMap((e) => e.g.outs);
  return { t: cx.reshape(x.t, perm.map((o) => target[o]!), cx.name()), perm };
}

function reshapeTo(cx: Lowering, x: RtValue, target: number[]): void {
  const inPlace = reshapeInPlace(cx, x, target);
  if (inPlace) cx.setRt(0, inPlace.t, inPlace.perm);
  else cx.setRt(0, cx.reshape(cx.source(x), target, cx.name()));
}

function reshape(cx: Lowering): void {
  const x = cx.rtIn(0);
  reshapeTo(cx, x, reshapeTarget(cx, x.shape, cx.constIn(1, 'shape')));
}

function flatten(cx: Lowering): void {
  const x = cx.rtIn(0);
  const axis = normAxis(cx.node.attrs.int('axis', 1), x.shape.length);
  reshapeTo(cx, x, [count(x.shape.slice(0, axis)), count(x.shape.slice(axis))]);
}

function transposeNode(cx: Lowering): void {
  const x = cx.rtIn(0);
  const p = cx.node.attrs.ints('perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  // No data moves: the IR tensor stays, only the bookkeeping of which axis is which changes.
  cx.set(0, { kind: 'rt', t: x.t, shape: p.map((a) => x.shape[a]!), perm: x.perm.map((a) => p.indexOf(a)) });
}

function constantNode(cx: Lowering): void {
  const { attrs } = cx.node;
  const t = attrs.tensor('value');
  const fl = attrs.floats('value_floats');
  const is = attrs.ints('value_ints');
  const a = t ?? (attrs.has('value_float') ? nd('float32', [], [attrs.float('value_float', 0)]) :
    attrs.has('value_int') ? nd('int64', [], [attrs.int('value_int', 0)]) :
    fl ? nd('float32', [fl.length], fl) : is ? nd('int64', [is.length], is) : cx.fail('Constant has no supported value attribute'));
  cx.set(0, { kind: 'const', a });
}

/** Casts between float types keep the float32 tensor; other run-time casts are refused. */
function castNode(cx: Lowering): void {
  const to = elemType(cx.node.attrs.int('to', 0), cx.describe());
  const x = cx.rtIn(0);
  if (!['float32', 'float64', 'float16'].includes(to) || x.t.dtype !== 'float32') cx.fail(`Cast of a ${x.t.dtype} run-time value to ${to} is not supported`);
  cx.set(0, x);
}

/** Expand = multiply by ones of the target shape (exact, including −0). */
function expand(cx: Lowering): void {
  const shape = Array.from(cx.constIn(1, 'shape').data);
  cx.set(0, elementwise(cx, 'MUL', [cx.in(0), { kind: 'const', a: { type: 'float32', shape, data: new Float64Array(count(shape)).fill(1) } }]));
}

const alias: Lower = (cx) => cx.set(0, cx.in(0));

function dropout(cx: Lowering): void {
  if (cx.used(1)) cx.fail('Dropout mask output is not supported');
  const training = cx.maybe(2);
  if (training && (training.kind === 'rt' || training.a.data[0])) cx.fail('Dropout in training mode is not supported');
  alias(cx);
}

function prelu(cx: Lowering): void {
  cx.set(0, elementwise(cx, 'PRELU', [cx.in(0), cx.in(1)]));
}

export const TENSOR_OPS: Record<string, Lower> = {
  Add: (cx) => cx.set(0, elementwise(cx, 'ADD', [cx.in(0), cx.in(1)])),
  Sub: (cx) => cx.set(0, elementwise(cx, 'SUB', [cx.in(0), cx.in(1)])),
  Mul: (cx) => cx.set(0, geluPattern(cx) ?? elementwise(cx, 'MUL', [cx.in(0), cx.in(1)])),
  Div: (cx) => cx.set(0, elementwise(cx, 'DIV', [cx.in(0), cx.in(1)])),
  Pow: pow,
  Max: variadic('MAXIMUM'),
  Min: variadic('MINIMUM'),
  Sum: variadic('ADD'),
  Reciprocal: (cx) => cx.set(0, elementwise(cx, 'DIV', [scalar(1), cx.in(0)])),
  Relu: unary('RELU'),
  Sigmoid: unary('LOGISTIC'),
  Tanh: unary('TANH'),
  HardSwish: unary('HARD_SWISH'),
  HardSigmoid: hardSigmoid,
  LeakyRelu: unary('LEAKY_RELU', (cx) => ({ alpha: cx.node.attrs.float('alpha', 0.01) })),
  PRelu: prelu,
  Elu: elu,
  Clip: clip,
  Sqrt: unary('SQRT'),
  Exp: unary('EXP'),
  Log: unary('LOG'),
  Abs: unary('ABS'),
  Neg: unary('NEG'),
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
  ReduceMean: reduce('MEAN', 18),
  ReduceMax: reduce('REDUCE_MAX', 18),
  ReduceSum: reduce('SUM', 13),
  ReduceMin: reduce('REDUCE_MIN', 18),
  ReduceL1: reduce('SUM', 18, elementwiseBefore('ABS')),
  ReduceL2: reduce('SUM', 18, squared, 'SQRT'),
  ReduceSumSquare: reduce('SUM', 18, squared),
  ReduceLogSum: reduce('SUM', 18, undefined, 'LOG'),
  ReduceLogSumExp: reduce('SUM', 18, elementwiseBefore('EXP'), 'LOG'),
  Softplus: softplus,
  Softsign: softsign,
  ReduceProd: reduce('REDUCE_PROD', 18),
  Floor: unary('FLOOR'),
  Ceil: unary('CEIL'),
  Sin: unary('SIN'),
  Cos: unary('COS'),
  Erf: erf,
  Gelu: (cx) => cx.set(0, unaryOp(cx, 'GELU', cx.in(0), { approximate: cx.node.attrs.string('approximate', 'none') === 'tanh' })),
  Mean: mean,
  Equal: compare('EQUAL'),
  Less: compare('LESS'),
  LessOrEqual: compare('LESS_EQUAL'),
  Greater: compare('GREATER'),
  GreaterOrEqual: compare('GREATER_EQUAL'),
  Where: (cx) => cx.set(0, elementwise(cx, 'SELECT_V2', [cx.in(0), cx.in(1), cx.in(2)])),
  Tile: tile,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transposeNode,
  Constant: constantNode,
  Cast: castNode,
  Expand: expand,
  Identity: alias,
  Dropout: dropout,
};
