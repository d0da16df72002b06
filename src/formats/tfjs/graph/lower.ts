/**
 * TensorFlow ops (the set tfjs-converter emits for CNNs and MLPs) lowered to TFLite builtins, one entry
 * per TF op. A lowering returns the node's outputs: graph tensors, or host constants where every input
 * is a constant and the arithmetic is exact (shape arithmetic mostly), so Shape → StridedSlice → Pack
 * chains fold into the constant shapes TFLite needs.
 */
import { EdgefitError } from '../../../ir/errors.js';
import { elementCount, type DType, type Tensor } from '../../../ir/model.js';
import { window2d } from '../../../kernels/geometry.js';
import { normalizeAxis } from '../../../ops/shape-helpers.js';
import { dtypeOfValue, materialize, type NodeContext, type Value } from './context.js';
import { host, hostBinary, hostConcat, hostGather, hostReduce, hostStridedSlice, hostTranspose, MAX_FOLD_ELEMENTS, type HostDType, type HostTensor } from './host.js';
import { dtypeOf } from './nodes.js';

export type Lowered = Tensor | HostTensor | Value;
export type Lowering = (c: NodeContext) => Lowered | (Lowered | undefined)[];

const unsupported = (what: string): never => {
  throw new EdgefitError('UNSUPPORTED', what);
};

const nhwcOnly = (c: NodeContext) => {
  const format = c.attrs.str('data_format', 'NHWC');
  if (format !== 'NHWC') unsupported(`data_format ${format}: only NHWC is supported`);
};

const hostDtype = (d: DType): HostDType => (d === 'float32' || d === 'int32' || d === 'bool' ? d : unsupported(`constant of dtype ${d}`));

/** Resolves a single -1 in a target shape against an element count. */
function resolveShape(dims: number[], count: number): number[] {
  const stretch = dims.indexOf(-1);
  if (stretch < 0) return dims;
  const known = elementCount(dims.filter((_, i) => i !== stretch));
  if (known === 0 || count % known !== 0) throw new EdgefitError('MALFORMED', `cannot reshape ${count} elements to [${dims.join(', ')}]`);
  return dims.map((d, i) => (i === stretch ? count / known : d));
}

// ---- activations ---------------------------------------------------------------------------------

/** Activations a TFLite conv / FC / elementwise op applies itself (fused_activation_function). */
const FUSABLE: Record<string, string> = { relu: 'RELU', relu6: 'RELU6' };

interface ActivationArgs {
  leakyAlpha?: number;
  preluAlpha?: Value;
}

/** Emits activation `act` (TF op name, lower case) after `x`; `final` names the result after the node. */
function activate(c: NodeContext, x: Tensor, act: string, args: ActivationArgs, final: boolean): Tensor {
  const emit = (type: string, inputs: Tensor[], options: Record<string, unknown> = {}) =>
    final ? c.op1(type, inputs, options) : c.step(type, inputs, options);
  switch (act) {
    case 'relu': return emit('RELU', [x]);
    case 'relu6': return emit('RELU6', [x]);
    case 'elu': return emit('ELU', [x]);
    case 'sigmoid': return emit('LOGISTIC', [x]);
    case 'tanh': return emit('TANH', [x]);
    case 'leakyrelu': return emit('LEAKY_RELU', [x], { alpha: args.leakyAlpha ?? 0.2 });
    case 'prelu': {
      if (!args.preluAlpha) return unsupported('Prelu needs its alpha argument');
      return emit('PRELU', [x, materialize(c.b, args.preluAlpha, c.name('alpha'))]);
    }
    case 'selu': {
      // selu(x) = λ·x for x > 0, λ·α·(eˣ − 1) otherwise = λ·relu(x) + λ·α·min(eˣ − 1, 0) (tfjs's formula, branch by branch).
      const lambda = 1.0507009873554805, alpha = 1.6732632423543772;
      const one = c.floats1('one', [1], [1]);
      const positive = c.step('MUL', [c.step('RELU', [x]), c.floats1('scale', [lambda], [1])]);
      const expm1 = c.step('SUB', [c.step('EXP', [x]), one]);
      const negative = c.step('MUL', [c.step('MINIMUM', [expm1, c.floats1('zero', [0], [1])]), c.floats1('scale_alpha', [lambda * alpha], [1])]);
      return emit('ADD', [positive, negative]);
    }
    default: return unsupported(`activation ${act}`);
  }
}

/** The extra arguments of a fused op (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul). */
interface FusedArgs {
  bias?: Float32Array;
  batchNorm?: { scale: Float32Array; offset: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number };
  act?: string;
  args: ActivationArgs;
}

function fusedArgs(c: NodeContext, first: number): FusedArgs {
  const ops = c.attrs.strs('fused_ops').map((s) => s.toLowerCase());
  const numArgs = c.attrs.int('num_args', c.inputs.length - first);
  let k = first;
  const out: FusedArgs = { args: { leakyAlpha: c.attrs.float('leakyrelu_alpha', 0.2) } };
  let rest = ops;
  if (ops[0] === 'biasadd') {
    out.bias = c.floats(k++, 'bias');
    rest = ops.slice(1);
  } else if (ops[0] === 'fusedbatchnorm') {
    const [scale, offset, mean, variance] = [0, 1, 2, 3].map((i) => c.floats(k + i, 'batch norm argument'));
    k += 4;
    out.batchNorm = { scale: scale!, offset: offset!, mean: mean!, variance: variance!, epsilon: c.attrs.float('epsilon', 1e-3) };
    rest = ops.slice(1);
  }
  if (rest.length > 1) unsupported(`fused_ops [${ops.join(', ')}]`);
  out.act = rest[0];
  if (out.act === 'prelu') out.args.preluAlpha = c.value(k++);
  if (k - first !== numArgs) throw new EdgefitError('MALFORMED', `fused_ops [${ops.join(', ')}] use ${k - first} arguments, num_args is ${numArgs}`);
  return out;
}

/** Per-output-channel multiplier and bias of the fused epilogue (bias, or batch norm folded as TFLite's converter does). */
function epilogue(f: FusedArgs, channels: number): { scale?: Float64Array; bias: Float32Array } {
  const check = (a: Float32Array, what: string) => {
    if (a.length !== channels) throw new EdgefitError('MALFORMED', `${what} has ${a.length} values for ${channels} output channels`);
    return a;
  };
  if (f.batchNorm) {
    const { scale, offset, mean, variance, epsilon } = f.batchNorm;
    [scale, offset, mean, variance].forEach((a) => check(a, 'batch norm argument'));
    const s = Float64Array.from(scale, (g, i) => g / Math.sqrt(variance[i]! + epsilon));
    return { scale: s, bias: Float32Array.from(offset, (o, i) => o - mean[i]! * s[i]!) };
  }
  return { bias: f.bias ? check(f.bias, 'bias') : new Float32Array(channels) };
}

// ---- convolutions ----------------------------------------------------------------------------------

/** TF padding attribute → TFLite padding, inserting a PAD for explicit paddings TFLite's SAME/VALID do not express. */
function convPadding(c: NodeContext, x: Tensor, kernel: [number, number], strides: [number, number], dilations: [number, number]): [Tensor, 'SAME' | 'VALID'] {
  const padding = c.attrs.str('padding');
  if (padding === 'SAME' || padding === 'VALID') return [x, padding];
  if (padding !== 'EXPLICIT') return unsupported(`padding ${padding}`);
  const p = c.attrs.ints('explicit_paddings');
  if (p.length !== 8 || p[0] || p[1] || p[6] || p[7]) return unsupported(`explicit_paddings [${p}] (only height and width may be padded)`);
  if (p.every((v) => v === 0)) return [x, 'VALID'];
  const [, h, w] = x.shape as [number, number, number, number];
  const same = window2d('SAME', h, w, kernel[0], kernel[1], strides[0], strides[1], dilations[0], dilations[1]);
  const sameBottom = (size: number, out: number, k: number, s: number, d: number, before: number) => Math.max(0, (out - 1) * s + (k - 1) * d + 1 - size) - before;
  if (p[2] === same.padTop && p[4] === same.padLeft &&
      p[3] === sameBottom(h, same.outH, kernel[0], strides[0], dilations[0], same.padTop) &&
      p[5] === sameBottom(w, same.outW, kernel[1], strides[1], dilations[1], same.padLeft)) return [x, 'SAME'];
  return [c.step('PAD', [x, c.ints1('paddings', p, [4, 2])]), 'VALID'];
}

function lowerConv(kind: 'conv' | 'depthwise', fused: boolean): Lowering {
  return (c) => {
    nhwcOnly(c);
    const filter = c.constant(1, 'filter');
    if (filter.shape.length !== 4) throw new EdgefitError('MALFORMED', `filter shape [${filter.shape}] is not [h, w, in, out]`);
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    const [, sh, sw] = c.attrs.ints('strides');
    const [, dh, dw] = c.attrs.ints('dilations', [1, 1, 1, 1]);
    const [x, padding] = convPadding(c, c.tensor(0), [kh, kw], [sh!, sw!], [dh!, dw!]);
    const f = fused ? fusedArgs(c, 2) : { args: {} as ActivationArgs, act: undefined };
    const channels = kind === 'conv' ? cout : cin * cout;
    const { scale, bias } = epilogue(f, channels);
    const src = filter.values as Float32Array;
    let weights: Float32Array, shape: number[];
    if (kind === 'conv') {
      // TF [h, w, in, out] → TFLite OHWI.
      weights = new Float32Array(src.length);
      for (let o = 0; o < cout; o++)
        for (let s = 0; s < kh * kw * cin; s++) weights[o * kh * kw * cin + s] = src[s * cout + o]! * (scale?.[o] ?? 1);
      shape = [cout, kh, kw, cin];
    } else {
      // TF [h, w, in, multiplier] is already TFLite's [1, h, w, in·multiplier] element order.
      weights = scale ? Float32Array.from(src, (v, i) => v * scale[i % channels]!) : src;
      shape = [1, kh, kw, channels];
    }
    const w = c.b.constant(c.node.input![1]!, weights, shape);
    const fusedAct = f.act ? FUSABLE[f.act] : 'NONE';
    const options = {
      padding, stride_h: sh, stride_w: sw, dilation_h_factor: dh, dilation_w_factor: dw,
      fused_activation_function: fusedAct ?? 'NONE', ...(kind === 'depthwise' ? { depth_multiplier: cout } : {}),
    };
    const type = kind === 'conv' ? 'CONV_2D' : 'DEPTHWISE_CONV_2D';
    const b = c.floats1('bias', bias, [channels]);
    if (!f.act || fusedAct) return c.op1(type, [x, w, b], options);
    return activate(c, c.step(type, [x, w, b], options), f.act, f.args, true);
  };
}

const lowerTransposeConv: Lowering = (c) => {
  nhwcOnly(c);
  const outShape = c.ints(0, 'output shape');
  const filter = c.constant(1, 'filter');
  const [kh, kw, cout, cin] = filter.shape as [number, number, number, number];
  const [, sh, sw] = c.attrs.ints('strides');
  const padding = c.attrs.str('padding');
  if (padding !== 'SAME' && padding !== 'VALID') unsupported(`Conv2DBackpropInput padding ${padding}`);
  const dil = c.attrs.ints('dilations', [1, 1, 1, 1]);
  if (dil.some((d) => d !== 1)) unsupported(`dilations [${dil}] on a transposed convolution`);
  // TF [h, w, out, in] → TFLite [out, h, w, in].
  const src = filter.values as Float32Array;
  const weights = new Float32Array(src.length);
  for (let y = 0; y < kh * kw; y++)
    for (let o = 0; o < cout; o++)
      for (let i = 0; i < cin; i++) weights[((o * kh * kw) + y) * cin + i] = src[(y * cout + o) * cin + i]!;
  const w = c.b.constant(c.node.input![1]!, weights, [cout, kh, kw, cin]);
  return c.op1('TRANSPOSE_CONV', [c.ints1('output_shape', outShape), w, c.tensor(2)], { padding, stride_h: sh, stride_w: sw }, 'float32');
};

function lowerMatMul(fused: boolean): Lowering {
  return (c) => {
    const ta = c.attrs.bool('transpose_a') || c.attrs.bool('adj_x');
    const tb = c.attrs.bool('transpose_b') || c.attrs.bool('adj_y');
    const f = fused ? fusedArgs(c, 2) : { args: {} as ActivationArgs, act: undefined, bias: undefined };
    if (fused && f.batchNorm) unsupported('_FusedMatMul with FusedBatchNorm');
    const fusedAct = f.act ? FUSABLE[f.act] : 'NONE';
    const finalHere = !f.act || fusedAct !== undefined;
    const act = { fused_activation_function: fusedAct ?? 'NONE' };
    let y: Tensor;
    if (c.isConst(1) && c.shape(1).length === 2 && c.shape(0).length === 2) {
      const bh = c.constant(1, 'b');
      const [r, k] = bh.shape as [number, number];
      // FULLY_CONNECTED wants weights [out, in]: b is [in, out] unless transpose_b.
      const weights = tb ? (bh.values as Float32Array) : Float32Array.from({ length: r * k }, (_, i) => bh.values[(i % r) * k + Math.floor(i / r)]!);
      const w = c.b.constant(c.node.input![1]!, weights, tb ? [r, k] : [k, r]);
      const x = ta ? c.step('TRANSPOSE', [c.tensor(0), c.ints1('perm', [1, 0])]) : c.tensor(0);
      const bias = f.bias ? c.floats1('bias', f.bias, [f.bias.length]) : null;
      const inputs = [x, w, bias];
      y = finalHere ? c.op1('FULLY_CONNECTED', inputs, act) : c.step('FULLY_CONNECTED', inputs, act);
    } else {
      const opts = { adj_x: ta, adj_y: tb };
      if (!f.bias && finalHere && !f.act) return c.op1('BATCH_MATMUL', [c.tensor(0), c.tensor(1)], opts);
      y = c.step('BATCH_MATMUL', [c.tensor(0), c.tensor(1)], opts);
      if (f.bias) {
        const biasArgs = [y, c.floats1('bias', f.bias, [f.bias.length])];
        y = finalHere ? c.op1('ADD', biasArgs, act) : c.step('ADD', biasArgs, act);
      } else if (fusedAct) return c.op1(fusedAct, [y]);
    }
    return finalHere ? y : activate(c, y, f.act!, f.args, true);
  };
}

// ---- elementwise -------------------------------------------------------------------------------------

type Fold2 = (x: number, y: number) => number;

const floorMod: Fold2 = (x, y) => {
  const r = x % y;
  return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
};

/** TF binary op → TFLite builtin, with its exact host folding when every input is constant. */
const BINARY: Record<string, [string, Fold2 | null, 'same' | 'bool']> = {
  Add: ['ADD', (x, y) => x + y, 'same'],
  AddV2: ['ADD', (x, y) => x + y, 'same'],
  BiasAdd: ['ADD', (x, y) => x + y, 'same'],
  Sub: ['SUB', (x, y) => x - y, 'same'],
  Mul: ['MUL', (x, y) => x * y, 'same'],
  RealDiv: ['DIV', (x, y) => x / y, 'same'],
  Div: ['DIV', (x, y) => x / y, 'same'],
  FloorDiv: ['FLOOR_DIV', (x, y) => Math.floor(x / y), 'same'],
  FloorMod: ['FLOOR_MOD', floorMod, 'same'],
  Maximum: ['MAXIMUM', Math.max, 'same'],
  Minimum: ['MINIMUM', Math.min, 'same'],
  SquaredDifference: ['SQUARED_DIFFERENCE', null, 'same'],
  Pow: ['POW', null, 'same'],
  Greater: ['GREATER', (x, y) => +(x > y), 'bool'],
  GreaterEqual: ['GREATER_EQUAL', (x, y) => +(x >= y), 'bool'],
  Less: ['LESS', (x, y) => +(x < y), 'bool'],
  LessEqual: ['LESS_EQUAL', (x, y) => +(x <= y), 'bool'],
  Equal: ['EQUAL', (x, y) => +(x === y), 'bool'],
  NotEqual: ['NOT_EQUAL', (x, y) => +(x !== y), 'bool'],
  LogicalAnd: ['LOGICAL_AND', (x, y) => +(x && y), 'bool'],
  LogicalOr: ['LOGICAL_OR', (x, y) => +(x || y), 'bool'],
};

function lowerBinary(tf: string): Lowering {
  const [type, fold, out] = BINARY[tf]!;
  return (c) => {
    if (tf === 'BiasAdd') nhwcOnly(c);
    const dtype = dtypeOfValue(c.value(0));
    const intDiv = tf === 'Div' && dtype === 'int32';
    if (fold && c.foldable) {
      const f = intDiv ? (x: number, y: number) => Math.floor(x / y) : fold;
      return hostBinary(c.constant(0, 'x'), c.constant(1, 'y'), out === 'bool' ? 'bool' : hostDtype(dtype), f);
    }
    return c.op1(intDiv ? 'FLOOR_DIV' : type, [c.tensor(0), c.tensor(1)], {}, out === 'bool' ? 'bool' : undefined);
  };
}

/** TF unary op → TFLite builtin, with exact host folding where the double result rounds correctly. */
const UNARY: Record<string, [string, ((x: number) => number) | null]> = {
  Neg: ['NEG', (x) => -x], Abs: ['ABS', Math.abs], Floor: ['FLOOR', Math.floor], Ceil: ['CEIL', Math.ceil],
  Square: ['SQUARE', (x) => x * x], Sqrt: ['SQRT', Math.sqrt], Rsqrt: ['RSQRT', (x) => 1 / Math.sqrt(x)],
  Exp: ['EXP', null], Log: ['LOG', null], Sin: ['SIN', null], Cos: ['COS', null], Round: ['ROUND', null],
  LogicalNot: ['LOGICAL_NOT', (x) => +!x],
};

function lowerUnary(tf: string): Lowering {
  const [type, fold] = UNARY[tf]!;
  return (c) => {
    if (fold && c.foldable) {
      const x = c.constant(0, 'x');
      return host(x.dtype, x.shape, Array.from(x.values, fold));
    }
    return c.op1(type, [c.tensor(0)]);
  };
}

const lowerActivation = (act: string): Lowering => (c) =>
  activate(c, c.tensor(0), act, { leakyAlpha: c.attrs.float('alpha', 0.2), preluAlpha: c.inputs[1] }, true);

// ---- shapes and data movement --------------------------------------------------------------------------

const lowerReshape: Lowering = (c) => {
  const count = elementCount(c.shape(0));
  const shape = resolveShape(c.ints(1, 'shape'), count);
  if (c.isConst(0)) return host(c.constant(0, 'x').dtype, shape, c.constant(0, 'x').values);
  return c.op1('RESHAPE', [c.tensor(0), c.ints1('shape', shape)], { new_shape: shape });
};

/** Reshape-like ops whose result shape follows from the input shape alone. */
function lowerToShape(shapeOf: (c: NodeContext) => number[]): Lowering {
  return (c) => {
    const shape = shapeOf(c);
    if (c.isConst(0)) return host(c.constant(0, 'x').dtype, shape, c.constant(0, 'x').values);
    return c.op1('RESHAPE', [c.tensor(0), c.ints1('shape', shape)], { new_shape: shape });
  };
}

const squeezeShape = (c: NodeContext): number[] => {
  const shape = c.shape(0);
  const dims = c.attrs.ints('squeeze_dims', c.attrs.ints('axis', [])).map((a) => normalizeAxis(a, shape.length));
  return shape.filter((d, i) => (dims.length ? !dims.includes(i) : d !== 1));
};

const expandDimsShape = (c: NodeContext): number[] => {
  const shape = c.shape(0);
  const axis = normalizeAxis(c.ints(1, 'axis')[0]!, shape.length + 1);
  return [...shape.slice(0, axis), 1, ...shape.slice(axis)];
};

const lowerConcat: Lowering = (c) => {
  const n = c.inputs.length - 1;
  const rank = c.shape(0).length;
  const axis = normalizeAxis(c.ints(n, 'axis')[0]!, rank);
  const parts = c.inputs.slice(0, n);
  if (parts.every((v) => v.host)) return hostConcat(parts.map((v) => v.host!), axis);
  return c.op1('CONCATENATION', parts.map((_, i) => c.tensor(i)), { axis });
};

const lowerPack: Lowering = (c) => {
  const rank = c.shape(0).length;
  const axis = normalizeAxis(c.attrs.int('axis', 0), rank + 1);
  const expanded = [...c.shape(0).slice(0, axis), 1, ...c.shape(0).slice(axis)];
  if (c.allConst) return hostConcat(c.inputs.map((v) => ({ ...v.host!, shape: expanded })), axis);
  return c.op1('PACK', c.inputs.map((_, i) => c.tensor(i)), { values_count: c.inputs.length, axis });
};

/**
 * Pieces of `x` along `axis` (Split, SplitV, Unpack). TFLite (XNNPACK) fails on an op output nobody reads,
 * so when some pieces are unused, each used piece is sliced out on its own instead.
 */
function pieces(c: NodeContext, x: Tensor, axis: number, sizes: number[], unpack: boolean, whole: () => Tensor[]): (Tensor | undefined)[] {
  if (sizes.every((_, k) => c.used(k))) return whole();
  const shape = x.shape;
  let offset = 0;
  return sizes.map((size, k) => {
    const begin = shape.map((_, d) => (d === axis ? offset : 0));
    offset += size;
    if (!c.used(k)) return undefined;
    if (!unpack) return c.opAt(k, 'SLICE', [x, c.ints1('begin', begin), c.ints1('size', shape.map((n, d) => (d === axis ? size : n)))]);
    const end = shape.map((n, d) => (d === axis ? begin[d]! + 1 : n));
    return c.opAt(k, 'STRIDED_SLICE', [x, c.ints1('begin', begin), c.ints1('end', end), c.ints1('strides', shape.map(() => 1))], { shrink_axis_mask: 1 << axis });
  });
}

const lowerUnpack: Lowering = (c) => {
  const shape = c.shape(0);
  const axis = normalizeAxis(c.attrs.int('axis', 0), shape.length);
  const num = shape[axis]!;
  const x = c.tensor(0);
  return pieces(c, x, axis, new Array(num).fill(1), true, () => c.op('UNPACK', [x], { num, axis }, undefined, num));
};

/** Split sizes with a -1 resolved. */
const resolveSizes = (sizes: number[], total: number): number[] => {
  const known = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
  return sizes.map((s) => (s < 0 ? total - known : s));
};

const lowerSplit: Lowering = (c) => {
  const shape = c.shape(1);
  const axis = normalizeAxis(c.ints(0, 'axis')[0]!, shape.length);
  const num = c.attrs.int('num_split');
  if (shape[axis]! % num !== 0) throw new EdgefitError('MALFORMED', `axis ${axis} of size ${shape[axis]} does not split into ${num}`);
  const x = c.tensor(1);
  return pieces(c, x, axis, new Array(num).fill(shape[axis]! / num), false, () =>
    c.op('SPLIT', [c.ints1('axis', [axis], []), x], { num_splits: num }, new Array(num).fill(x.dtype), num));
};

const lowerSplitV: Lowering = (c) => {
  const shape = c.shape(0);
  const axis = normalizeAxis(c.ints(2, 'axis')[0]!, shape.length);
  const sizes = resolveSizes(c.ints(1, 'size_splits'), shape[axis]!);
  const x = c.tensor(0);
  return pieces(c, x, axis, sizes, false, () =>
    c.op('SPLIT_V', [x, c.ints1('size_splits', sizes), c.ints1('axis', [axis], [])], { num_splits: sizes.length }, undefined, sizes.length));
};

const STRIDED_SLICE_MASKS = ['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'] as const;

const lowerStridedSlice: Lowering = (c) => {
  const masks = Object.fromEntries(STRIDED_SLICE_MASKS.map((m) => [m, c.attrs.int(m, 0)]));
  if (c.allConst) return hostStridedSlice(c.constant(0, 'x'), c.constant(1, 'begin'), c.constant(2, 'end'), c.constant(3, 'strides'), masks);
  const bounds = (['begin', 'end', 'strides'] as const).map((what, k) => c.ints1(what, c.ints(k + 1, what)));
  return c.op1('STRIDED_SLICE', [c.tensor(0), ...bounds], masks);
};

const lowerSlice: Lowering = (c) => {
  const shape = c.shape(0);
  const begin = c.ints(1, 'begin');
  const size = c.ints(2, 'size').map((s, i) => (s < 0 ? shape[i]! - begin[i]! : s));
  if (c.isConst(0)) {
    const ints = (v: number[]) => host('int32', [v.length], v);
    return hostStridedSlice(c.constant(0, 'x'), ints(begin), ints(begin.map((b, i) => b + size[i]!)), ints(begin.map(() => 1)), {});
  }
  return c.op1('SLICE', [c.tensor(0), c.ints1('begin', begin), c.ints1('size', size)]);
};

const lowerTranspose: Lowering = (c) => {
  const perm = c.ints(1, 'perm').map((p) => normalizeAxis(p, c.shape(0).length));
  if (c.isConst(0)) return hostTranspose(c.constant(0, 'x'), perm);
  return c.op1('TRANSPOSE', [c.tensor(0), c.ints1('perm', perm)]);
};

const lowerPad = (type: 'PAD' | 'PADV2' | 'MIRROR_PAD'): Lowering => (c) => {
  const paddings = c.ints(1, 'paddings');
  const inputs = [c.tensor(0), c.ints1('paddings', paddings, [paddings.length / 2, 2])];
  if (type === 'PADV2') return c.op1(type, [...inputs, c.tensor(2)]);
  if (type === 'MIRROR_PAD') return c.op1(type, inputs, { mode: c.attrs.str('mode') });
  return c.op1(type, inputs);
};

const lowerResize = (type: 'RESIZE_BILINEAR' | 'RESIZE_NEAREST_NEIGHBOR'): Lowering => (c) =>
  c.op1(type, [c.tensor(0), c.ints1('size', c.ints(1, 'size'))], {
    align_corners: c.attrs.bool('align_corners'), half_pixel_centers: c.attrs.bool('half_pixel_centers'),
  });

const lowerPool = (type: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'): Lowering => (c) => {
  nhwcOnly(c);
  const [, kh, kw] = c.attrs.ints('ksize');
  const [, sh, sw] = c.attrs.ints('strides');
  const padding = c.attrs.str('padding');
  if (padding !== 'SAME' && padding !== 'VALID') unsupported(`pooling padding ${padding}`);
  return c.op1(type, [c.tensor(0)], { padding, stride_h: sh, stride_w: sw, filter_height: kh, filter_width: kw });
};

/** Reductions; integer inputs fold exactly on the host (shape arithmetic such as the Prod of a shape slice). */
const REDUCE: Record<string, [string, ((acc: number, v: number) => number) | null, number]> = {
  Sum: ['SUM', (a, v) => a + v, 0], Prod: ['REDUCE_PROD', (a, v) => a * v, 1],
  Max: ['REDUCE_MAX', Math.max, -Infinity], Min: ['REDUCE_MIN', Math.min, Infinity], Mean: ['MEAN', null, 0],
};

function lowerReduce(tf: string): Lowering {
  const [type, fold, init] = REDUCE[tf]!;
  return (c) => {
    const axes = [...new Set(c.ints(1, 'reduction_indices').map((a) => normalizeAxis(a, c.shape(0).length)))].sort((a, b) => a - b);
    const keep = c.attrs.bool('keep_dims');
    if (fold && c.foldable && c.constant(0, 'x').dtype === 'int32') return hostReduce(c.constant(0, 'x'), axes, keep, init, fold);
    return c.op1(type, [c.tensor(0), c.ints1('axis', axes)], { keep_dims: keep });
  };
}

const lowerBatchNorm: Lowering = (c) => {
  nhwcOnly(c);
  if (c.attrs.bool('is_training')) unsupported('FusedBatchNorm in training mode');
  const channels = c.shape(0).at(-1)!;
  const [scale, offset, mean, variance] = [1, 2, 3, 4].map((i) => c.floats(i, 'batch norm argument'));
  const { scale: s, bias } = epilogue({ args: {}, batchNorm: { scale: scale!, offset: offset!, mean: mean!, variance: variance!, epsilon: c.attrs.float('epsilon', 1e-3) } }, channels);
  const scaled = c.step('MUL', [c.tensor(0), c.floats1('scale', s!, [channels])]);
  return [c.op1('ADD', [scaled, c.floats1('offset', bias, [channels])])];
};

const lowerCast: Lowering = (c) => {
  const to = dtypeOf(c.attrs.type('DstT'), 'Cast');
  if (c.isConst(0)) {
    const x = c.constant(0, 'x');
    return host(hostDtype(to), x.shape, Array.from(x.values, (v) => (to === 'int32' ? Math.trunc(v) : v)));
  }
  if (dtypeOfValue(c.value(0)) === to) return c.value(0);
  return c.op1('CAST', [c.tensor(0)], {}, to);
};

const lowerFill: Lowering = (c) => {
  const dims = c.ints(0, 'dims');
  const v = c.constant(1, 'value');
  if (elementCount(dims) > MAX_FOLD_ELEMENTS) unsupported(`Fill of ${elementCount(dims)} elements`);
  return host(v.dtype, dims, new Array(elementCount(dims)).fill(v.values[0]));
};

const lowerLike = (value: number): Lowering => (c) => {
  const shape = c.shape(0);
  if (elementCount(shape) > MAX_FOLD_ELEMENTS) unsupported(`${c.node.op} of ${elementCount(shape)} elements`);
  return host(hostDtype(dtypeOfValue(c.value(0))), shape, new Array(elementCount(shape)).fill(value));
};

const lowerRange: Lowering = (c) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => c.constant(i, 'range bound').values[0]!);
  const count = Math.max(0, Math.ceil((limit! - start!) / delta!));
  if (count > MAX_FOLD_ELEMENTS) unsupported(`Range of ${count} elements`);
  return host(c.constant(0, 'start').dtype, [count], Array.from({ length: count }, (_, i) => start! + i * delta!));
};

const lowerGather: Lowering = (c) => {
  const shape = c.shape(0);
  const axis = normalizeAxis(c.inputs.length > 2 ? c.ints(2, 'axis')[0]! : 0, shape.length);
  const batchDims = c.attrs.int('batch_dims', 0);
  if (c.isConst(0) && c.isConst(1) && batchDims === 0) return hostGather(c.constant(0, 'params'), c.constant(1, 'indices'), axis);
  return c.op1('GATHER', [c.tensor(0), c.tensor(1)], { axis, batch_dims: batchDims });
};

const lowerArgMax: Lowering = (c) => {
  const axis = normalizeAxis(c.ints(1, 'axis')[0]!, c.shape(0).length);
  return c.op1('ARG_MAX', [c.tensor(0), c.ints1('axis', [axis])], { output_type: 'INT32' }, 'int32');
};

const lowerSelect: Lowering = (c) => c.op1('SELECT_V2', [c.tensor(0), c.tensor(1), c.tensor(2)], {}, dtypeOfValue(c.value(1)));

const lowerAddN: Lowering = (c) => {
  if (c.inputs.length === 1) return c.value(0);
  let sum = c.tensor(0);
  for (let i = 1; i < c.inputs.length; i++) sum = i === c.inputs.length - 1 ? c.op1('ADD', [sum, c.tensor(i)]) : c.step('ADD', [sum, c.tensor(i)]);
  return sum;
};

const lowerSoftmax = (type: 'SOFTMAX' | 'LOG_SOFTMAX'): Lowering => (c) => c.op1(type, [c.tensor(0)], type === 'SOFTMAX' ? { beta: 1 } : {});

const lowerBlockOp = (type: 'SPACE_TO_BATCH_ND' | 'BATCH_TO_SPACE_ND'): Lowering => (c) => {
  const block = c.ints(1, 'block_shape');
  const pads = c.ints(2, type === 'SPACE_TO_BATCH_ND' ? 'paddings' : 'crops');
  return c.op1(type, [c.tensor(0), c.ints1('block_shape', block), c.ints1('paddings', pads, [pads.length / 2, 2])]);
};

const alias: Lowering = (c) => c.inputs;

export const LOWERINGS: Record<string, Lowering> = {
  Identity: alias, IdentityN: alias, StopGradient: alias, Snapshot: alias, PreventGradient: alias, EnsureShape: (c) => c.value(0), NoOp: () => [],
  Conv2D: lowerConv('conv', false),
  _FusedConv2D: lowerConv('conv', true),
  DepthwiseConv2dNative: lowerConv('depthwise', false),
  FusedDepthwiseConv2dNative: lowerConv('depthwise', true),
  Conv2DBackpropInput: lowerTransposeConv,
  MatMul: lowerMatMul(false),
  BatchMatMul: lowerMatMul(false),
  BatchMatMulV2: lowerMatMul(false),
  _FusedMatMul: lowerMatMul(true),
  ...Object.fromEntries(Object.keys(BINARY).map((k) => [k, lowerBinary(k)])),
  ...Object.fromEntries(Object.keys(UNARY).map((k) => [k, lowerUnary(k)])),
  Reciprocal: (c) => c.op1('DIV', [c.floats1('one', [1], [1]), c.tensor(0)]),
  Relu: lowerActivation('relu'), Relu6: lowerActivation('relu6'), Elu: lowerActivation('elu'), Selu: lowerActivation('selu'),
  LeakyRelu: lowerActivation('leakyrelu'), Sigmoid: lowerActivation('sigmoid'), Tanh: lowerActivation('tanh'), Prelu: lowerActivation('prelu'),
  Softmax: lowerSoftmax('SOFTMAX'), LogSoftmax: lowerSoftmax('LOG_SOFTMAX'),
  AddN: lowerAddN,
  MaxPool: lowerPool('MAX_POOL_2D'), AvgPool: lowerPool('AVERAGE_POOL_2D'),
  ...Object.fromEntries(Object.keys(REDUCE).map((k) => [k, lowerReduce(k)])),
  ArgMax: lowerArgMax,
  Reshape: lowerReshape,
  Squeeze: lowerToShape(squeezeShape),
  ExpandDims: lowerToShape(expandDimsShape),
  ConcatV2: lowerConcat,
  Pack: lowerPack,
  Unpack: lowerUnpack,
  Split: lowerSplit,
  SplitV: lowerSplitV,
  Slice: lowerSlice,
  StridedSlice: lowerStridedSlice,
  Transpose: lowerTranspose,
  Pad: lowerPad('PAD'), PadV2: lowerPad('PADV2'), MirrorPad: lowerPad('MIRROR_PAD'),
  ResizeBilinear: lowerResize('RESIZE_BILINEAR'), ResizeNearestNeighbor: lowerResize('RESIZE_NEAREST_NEIGHBOR'),
  FusedBatchNorm: lowerBatchNorm, FusedBatchNormV2: lowerBatchNorm, FusedBatchNormV3: lowerBatchNorm,
  Cast: lowerCast,
  Shape: (c) => host('int32', [c.shape(0).length], c.shape(0)),
  Size: (c) => host('int32', [], [elementCount(c.shape(0))]),
  Rank: (c) => host('int32', [], [c.shape(0).length]),
  Fill: lowerFill, ZerosLike: lowerLike(0), OnesLike: lowerLike(1), Range: lowerRange,
  SpaceToBatchND: lowerBlockOp('SPACE_TO_BATCH_ND'), BatchToSpaceND: lowerBlockOp('BATCH_TO_SPACE_ND'),
  DepthToSpace: (c) => (nhwcOnly(c), c.op1('DEPTH_TO_SPACE', [c.tensor(0)], { block_size: c.attrs.int('block_size') })),
  SpaceToDepth: (c) => (nhwcOnly(c), c.op1('SPACE_TO_DEPTH', [c.tensor(0)], { block_size: c.attrs.int('block_size') })),
  Tile: (c) => c.op1('TILE', [c.tensor(0), c.ints1('multiples', c.ints(1, 'multiples'))]),
  BroadcastTo: (c) => c.op1('BROADCAST_TO', [c.tensor(0), c.ints1('shape', c.ints(1, 'shape'))]),
  Gather: lowerGather, GatherV2: lowerGather,
  Select: lowerSelect, SelectV2: lowerSelect,
};
