/**
 * Spatial ops (channels-last in the IR: Conv, ConvTranspose, pools, Resize), normalization, padding and
 * matrix products. 1-D convolutions and pools run as 2-D ones over a height of 1.
 */
import type { Tensor } from '../../ir/model.js';
import { channelsLast, identity, type Lowering, normAxis, type RtValue, samePerm, shapeOf, type Value } from './context.js';
import { elementwise, type Lower } from './lower-tensor.js';
import { int32Bias, int8Constant, int8Input, int8Weights } from './lower-quant.js';
import { count, nd, sliceBox, transpose, type NdArray } from './ndarray.js';

const LOWEST_FLOAT = -3.4028234663852886e38;

/** The activation as an NHWC IR tensor (1-D: [N,1,L,C]). */
function nhwc(cx: Lowering, x: RtValue): Tensor {
  const rank = x.shape.length;
  if (rank !== 3 && rank !== 4) cx.fail(`${rank - 2}-D spatial input is not supported (1-D and 2-D are)`);
  const t = cx.layout(x, channelsLast(rank));
  return rank === 3 ? cx.reshape(t, [t.shape[0]!, 1, t.shape[1]!, t.shape[2]!], cx.name('as2d')) : t;
}

/** Sets output `k` from an NHWC result, undoing the 1-D lift. */
function fromNhwc(cx: Lowering, t: Tensor, oneD: boolean, k = 0): void {
  if (!oneD) return void cx.setRt(k, t, channelsLast(4));
  cx.setRt(k, cx.reshape(t, [t.shape[0]!, t.shape[2]!, t.shape[3]!], cx.name('', k)), channelsLast(3));
}

interface Window {
  /** Per axis, 2-D (height first; a 1-D op gets height 1). */
  ins: number[]; k: number[]; s: number[]; d: number[]; begin: number[]; end: number[];
}

/** Kernel, strides, dilations and resolved pads (auto_pad or explicit), lifted to 2-D. */
function windowOf(cx: Lowering, ins: number[], kernel: number[]): Window {
  const { attrs } = cx.node;
  const n = ins.length;
  const s = attrs.ints('strides') ?? ins.map(() => 1);
  const d = attrs.ints('dilations') ?? ins.map(() => 1);
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  let begin: number[];
  let end: number[];
  if (autoPad === 'NOTSET') {
    const pads = attrs.ints('pads') ?? new Array<number>(2 * n).fill(0);
    [begin, end] = [pads.slice(0, n), pads.slice(n)];
  } else if (autoPad === 'VALID') [begin, end] = [ins.map(() => 0), ins.map(() => 0)];
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = ins.map((len, i) => Math.max(0, (Math.ceil(len / s[i]!) - 1) * s[i]! + (kernel[i]! - 1) * d[i]! + 1 - len));
    begin = total.map((t) => (autoPad === 'SAME_LOWER' ? Math.ceil(t / 2) : Math.floor(t / 2)));
    end = total.map((t, i) => t - begin[i]!);
  } else cx.fail(`auto_pad ${autoPad} is not supported`);
  if ([...begin, ...end].some((p) => p < 0)) cx.fail('negative pads are not supported');
  const lift = (a: number[], v: number) => (n === 1 ? [v, ...a] : a);
  return { ins: lift(ins, 1), k: lift(kernel, 1), s: lift(s, 1), d: lift(d, 1), begin: lift(begin, 0), end: lift(end, 0) };
}

const effective = (w: Window, i: number) => (w.k[i]! - 1) * w.d[i]! + 1;
const outLength = (w: Window, i: number, ceil = false) => (ceil ? Math.ceil : Math.floor)((w.ins[i]! + w.begin[i]! + w.end[i]! - effective(w, i)) / w.s[i]!) + 1;

/** TFLite's SAME reproduces the pads when it gives the same output size and the same leading pad. */
function isSame(w: Window): boolean {
  return [0, 1].every((i) => {
    const out = Math.ceil(w.ins[i]! / w.s[i]!);
    const lead = Math.floor(Math.max((out - 1) * w.s[i]! + effective(w, i) - w.ins[i]!, 0) / 2);
    return out === outLength(w, i) && lead === w.begin[i];
  });
}

const unpadded = (w: Window) => [...w.begin, ...w.end].every((p) => p === 0);

/** The input padded explicitly (NHWC) by `begin`/`end` per spatial axis with `value`. */
function padSpatial(cx: Lowering, t: Tensor, begin: number[], end: number[], value: number): Tensor {
  const paddings = cx.b.constant(cx.name('paddings'), Int32Array.from([0, 0, begin[0]!, end[0]!, begin[1]!, end[1]!, 0, 0]), [4, 2]);
  if (value === 0) return cx.op('PAD', [t, paddings], {}, cx.name('padded'));
  return cx.op('PADV2', [t, paddings, cx.b.constant(cx.name('pad_value'), Float32Array.of(value), [])], {}, cx.name('padded'));
}

/** The padding mode for a conv-like op, padding the input first when TFLite's SAME/VALID cannot express the pads. */
function padFor(cx: Lowering, t: Tensor, w: Window): { t: Tensor; padding: 'SAME' | 'VALID' } {
  if (unpadded(w)) return { t, padding: 'VALID' };
  if (isSame(w)) return { t, padding: 'SAME' };
  return { t: padSpatial(cx, t, w.begin, w.end, 0), padding: 'VALID' };
}

const convOptions = (w: Window, padding: string) => ({
  padding, stride_h: w.s[0], stride_w: w.s[1], dilation_h_factor: w.d[0], dilation_w_factor: w.d[1],
});

function conv(cx: Lowering): void {
  cx.node.attrs.only(['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
  const weights = cx.constIn(1, 'weights');
  const group = cx.node.attrs.int('group', 1);
  const lift4 = (w: NdArray): NdArray => (w.shape.length === 3 ? { ...w, shape: [w.shape[0]!, w.shape[1]!, 1, w.shape[2]!] } : w);
  const w4 = lift4(weights);
  const [outC, groupC] = [w4.shape[0]!, w4.shape[1]!];
  // QDQ: int8 activation in, symmetric int8 weights, requantized output → TFLite's int8 conv.
  const qx = int8Input(cx, 0);
  const qw = int8Weights(cx.raw(1));
  const by = cx.requantizedBy(0, true);
  const quant = qx && qw && by && (group === 1 || groupC === 1) && (qw.params.scale.length === 1 || qw.params.axis === 0) ? { qx, qw, by } : undefined;
  const x = quant ? { ...quant.qx, q: undefined } : cx.rtIn(0);
  const oneD = x.shape.length === 3;
  const win = windowOf(cx, x.shape.slice(2), weights.shape.slice(2));
  const { t, padding } = padFor(cx, nhwc(cx, x), win);
  const inC = x.shape[1]!;
  if (groupC * group !== inC || outC % group) cx.fail(`weights [${weights.shape}] do not fit ${inC} input channels in ${group} groups`, 'MALFORMED');
  const bias = cx.maybeConst(2, 'bias') ?? nd('float32', [outC], new Float64Array(outC));
  const options = { ...convOptions(win, padding), fused_activation_function: quant?.by.relu ? 'RELU' : 'NONE' };
  const filter = (perm: number[], axis: number) =>
    quant ? int8Constant(cx, quant.qw, (a) => transpose(lift4(a), perm), axis, 'weights') : cx.constant(transpose(w4, perm), 'weights');
  const biasT = () => (quant ? int32Bias(cx, bias, quant.qx.t.quantization!.scale[0]!, quant.qw.params.scale, 'bias') : cx.constant(bias, 'bias'));
  let y: Tensor;
  if (group === 1) y = cx.op('CONV_2D', [t, filter([0, 2, 3, 1], 0), biasT()], options, oneD ? cx.name('2d') : cx.name());
  else if (groupC === 1)
    y = cx.op('DEPTHWISE_CONV_2D', [t, filter([1, 2, 3, 0], 3), biasT()], { ...options, depth_multiplier: outC / inC }, oneD ? cx.name('2d') : cx.name());
  else {
    // Grouped: one CONV_2D per group over its slice of channels, then concatenated.
    const parts = cx.b.op('SPLIT', [cx.ints([3], 'axis'), t], { num_splits: group }, {
      names: Array.from({ length: group }, (_, g) => cx.name(`group${g}_in`)), dtypes: new Array(group).fill('float32'),
    });
    const per = outC / group;
    const outs = parts.map((p, g) => {
      const wg = sliceBox(w4, [g * per, 0, 0, 0], [per, ...w4.shape.slice(1)], [1, 1, 1, 1]);
      const bg = sliceBox(bias, [g * per], [per], [1]);
      return cx.op('CONV_2D', [p, cx.constant(transpose(wg, [0, 2, 3, 1]), `weights${g}`), cx.constant(bg, `bias${g}`)], options, cx.name(`group${g}`));
    });
    y = cx.op('CONCATENATION', outs, { axis: 3 }, oneD ? cx.name('2d') : cx.name());
  }
  if (!quant) return fromNhwc(cx, y, oneD);
  y.quantization = { scale: quant.by.params.scale, zeroPoint: quant.by.params.zeroPoint, axis: 0 };
  if (oneD) y = cx.reshape(y, [y.shape[0]!, y.shape[2]!, y.shape[3]!], cx.name());
  cx.setQuantized(0, y, channelsLast(oneD ? 3 : 4), quant.by);
}

/** Kernel [kH,kW] dilated by zeros (ConvTranspose with dilations, exactly). */
function dilateKernel(w: NdArray, d: number[]): NdArray {
  const [ci, co, kh, kw] = w.shape as [number, number, number, number];
  const [eh, ew] = [(kh - 1) * d[0]! + 1, (kw - 1) * d[1]! + 1];
  const out = new Float64Array(ci * co * eh * ew);
  for (let a = 0; a < ci * co; a++)
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[(a * eh + y * d[0]!) * ew + x * d[1]!] = w.data[(a * kh + y) * kw + x]!;
  return { type: w.type, shape: [ci, co, eh, ew], data: out };
}

function convTranspose(cx: Lowering): void {
  const { attrs } = cx.node;
  attrs.only(['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides']);
  if (attrs.int('group', 1) !== 1) cx.fail('grouped ConvTranspose is not supported');
  const x = cx.rtIn(0);
  const weights = cx.constIn(1, 'weights');
  const oneD = x.shape.length === 3;
  const n = x.shape.length - 2;
  const lift = (a: number[], v: number) => (oneD ? [v, ...a] : a);
  const ins = lift(x.shape.slice(2), 1);
  const s = lift(attrs.ints('strides') ?? new Array<number>(n).fill(1), 1);
  const d = lift(attrs.ints('dilations') ?? new Array<number>(n).fill(1), 1);
  const w4 = dilateKernel(oneD ? { ...weights, shape: [weights.shape[0]!, weights.shape[1]!, 1, weights.shape[2]!] } : weights, d);
  const k = w4.shape.slice(2);
  const outPad = lift(attrs.ints('output_padding') ?? new Array<number>(n).fill(0), 0);
  // The full scatter covers s·(in−1)+k (+ output_padding); pads crop it.
  const full = ins.map((len, i) => s[i]! * (len - 1) + k[i]! + outPad[i]!);
  let begin: number[];
  let out: number[];
  const outputShape = attrs.ints('output_shape');
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  if (outputShape || autoPad.startsWith('SAME')) {
    out = outputShape ? lift(outputShape.slice(-n), 1) : ins.map((len, i) => len * s[i]!);
    // ONNX's rule: SAME_UPPER puts the odd cropped row at the end, otherwise at the start; an output
    // larger than the scatter (negative total) grows at the end, like output_padding.
    begin = out.map((o, i) => {
      const total = full[i]! - o;
      return total < 0 ? 0 : autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    });
  } else {
    const pads = attrs.ints('pads') ?? new Array<number>(2 * n).fill(0);
    begin = lift(pads.slice(0, n), 0);
    const end = lift(pads.slice(n), 0);
    out = full.map((f, i) => f - begin[i]! - end[i]!);
  }
  if (begin.some((b) => b < 0) || out.some((o) => o <= 0)) cx.fail('ConvTranspose pads are out of range');
  const t = nhwc(cx, x);
  const outC = w4.shape[1]!;
  const bias = cx.maybeConst(2, 'bias') ?? nd('float32', [outC], new Float64Array(outC));
  const filter = cx.constant(transpose(w4, [1, 2, 3, 0]), 'weights');
  const biasT = cx.constant(bias, 'bias');
  const N = x.shape[0]!;
  const options = { stride_h: s[0], stride_w: s[1] };
  const same = [0, 1].every((i) => begin[i] === Math.floor(Math.max((Math.ceil(out[i]! / s[i]!) - 1) * s[i]! + k[i]! - out[i]!, 0) / 2) && ins[i] === Math.ceil(out[i]! / s[i]!));
  let y: Tensor;
  if (same) y = cx.op('TRANSPOSE_CONV', [cx.ints([N, out[0]!, out[1]!, outC], 'output_shape'), filter, t, biasT], { ...options, padding: 'SAME' }, oneD ? cx.name('2d') : cx.name());
  else {
    // VALID scatters from the top-left corner: compute the whole scatter, then crop the pads.
    const span = out.map((o, i) => Math.max(o + begin[i]!, full[i]!));
    const cropped = span.some((v, i) => v !== out[i]);
    y = cx.op('TRANSPOSE_CONV', [cx.ints([N, span[0]!, span[1]!, outC], 'output_shape'), filter, t, biasT], { ...options, padding: 'VALID' }, cropped || oneD ? cx.name('full') : cx.name());
    if (cropped) y = cx.op('SLICE', [y, cx.ints([0, begin[0]!, begin[1]!, 0], 'begin'), cx.ints([N, out[0]!, out[1]!, outC], 'size')], {}, oneD ? cx.name('2d') : cx.name());
  }
  fromNhwc(cx, y, oneD);
}

const pool = (type: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D'): Lower => (cx) => {
  const { attrs } = cx.node;
  attrs.only(['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'strides', 'storage_order', 'count_include_pad']);
  if (cx.used(1)) cx.fail('MaxPool indices output is not supported');
  if ((attrs.ints('dilations') ?? []).some((v) => v !== 1)) cx.fail('pooling with dilations is not supported');
  const x = cx.rtIn(0);
  const oneD = x.shape.length === 3;
  const kernel = attrs.ints('kernel_shape') ?? cx.fail('kernel_shape is required', 'MALFORMED');
  const w = windowOf(cx, x.shape.slice(2), kernel);
  const ceil = attrs.int('ceil_mode', 0) === 1;
  const out = [0, 1].map((i) => outLength(w, i, ceil));
  // ceil_mode: the last window may run past the padded input; for max that is padding with −∞.
  const extra = [0, 1].map((i) => Math.max(0, (out[i]! - 1) * w.s[i]! + w.k[i]! - (w.ins[i]! + w.begin[i]! + w.end[i]!)));
  const average = type === 'AVERAGE_POOL_2D';
  const includePad = average && attrs.int('count_include_pad', 0) === 1;
  if (average && extra.some((e) => e > 0)) cx.fail('ceil_mode changes this AveragePool\'s output size; not supported');
  let t = nhwc(cx, x);
  let padding: 'SAME' | 'VALID' = 'VALID';
  let explicit = false;
  if (extra.some((e) => e > 0) || !(unpadded(w) || (!includePad && isSame(w)))) {
    t = padSpatial(cx, t, w.begin, w.end.map((e, i) => e + extra[i]!), average ? 0 : LOWEST_FLOAT);
    explicit = average && !includePad && !unpadded(w);
  } else if (!unpadded(w)) padding = 'SAME';
  const options = { padding, stride_h: w.s[0], stride_w: w.s[1], filter_height: w.k[0], filter_width: w.k[1] };
  let y = cx.op(type, [t], options, explicit || oneD ? cx.name('pool') : cx.name());
  if (explicit) {
    // count_include_pad=0 with pads SAME cannot express: rescale each window by k / (cells inside the input).
    const inside = (i: number, o: number) => {
      let c = 0;
      for (let r = 0; r < w.k[i]!; r++) {
        const at = o * w.s[i]! - w.begin[i]! + r;
        if (at >= 0 && at < w.ins[i]!) c++;
      }
      return c;
    };
    const factor = new Float64Array(out[0]! * out[1]!);
    for (let a = 0; a < out[0]!; a++) for (let b = 0; b < out[1]!; b++) factor[a * out[1]! + b] = (w.k[0]! * w.k[1]!) / (inside(0, a) * inside(1, b));
    y = cx.op('MUL', [y, cx.constant(nd('float32', [out[0]!, out[1]!, 1], factor), 'count')], {}, oneD ? cx.name('2d') : cx.name());
  }
  fromNhwc(cx, y, oneD);
};

const globalPool = (type: 'MEAN' | 'REDUCE_MAX'): Lower => (cx) => {
  const x = cx.rtIn(0);
  const rank = x.shape.length;
  const perm = channelsLast(rank);
  const t = cx.op(type, [cx.layout(x, perm), cx.ints(identity(rank - 2).map((i) => i + 1), 'axes')], { keep_dims: true });
  cx.setRt(0, t, perm);
};

function batchNorm(cx: Lowering): void {
  const { attrs } = cx.node;
  if (attrs.int('training_mode', 0) || [1, 2, 3, 4].some((k) => cx.used(k))) cx.fail('BatchNormalization in training mode is not supported');
  if (attrs.int('spatial', 1) !== 1) cx.fail('BatchNormalization with spatial=0 is not supported');
  const eps = attrs.float('epsilon', 1e-5);
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => cx.constIn(i, ['', 'scale', 'bias', 'mean', 'var'][i]!));
  const x = cx.in(0);
  const c = gamma!.data.length;
  const rank = (x.kind === 'rt' ? x.shape : x.a.shape).length;
  // y = x·scale + shift, folded in float64; a later pass folds the pair into the producing conv.
  const scale = gamma!.data.map((g, i) => g / Math.sqrt(variance!.data[i]! + eps));
  const shift = beta!.data.map((b, i) => b - mean!.data[i]! * scale[i]!);
  const perChannel = (v: Float64Array): Value => ({ kind: 'const', a: nd('float32', [c, ...new Array<number>(rank - 2).fill(1)], v) });
  const scaled = elementwise(cx, 'MUL', [x, perChannel(scale)], {}, cx.name('scale'));
  cx.set(0, elementwise(cx, 'ADD', [scaled, perChannel(shift)]));
}

/** Source index (nearest) or clamped coordinate (linear) of each output position along one axis, per ONNX. */
function onnxCoordinates(mode: string, ctm: string, nearestMode: string, inLen: number, outLen: number, ratio: number, cx: Lowering): number[] {
  return Array.from({ length: outLen }, (_, x) => {
    let v: number;
    switch (ctm) {
      case 'half_pixel': v = (x + 0.5) / ratio - 0.5; break;
      case 'pytorch_half_pixel': v = outLen > 1 ? (x + 0.5) / ratio - 0.5 : 0; break;
      // ONNX divides by the unrounded resized length in·ratio (equal to the output size when sizes are given).
      case 'align_corners': v = outLen === 1 ? 0 : (x * (inLen - 1)) / (inLen * ratio - 1); break;
      case 'asymmetric': v = x / ratio; break;
      case 'tf_half_pixel_for_nn': v = (x + 0.5) / ratio; break;
      default: cx.fail(`coordinate_transformation_mode ${ctm} is not supported`);
    }
    if (mode === 'linear') return Math.min(Math.max(v, 0), inLen - 1);
    const r =
      nearestMode === 'floor' ? Math.floor(v) : nearestMode === 'ceil' ? Math.ceil(v) :
      nearestMode === 'round_prefer_ceil' ? Math.floor(v + 0.5) :
      nearestMode === 'round_prefer_floor' ? (v - Math.floor(v) === 0.5 ? Math.floor(v) : Math.round(v)) : cx.fail(`nearest_mode ${nearestMode} is not supported`);
    return Math.min(Math.max(r, 0), inLen - 1);
  });
}

/** The same per TFLite's kernels (float32 arithmetic) for flags align_corners / half_pixel_centers. */
function tfliteCoordinates(mode: string, alignCorners: boolean, halfPixel: boolean, inLen: number, outLen: number): number[] {
  const f = Math.fround;
  const scale = alignCorners && outLen > 1 ? f((inLen - 1) / (outLen - 1)) : f(inLen / outLen);
  return Array.from({ length: outLen }, (_, x) => {
    if (mode === 'linear') {
      const v = halfPixel ? f(f(f(x + 0.5) * scale) - 0.5) : f(x * scale);
      return Math.min(Math.max(v, 0), inLen - 1);
    }
    const v = f(f(x + (halfPixel ? 0.5 : 0)) * scale);
    let i = Math.min(alignCorners ? Math.sign(v) * Math.round(Math.abs(v)) : Math.floor(v), inLen - 1);
    if (halfPixel) i = Math.max(0, i);
    return i;
  });
}

const resize = (upsample: boolean): Lower => (cx) => {
  const { attrs } = cx.node;
  const x = cx.rtIn(0);
  if (x.shape.length !== 4) cx.fail('only 4-D (NCHW) Resize is supported');
  if (attrs.int('antialias', 0)) cx.fail('antialias is not supported');
  if (attrs.has('axes')) cx.fail('Resize axes are not supported');
  if (attrs.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') cx.fail('keep_aspect_ratio_policy is not supported');
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  if (upsample || cx.opset < 11) {
    scales = cx.opset < 9 ? attrs.floats('scales') : Array.from(cx.constIn(1, 'scales').data);
  } else {
    const sc = cx.maybeConst(2, 'scales');
    const sz = cx.maybeConst(3, 'sizes');
    if (sz && sz.data.length) sizes = Array.from(sz.data);
    else if (sc && sc.data.length) scales = Array.from(sc.data);
  }
  if (!sizes && !scales) cx.fail('Resize needs scales or sizes', 'MALFORMED');
  const out = sizes ?? x.shape.map((d, i) => Math.floor(d * scales![i]!));
  if (out[0] !== x.shape[0] || out[1] !== x.shape[1]) cx.fail('resizing the batch or channel axis is not supported');
  const rawMode = attrs.string('mode', 'nearest');
  const mode = rawMode === 'bilinear' ? 'linear' : rawMode;
  if (mode !== 'nearest' && mode !== 'linear') cx.fail(`mode ${rawMode} is not supported (nearest and linear are)`);
  const ctm = upsample || cx.opset < 11 ? 'asymmetric' : attrs.string('coordinate_transformation_mode', 'half_pixel');
  // Upsample and opset-10 Resize take the floor of the source coordinate; nearest_mode came with opset 11.
  const nearestMode = upsample || cx.opset < 11 ? 'floor' : attrs.string('nearest_mode', 'round_prefer_floor');
  const wanted = [2, 3].map((a) => onnxCoordinates(mode, ctm, nearestMode, x.shape[a]!, out[a]!, sizes ? out[a]! / x.shape[a]! : scales![a]!, cx));
  const flags = [[false, false], [false, true], [true, false]].find(([ac, hp]) =>
    [2, 3].every((a, k) => tfliteCoordinates(mode, ac!, hp!, x.shape[a]!, out[a]!).every((v, i) => Math.abs(v - wanted[k]![i]!) <= 1e-5 * x.shape[a]!)))
    ?? cx.fail(`${mode} resize with coordinate_transformation_mode ${ctm}${mode === 'nearest' ? `, nearest_mode ${nearestMode}` : ''} and these scales samples positions no TFLite resize does`);
  const t = cx.op(mode === 'nearest' ? 'RESIZE_NEAREST_NEIGHBOR' : 'RESIZE_BILINEAR', [nhwc(cx, x), cx.ints([out[2]!, out[3]!], 'size')], {
    align_corners: flags[0], half_pixel_centers: flags[1],
  });
  cx.setRt(0, t, channelsLast(4));
};

function pad(cx: Lowering): void {
  const { attrs } = cx.node;
  const x = cx.rtIn(0);
  const rank = x.shape.length;
  const mode = attrs.string('mode', 'constant');
  let pads = cx.opset < 11 ? attrs.ints('pads') ?? cx.fail('pads are required', 'MALFORMED') : Array.from(cx.constIn(1, 'pads').data);
  const value = cx.opset < 11 ? attrs.float('value', 0) : cx.maybeConst(2, 'constant_value')?.data[0] ?? 0;
  const axesIn = cx.opset >= 18 ? cx.maybeConst(3, 'axes') : undefined;
  if (axesIn) {
    const full = new Array<number>(2 * rank).fill(0);
    Array.from(axesIn.data).forEach((a, k) => {
      const ax = a < 0 ? a + rank : a;
      full[ax] = pads[k]!;
      full[rank + ax] = pads[axesIn.data.length + k]!;
    });
    pads = full;
  }
  if (pads.some((p) => p < 0)) cx.fail('negative pads (cropping) are not supported');
  const begin = x.perm.map((p) => pads[p]!);
  const end = x.perm.map((p) => pads[rank + p]!);
  const paddings = cx.b.constant(cx.name('paddings'), Int32Array.from(begin.flatMap((b, i) => [b, end[i]!])), [rank, 2]);
  let t: Tensor;
  if (mode === 'constant')
    t = value === 0 ? cx.op('PAD', [x.t, paddings]) : cx.op('PADV2', [x.t, paddings, cx.b.constant(cx.name('value'), Float32Array.of(value), [])]);
  else if (mode === 'reflect') t = cx.op('MIRROR_PAD', [x.t, paddings], { mode: 'REFLECT' });
  else if (mode === 'edge') {
    // Edge padding repeats the border element: one GATHER per padded axis with clamped indices.
    t = x.t;
    const axes = begin.flatMap((b, i) => (b || end[i] ? [i] : []));
    axes.forEach((i, k) => {
      const dim = t.shape[i]!;
      const idx = Int32Array.from({ length: dim + begin[i]! + end[i]! }, (_, j) => Math.min(Math.max(j - begin[i]!, 0), dim - 1));
      t = cx.op('GATHER', [t, cx.b.constant(cx.name(`edge${i}`), idx, [idx.length])], { axis: i }, k === axes.length - 1 ? cx.name() : cx.name(`edge${i}_out`));
    });
  } else cx.fail(`Pad mode ${mode} is not supported`);
  cx.setRt(0, t, x.perm);
}

/**
 * A · B (+ bias): FULLY_CONNECTED when B is constant (weights [N,K]), BATCH_MATMUL otherwise. A run-time
 * operand whose IR layout has its last two axes swapped (an ONNX Transpose just before) is read with
 * adj_x / adj_y instead of being transposed.
 */
function matmulInto(cx: Lowering, a: Value, b: Value, bTransposed: boolean, bias: NdArray | undefined, name: string): Tensor {
  if (b.kind === 'const' && b.a.shape.length === 2) {
    const w = bTransposed ? b.a : transpose(b.a, [1, 0]);
    const at = cx.source(a);
    return cx.op('FULLY_CONNECTED', [at, cx.constant(w, 'weights'), bias ? cx.constant(bias, 'bias') : null], { keep_num_dims: at.shape.length > 2 }, name);
  }
  const operand = (v: Value, transposed: boolean): [Tensor, boolean] => {
    const rank = shapeOfValue(v).length;
    const swapped = [...identity(rank - 2), rank - 1, rank - 2];
    if (v.kind === 'rt' && samePerm(v.perm, swapped)) return [v.t, !transposed];
    return [cx.source(v), transposed];
  };
  let [at, adjX] = operand(a, false);
  let [bt, adjY] = operand(b, bTransposed);
  const rank = Math.max(at.shape.length, bt.shape.length);
  const lift = (t: Tensor) => cx.reshape(t, [...new Array<number>(rank - t.shape.length).fill(1), ...t.shape]);
  [at, bt] = [lift(at), lift(bt)];
  const y = cx.op('BATCH_MATMUL', [at, bt], { adj_x: adjX, adj_y: adjY }, bias ? `${name}/matmul` : name);
  return bias ? cx.op('ADD', [y, cx.constant(bias, 'bias')], {}, name) : y;
}

/**
 * QDQ Gemm/MatMul: int8 activation, symmetric int8 weights per tensor or per output unit, requantized
 * output → TFLite's int8 FULLY_CONNECTED. Returns whether it applied.
 */
function quantizedMatmul(cx: Lowering, transA: boolean, transB: boolean, alpha: number, bias: NdArray | undefined): boolean {
  const qx = int8Input(cx, 0);
  const qw = int8Weights(cx.raw(1));
  const by = cx.requantizedBy(0, true);
  if (!qx || !qw || !by || transA || alpha !== 1 || qw.ints.shape.length !== 2) return false;
  if (qw.params.scale.length > 1 && qw.params.axis !== (transB ? 0 : 1)) return false;
  const a: RtValue = { ...qx, q: undefined };
  const at = cx.source(a);
  const units = qw.ints.shape[transB ? 0 : 1]!;
  const w = int8Constant(cx, qw, (x) => (transB ? x : transpose(x, [1, 0])), 0, 'weights');
  const b = int32Bias(cx, bias ?? nd('float32', [units], new Float64Array(units)), qx.t.quantization!.scale[0]!, qw.params.scale, 'bias');
  const y = cx.op('FULLY_CONNECTED', [at, w, b], { keep_num_dims: at.shape.length > 2, fused_activation_function: by.relu ? 'RELU' : 'NONE' });
  cx.setQuantized(0, y, identity(y.shape.length), by);
  return true;
}

function gemm(cx: Lowering): void {
  const { attrs } = cx.node;
  const alpha = attrs.float('alpha', 1);
  const beta = attrs.float('beta', 1);
  const transA = attrs.int('transA', 0) === 1;
  const transB = attrs.int('transB', 0) === 1;
  const aShape = shapeOf(cx.raw(0));
  const m = aShape[transA ? 1 : 0]!;
  const n = shapeOf(cx.raw(1))[transB ? 0 : 1]!;
  const c = cx.maybe(2);
  // A bias that is one row (or a scalar) rides in the FC; a full [M,N] one is added after.
  const rowBias = c?.kind === 'const' && (count(c.a.shape) === n || count(c.a.shape) === 1) && !(c.a.shape.length === 2 && c.a.shape[0] !== 1 && m !== 1)
    ? nd('float32', [n], Array.from({ length: n }, (_, i) => beta * c.a.data[count(c.a.shape) === 1 ? 0 : i]!)) : undefined;
  if ((!c || rowBias) && quantizedMatmul(cx, transA, transB, alpha, rowBias)) return;
  const av = cx.in(0);
  const a: Value = transA ? (av.kind === 'rt' ? { ...av, shape: [av.shape[1]!, av.shape[0]!], perm: av.perm.map((p) => 1 - p) } : { kind: 'const', a: transpose(av.a, [1, 0]) }) : av;
  let b = cx.in(1);
  if (alpha !== 1 && b.kind === 'const') b = { kind: 'const', a: { ...b.a, data: b.a.data.map((v) => Math.fround(v * alpha)) } };
  const needsAfter = (c && !rowBias) || (alpha !== 1 && b.kind !== 'const');
  let y: Value = { kind: 'rt', t: matmulInto(cx, a, b, transB, rowBias, needsAfter ? cx.name('matmul') : cx.name()), shape: [m, n], perm: [0, 1] };
  if (alpha !== 1 && b.kind !== 'const') y = elementwise(cx, 'MUL', [y, { kind: 'const', a: nd('float32', [], [alpha]) }], {}, c && !rowBias ? cx.name('scaled') : cx.name());
  if (c && !rowBias) {
    const cc: Value = c.kind === 'const' && beta !== 1 ? { kind: 'const', a: { ...c.a, data: c.a.data.map((v) => v * beta) } } : c;
    if (beta !== 1 && c.kind !== 'const') cx.fail('Gemm with a run-time C and beta ≠ 1 is not supported');
    y = elementwise(cx, 'ADD', [y, cc]);
  }
  cx.set(0, y);
}

const shapeOfValue = shapeOf;

function matmul(cx: Lowering): void {
  if (quantizedMatmul(cx, false, false, 1, undefined)) return;
  const av = cx.rtIn(0);
  const b = cx.in(1);
  if (av.shape.length < 2 || shapeOfValue(b).length < 2) cx.fail('MatMul with a 1-D operand is not supported');
  const t = matmulInto(cx, av, b, false, undefined, cx.name());
  cx.setRt(0, t);
}

/** (x − mean) / √(var + ε) over ONNX axes `axes` (in whatever IR layout x has). */
function normalize(cx: Lowering, x: RtValue, axes: number[], eps: number): { y: RtValue; mean: Tensor; inv: Tensor } {
  const irAxes = cx.ints(axes.map((a) => x.perm.indexOf(a)).sort((a, b) => a - b), 'norm_axes');
  const mean = cx.op('MEAN', [x.t, irAxes], { keep_dims: true }, cx.name('mean'));
  const centered = cx.op('SUB', [x.t, mean], {}, cx.name('centered'));
  const variance = cx.op('MEAN', [cx.op('MUL', [centered, centered], {}, cx.name('squared')), irAxes], { keep_dims: true }, cx.name('variance'));
  const inv = cx.op('RSQRT', [cx.op('ADD', [variance, cx.b.constant(cx.name('epsilon'), Float32Array.of(eps), [])], {}, cx.name('variance_eps'))], {}, cx.name('inv_std'));
  return { y: { kind: 'rt', t: cx.op('MUL', [centered, inv], {}, cx.name('normalized')), shape: x.shape, perm: x.perm }, mean, inv };
}

function layerNorm(cx: Lowering): void {
  const x = cx.rtIn(0);
  const rank = x.shape.length;
  const axis = normAxis(cx.node.attrs.int('axis', -1), rank);
  const norm = normalize(cx, x, identity(rank).slice(axis), cx.node.attrs.float('epsilon', 1e-5));
  // Mean and InvStdDev keep the reduced axes as 1s, in x's layout.
  if (cx.used(1)) cx.setRt(1, norm.mean, x.perm);
  if (cx.used(2)) cx.setRt(2, norm.inv, x.perm);
  let y: Value = norm.y;
  y = elementwise(cx, 'MUL', [y, cx.in(1)], {}, cx.maybe(2) ? cx.name('scaled') : cx.name());
  if (cx.maybe(2)) y = elementwise(cx, 'ADD', [y, cx.in(2)]);
  cx.set(0, y);
}

function instanceNorm(cx: Lowering): void {
  const x = cx.rtIn(0);
  const rank = x.shape.length;
  const perChannel = (i: number): Value => {
    const a = cx.constIn(i, i === 1 ? 'scale' : 'B');
    return { kind: 'const', a: { ...a, shape: [a.data.length, ...new Array<number>(rank - 2).fill(1)] } };
  };
  const { y } = normalize(cx, x, identity(rank).slice(2), cx.node.attrs.float('epsilon', 1e-5));
  cx.set(0, elementwise(cx, 'ADD', [elementwise(cx, 'MUL', [y, perChannel(1)], {}, cx.name('scaled')), perChannel(2)]));
}

/** MeanVarianceNormalization: (x − mean) / √var over `axes` (default N, H, W). */
function meanVarianceNorm(cx: Lowering): void {
  const x = cx.rtIn(0);
  const axes = (cx.node.attrs.ints('axes') ?? [0, 2, 3]).map((a) => normAxis(a, x.shape.length));
  // ONNX divides by (σ + 10⁻⁹); normalize's 1/√(σ² + ε) with ε = 10⁻¹⁸ is the same to float precision.
  cx.set(0, normalize(cx, x, axes, 1e-18).y);
}

const blockOp = (type: 'DEPTH_TO_SPACE' | 'SPACE_TO_DEPTH'): Lower => (cx) => {
  const x = cx.rtIn(0);
  const block = cx.node.attrs.int('blocksize') ?? cx.fail('blocksize is required', 'MALFORMED');
  let t = nhwc(cx, x);
  if (type === 'DEPTH_TO_SPACE' && cx.node.attrs.string('mode', 'DCR') === 'CRD') {
    // CRD orders channels c·b² + (by·b + bx); TFLite (like DCR) takes (by·b + bx)·C + c: reorder first.
    const cOut = x.shape[1]! / (block * block);
    const idx = Int32Array.from({ length: x.shape[1]! }, (_, j) => (j % cOut) * block * block + Math.floor(j / cOut));
    t = cx.op('GATHER', [t, cx.b.constant(cx.name('dcr_order'), idx, [idx.length])], { axis: 3 }, cx.name('dcr'));
  }
  cx.setRt(0, cx.op(type, [t], { block_size: block }), channelsLast(4));
};

export const NN_OPS: Record<string, Lower> = {
  LayerNormalization: layerNorm,
  InstanceNormalization: instanceNorm,
  MeanVarianceNormalization: meanVarianceNorm,
  DepthToSpace: blockOp('DEPTH_TO_SPACE'),
  SpaceToDepth: blockOp('SPACE_TO_DEPTH'),
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('MAX_POOL_2D'),
  AveragePool: pool('AVERAGE_POOL_2D'),
  GlobalAveragePool: globalPool('MEAN'),
  GlobalMaxPool: globalPool('REDUCE_MAX'),
  BatchNormalization: batchNorm,
  Resize: resize(false),
  Upsample: resize(true),
  Pad: pad,
  Gemm: gemm,
  MatMul: matmul,
};

