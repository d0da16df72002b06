/**
 * The non-recurrent Keras layers as TFLite ops. Each lowering gets its inputs with static shapes (batch
 * included) and its weights in Keras layout (Dense [in, units], Conv [kh, kw, in, out]) and emits TFLite
 * layouts (FULLY_CONNECTED [units, in], CONV_2D OHWI, DEPTHWISE_CONV_2D [1, kh, kw, in·mult]).
 */
import type { Tensor } from '../../ir/model.js';
import { activationName, affine, clip, elu } from './activations.js';
import type { LayerContext, LowerLayer } from './layer.js';
import {
  axisIndex, channelConstant, constant, malformed, named, permuted, pickWeights, requireChannelsLast, reshape,
  tfPadding, transpose, tuple, unsupported,
} from './lowering.js';

const cfg = (ctx: LayerContext) => ctx.layer.config;
const useBias = (ctx: LayerContext) => cfg(ctx).use_bias !== false;
const withActivation = (ctx: LayerContext, y: Tensor): Tensor[] => [ctx.activation(y, activationName(cfg(ctx).activation))];

function biasTensor(ctx: LayerContext, bias: { values: Float32Array } | undefined): Tensor | null {
  return bias ? constant(ctx, 'bias', bias.values, [bias.values.length]) : null;
}

/**
 * Runs a 2-D lowering on a 1-D layer's input [N, W, C] as [N, 1, W, C] and reshapes the result back, so
 * Conv1D, pooling 1D and friends share the 2-D code.
 */
function as2d(ctx: LayerContext, x: Tensor, oneD: boolean, body: (x4: Tensor) => Tensor): Tensor {
  if (!oneD) return body(x);
  if (x.shape.length !== 3) malformed(`expects a rank-3 input [batch, steps, channels], has [${x.shape}]`);
  const [n, w, c] = x.shape as [number, number, number];
  const y = body(reshape(ctx, x, [n, 1, w, c], 'to2d'));
  return reshape(ctx, y, [n, y.shape[2]!, y.shape[3]!], 'to1d');
}

/** Spatial config values as [h, w] (1-D layers: [1, value]). */
const spatial = (ctx: LayerContext, key: string, oneD: boolean, fallback: unknown = 1): [number, number] =>
  (oneD ? [1, tuple(cfg(ctx)[key] ?? fallback, 1, key)[0]!] : tuple(cfg(ctx)[key] ?? fallback, 2, key)) as [number, number];

/** Conv1D 'causal' padding: pad (k−1)·dilation steps on the left, then a VALID convolution. */
function causalPad(ctx: LayerContext, x: Tensor, kw: number, dw: number): Tensor {
  const paddings = ctx.b.ints(named(ctx, 'causal/paddings'), [0, 0, 0, 0, (kw - 1) * dw, 0, 0, 0], [4, 2]);
  return ctx.b.op1('PAD', [x, paddings], {}, { names: [named(ctx, 'causal')] });
}

function convOptions(ctx: LayerContext, oneD: boolean) {
  const [sh, sw] = spatial(ctx, 'strides', oneD);
  const [dh, dw] = spatial(ctx, 'dilation_rate', oneD);
  const padding = cfg(ctx).padding === 'causal' ? 'VALID' : tfPadding(cfg(ctx).padding);
  return { padding, stride_h: sh, stride_w: sw, dilation_h_factor: dh, dilation_w_factor: dw };
}

/**
 * Conv1D / Conv2D. groups > 1 (Keras 2.4+): the input channels are split into groups, each convolved with
 * its own slice of the output filters, and the results concatenated (TFLite builds differ in grouped CONV_2D).
 */
function conv(oneD: boolean): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    if (cfg(ctx).padding === 'causal' && !oneD) unsupported("padding 'causal' on a 2-D convolution");
    const groups: number = cfg(ctx).groups ?? 1;
    const [kernel, bias] = pickWeights(ctx, ['kernel', useBias(ctx) && 'bias']);
    const kshape = oneD ? [1, ...kernel!.shape] : kernel!.shape;
    const w = permuted(kernel!.values, kshape, [3, 0, 1, 2]);
    const [cout, kh, kw, cinGroup] = w.shape as [number, number, number, number];
    if (cout % groups !== 0) malformed(`${cout} filters do not split into ${groups} groups`);
    const options = convOptions(ctx, oneD);
    const y = as2d(ctx, x!, oneD, (x4) => {
      const input = cfg(ctx).padding === 'causal' ? causalPad(ctx, x4, kw, options.dilation_w_factor) : x4;
      if (input.shape[3] !== cinGroup * groups) malformed(`input has ${input.shape[3]} channels, the kernel expects ${cinGroup}×${groups} groups`);
      const parts = groups === 1 ? [input] : ctx.b.op('SPLIT', [ctx.b.ints(named(ctx, 'split_axis'), [3], []), input], { num_splits: groups },
        { names: Array.from({ length: groups }, (_, g) => named(ctx, `group${g}`)), dtypes: Array(groups).fill('float32') });
      const per = cout / groups, size = per * kh * kw * cinGroup;
      const outs = parts.map((part, g) => {
        const suffix = groups === 1 ? '' : `_${g}`;
        const filters = constant(ctx, `kernel${suffix}`, w.values.subarray(g * size, (g + 1) * size), [per, kh, kw, cinGroup]);
        const b = bias ? constant(ctx, `bias${suffix}`, bias.values.subarray(g * per, (g + 1) * per), [per]) : null;
        return ctx.b.op1('CONV_2D', [part, filters, b], options, { names: [named(ctx, `conv${suffix}`)] });
      });
      return outs.length === 1 ? outs[0]! : ctx.b.op1('CONCATENATION', outs, { axis: 3 }, { names: [named(ctx, 'groups')] });
    });
    return withActivation(ctx, y);
  };
}

/** Keras depthwise kernels [kh, kw, in, mult] are already TFLite's [1, kh, kw, in·mult] in memory order. */
function depthwise(ctx: LayerContext, x4: Tensor, kernel: { values: Float32Array; shape: number[] }, bias: Tensor | null, oneD: boolean): Tensor {
  const [kh, kw, cin, mult] = oneD ? [1, ...kernel.shape] : kernel.shape;
  const w = constant(ctx, 'depthwise_kernel', kernel.values, [1, kh!, kw!, cin! * mult!]);
  // TFLite's depthwise kernel requires the bias input: a bias-free depthwise stage gets zeros.
  const b = bias ?? constant(ctx, 'depthwise_bias', new Float32Array(cin! * mult!), [cin! * mult!]);
  return ctx.b.op1('DEPTHWISE_CONV_2D', [x4, w, b], { ...convOptions(ctx, oneD), depth_multiplier: mult }, { names: [named(ctx, 'depthwise')] });
}

function depthwiseConv(oneD: boolean): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const [kernel, bias] = pickWeights(ctx, ['depthwise_kernel|kernel', useBias(ctx) && 'bias']);
    return withActivation(ctx, as2d(ctx, x!, oneD, (x4) => depthwise(ctx, x4, kernel!, biasTensor(ctx, bias), oneD)));
  };
}

function separableConv(oneD: boolean): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const [dk, pk, bias] = pickWeights(ctx, ['depthwise_kernel', 'pointwise_kernel', useBias(ctx) && 'bias']);
    const y = as2d(ctx, x!, oneD, (x4) => {
      const d = depthwise(ctx, x4, dk!, null, oneD);
      const pshape = oneD ? [1, ...pk!.shape] : pk!.shape;
      const w = permuted(pk!.values, pshape, [3, 0, 1, 2]);
      return ctx.b.op1('CONV_2D', [d, constant(ctx, 'pointwise_kernel', w.values, w.shape), biasTensor(ctx, bias)], { padding: 'VALID', stride_h: 1, stride_w: 1 }, { names: [named(ctx, 'pointwise')] });
    });
    return withActivation(ctx, y);
  };
}

/** Keras deconv_output_length without output_padding: same → in·s, valid → in·s + max(k − s, 0). */
const deconvLength = (size: number, k: number, s: number, padding: string) => (padding === 'same' ? size * s : size * s + Math.max(k - s, 0));

const conv2dTranspose: LowerLayer = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const c = cfg(ctx);
  if (c.output_padding != null) unsupported('output_padding is not supported');
  const [dh, dw] = spatial(ctx, 'dilation_rate', false);
  if (dh !== 1 || dw !== 1) unsupported(`dilation_rate ${dh}x${dw} on a transposed convolution`);
  const [kernel, bias] = pickWeights(ctx, ['kernel', useBias(ctx) && 'bias']);
  const [kh, kw, cout] = kernel!.shape as [number, number, number, number];
  const [sh, sw] = spatial(ctx, 'strides', false);
  const [n, h, w] = x!.shape as [number, number, number, number];
  const outShape = [n, deconvLength(h, kh, sh, c.padding), deconvLength(w, kw, sw, c.padding), cout];
  const weights = permuted(kernel!.values, kernel!.shape, [2, 0, 1, 3]);
  const y = ctx.b.op1('TRANSPOSE_CONV', [
    ctx.b.ints(named(ctx, 'output_shape'), outShape), constant(ctx, 'kernel', weights.values, weights.shape), x!, biasTensor(ctx, bias),
  ], { padding: tfPadding(c.padding), stride_h: sh, stride_w: sw }, { names: [named(ctx, 'deconv')], dtypes: ['float32'] });
  return withActivation(ctx, y);
};

const dense: LowerLayer = (ctx, [x]) => {
  const [kernel, bias] = pickWeights(ctx, ['kernel', useBias(ctx) && 'bias']);
  const w = permuted(kernel!.values, kernel!.shape, [1, 0]);
  const y = ctx.b.op1('FULLY_CONNECTED', [x!, constant(ctx, 'kernel', w.values, w.shape), biasTensor(ctx, bias)],
    { keep_num_dims: x!.shape.length > 2 }, { names: [named(ctx, 'matmul')] });
  return withActivation(ctx, y);
};

/** y = x·scale + offset per channel, the constants computed in float64 (a later pass folds them into a conv). */
function scaleShift(ctx: LayerContext, x: Tensor, axis: number, scale: Float64Array, offset: Float64Array): Tensor {
  const rank = x.shape.length;
  const m = ctx.b.op1('MUL', [x, channelConstant(ctx, 'scale', Float32Array.from(scale), rank, axis)], {}, { names: [named(ctx, 'mul')] });
  return ctx.b.op1('ADD', [m, channelConstant(ctx, 'offset', Float32Array.from(offset), rank, axis)], {}, { names: [named(ctx, 'add')] });
}

const batchNormalization: LowerLayer = (ctx, [x]) => {
  const c = cfg(ctx);
  const axis = axisIndex(c.axis, x!.shape.length);
  const channels = x!.shape[axis]!;
  const [gamma, beta, mean, variance] = (() => {
    const names = [c.scale !== false && 'gamma', c.center !== false && 'beta', 'moving_mean', 'moving_variance'];
    const got = pickWeights(ctx, names);
    let i = 0;
    return names.map((n) => (n ? got[i++]!.values : undefined));
  })();
  const eps = c.epsilon ?? 1e-3;
  const scale = new Float64Array(channels), offset = new Float64Array(channels);
  for (let i = 0; i < channels; i++) {
    scale[i] = (gamma ? gamma[i]! : 1) / Math.sqrt(variance![i]! + eps);
    offset[i] = (beta ? beta[i]! : 0) - mean![i]! * scale[i]!;
  }
  return [scaleShift(ctx, x!, axis, scale, offset)];
};

/** Normalization: (x − mean) / max(sqrt(variance), 1e-7), or the inverse with invert=True. */
const normalization: LowerLayer = (ctx, [x]) => {
  const c = cfg(ctx);
  const axis = axisIndex(c.axis, x!.shape.length);
  const count = x!.shape[axis]!;
  const values = (v: unknown, name: string): Float64Array => {
    if (v == null) {
      const w = ctx.weights.find((w) => w.name === name) ?? ctx.weights[name === 'mean' ? 0 : 1];
      if (!w) malformed(`has no ${name} (neither in the config nor among the weights)`);
      return Float64Array.from(w.values);
    }
    const arr = Array.isArray(v) ? v.flat(8) : [v];
    return Float64Array.from({ length: count }, (_, i) => Number(arr.length === 1 ? arr[0] : arr[i]));
  };
  const mean = values(c.mean, 'mean'), variance = values(c.variance, 'variance');
  const scale = new Float64Array(count), offset = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const std = Math.max(Math.sqrt(variance[i % variance.length]!), 1e-7);
    const m = mean[i % mean.length]!;
    [scale[i], offset[i]] = c.invert ? [std, m] : [1 / std, -m / std];
  }
  return [scaleShift(ctx, x!, axis, scale, offset)];
};

const rescaling: LowerLayer = (ctx, [x]) => {
  const { scale = 1, offset = 0 } = cfg(ctx);
  if (typeof scale === 'number' && typeof offset === 'number') return [affine(ctx.b, x!, scale, offset, ctx.layer.name)];
  const channels = x!.shape[x!.shape.length - 1]!;
  const perChannel = (v: number | number[]) => Float64Array.from({ length: channels }, (_, i) => (Array.isArray(v) ? v[i]! : v));
  return [scaleShift(ctx, x!, x!.shape.length - 1, perChannel(scale), perChannel(offset))];
};

function pool(kind: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D', oneD: boolean): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const [fh, fw] = spatial(ctx, 'pool_size', oneD, 2);
    const [sh, sw] = cfg(ctx).strides == null ? [fh, fw] : spatial(ctx, 'strides', oneD);
    const options = { padding: tfPadding(cfg(ctx).padding), filter_height: fh, filter_width: fw, stride_h: sh, stride_w: sw };
    return [as2d(ctx, x!, oneD, (x4) => ctx.b.op1(kind, [x4], options, { names: [named(ctx, 'pool')] }))];
  };
}

function globalPool(kind: 'MEAN' | 'REDUCE_MAX', oneD: boolean): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const axes = oneD ? [1] : [1, 2];
    return [ctx.b.op1(kind, [x!, ctx.b.ints(named(ctx, 'axes'), axes)], { keep_dims: !!cfg(ctx).keepdims }, { names: [named(ctx, 'reduce')] })];
  };
}

/** Keras padding/cropping configs (int, per-axis ints, or per-axis pairs) as [before, after] per spatial axis. */
function spatialPairs(value: unknown, axes: number, what: string): [number, number][] {
  if (typeof value === 'number') return Array.from({ length: axes }, () => [value, value]);
  if (!Array.isArray(value)) return malformed(`${what} ${JSON.stringify(value)}`);
  if (axes === 1 && value.length === 2 && value.every((v) => typeof v === 'number')) return [[value[0], value[1]]];
  if (value.length !== axes) return malformed(`${what} ${JSON.stringify(value)} is not ${axes} entries`);
  return value.map((v) => tuple(v, 2, what) as [number, number]);
}

function zeroPadding(axes: number): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const pairs = spatialPairs(cfg(ctx).padding ?? 1, axes, 'padding');
    const paddings = [[0, 0], ...pairs, [0, 0]].flat();
    return [ctx.b.op1('PAD', [x!, ctx.b.ints(named(ctx, 'paddings'), paddings, [axes + 2, 2])], {}, { names: [named(ctx, 'pad')] })];
  };
}

function cropping(axes: number): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const pairs = spatialPairs(cfg(ctx).cropping ?? 1, axes, 'cropping');
    const shape = x!.shape;
    const begin = [0, ...pairs.map(([b]) => b), 0];
    const size = [shape[0]!, ...pairs.map(([b, a], i) => shape[i + 1]! - b - a), shape[axes + 1]!];
    if (size.some((d) => d <= 0)) malformed(`cropping ${JSON.stringify(cfg(ctx).cropping)} leaves nothing of [${shape}]`);
    return [ctx.b.op1('SLICE', [x!, ctx.b.ints(named(ctx, 'begin'), begin), ctx.b.ints(named(ctx, 'size'), size)], {}, { names: [named(ctx, 'crop')] })];
  };
}

/** UpSampling: Keras (tf.image.resize) uses half-pixel centers; TF.js resizes with its defaults (no half-pixel centers). */
function upSampling(oneD: boolean): LowerLayer {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const [sh, sw] = oneD ? [1, tuple(cfg(ctx).size ?? 2, 1, 'size')[0]!] : tuple(cfg(ctx).size ?? 2, 2, 'size');
    const interpolation = cfg(ctx).interpolation ?? 'nearest';
    const kind = interpolation === 'nearest' ? 'RESIZE_NEAREST_NEIGHBOR' : interpolation === 'bilinear' ? 'RESIZE_BILINEAR' : unsupported(`interpolation '${interpolation}'`);
    return [as2d(ctx, x!, oneD, (x4) => {
      const size = ctx.b.ints(named(ctx, 'size'), [x4.shape[1]! * sh!, x4.shape[2]! * sw!]);
      return ctx.b.op1(kind, [x4, size], { half_pixel_centers: ctx.source !== 'tfjs' }, { names: [named(ctx, 'resize')] });
    })];
  };
}

function chain(type: string): LowerLayer {
  return (ctx, inputs) => {
    if (inputs.length < 2) malformed(`needs at least 2 inputs, has ${inputs.length}`);
    return [inputs.slice(1).reduce((acc, t, i) => ctx.b.op1(type, [acc, t], {}, { names: [named(ctx, `${type.toLowerCase()}${i}`)] }), inputs[0]!)];
  };
}

const average: LowerLayer = (ctx, inputs) => [affine(ctx.b, chain('ADD')(ctx, inputs)[0]!, 1 / inputs.length, 0, named(ctx, 'mean'))];

const concatenate: LowerLayer = (ctx, inputs) =>
  [ctx.b.op1('CONCATENATION', inputs, { axis: axisIndex(cfg(ctx).axis, inputs[0]!.shape.length) }, { names: [named(ctx, 'concat')] })];

const flatten: LowerLayer = (ctx, [x]) => {
  requireChannelsLast(ctx);
  return [reshape(ctx, x!, [x!.shape[0]!, x!.shape.slice(1).reduce((a, b) => a * b, 1)])];
};

const reshapeLayer: LowerLayer = (ctx, [x]) => {
  const target = cfg(ctx).target_shape as number[];
  const total = x!.shape.slice(1).reduce((a, b) => a * b, 1);
  const known = target.filter((d) => d !== -1 && d !== null).reduce((a, b) => a * b, 1);
  const dims = target.map((d) => (d === -1 || d === null ? total / known : d));
  if (dims.reduce((a, b) => a * b, 1) !== total) malformed(`target_shape [${target}] does not hold the input's ${total} elements`);
  return [reshape(ctx, x!, [x!.shape[0]!, ...dims])];
};

const permute: LowerLayer = (ctx, [x]) => [transpose(ctx, x!, [0, ...(cfg(ctx).dims as number[])])];

/** Softmax over any one axis: TFLite's SOFTMAX works on the last axis, so other axes are moved there and back. */
function softmaxOn(ctx: LayerContext, x: Tensor, axisValue: unknown): Tensor {
  const rank = x.shape.length;
  const axis = axisIndex(axisValue, rank);
  if (axis === rank - 1) return ctx.b.op1('SOFTMAX', [x], { beta: 1 }, { names: [named(ctx, 'softmax')] });
  const perm = [...Array(rank).keys()];
  [perm[axis], perm[rank - 1]] = [rank - 1, axis];
  const s = ctx.b.op1('SOFTMAX', [transpose(ctx, x, perm, 'to_last')], { beta: 1 }, { names: [named(ctx, 'softmax')] });
  return transpose(ctx, s, perm, 'from_last');
}

/** x where x ≥ threshold (x > threshold when `strict`), else `below`: SELECT_V2 on a comparison. */
function selectAbove(ctx: LayerContext, x: Tensor, threshold: number, below: Tensor, strict: boolean): Tensor {
  const t = ctx.b.constant(named(ctx, 'threshold'), Float32Array.of(threshold), []);
  const mask = ctx.b.op1(strict ? 'GREATER' : 'GREATER_EQUAL', [x, t], {}, { names: [named(ctx, 'mask')], dtypes: ['bool'] });
  return ctx.b.op1('SELECT_V2', [mask, x, below], {}, { names: [named(ctx, 'select')], dtypes: ['float32'] });
}

const reluLayer: LowerLayer = (ctx, [x]) => {
  const { max_value: max = null, negative_slope: slope = 0, threshold = 0 } = cfg(ctx);
  const label = ctx.layer.name;
  if (threshold !== 0) {
    // Keras: x for x ≥ threshold, negative_slope·(x − threshold) below it, capped at max_value.
    const below = slope === 0 ? ctx.b.constant(named(ctx, 'zero'), Float32Array.of(0), []) : affine(ctx.b, x!, slope, -slope * threshold, named(ctx, 'below'));
    const y = selectAbove(ctx, x!, threshold, below, false);
    return [max === null ? y : ctx.b.op1('MINIMUM', [y, ctx.b.constant(named(ctx, 'max'), Float32Array.of(max), [])])];
  }
  if (slope === 0) return [max === null ? ctx.b.op1('RELU', [x!], {}, { names: [named(ctx, 'relu')] }) : clip(ctx.b, x!, 0, max, label)];
  const leaky = ctx.b.op1('LEAKY_RELU', [x!], { alpha: slope }, { names: [named(ctx, 'leaky_relu')] });
  return [max === null ? leaky : ctx.b.op1('MINIMUM', [leaky, ctx.b.constant(named(ctx, 'max'), Float32Array.of(max), [])])];
};

const prelu: LowerLayer = (ctx, [x]) => {
  const [alpha] = pickWeights(ctx, ['alpha']);
  const shape = x!.shape.slice(1);
  for (const a of (cfg(ctx).shared_axes as number[] | null) ?? []) shape[a - 1] = 1;
  if (shape.reduce((p, d) => p * d, 1) !== alpha!.values.length) malformed(`alpha has ${alpha!.values.length} values for shape [${shape}]`);
  return [ctx.b.op1('PRELU', [x!, constant(ctx, 'alpha', alpha!.values, shape)], {}, { names: [named(ctx, 'prelu')] })];
};

/** LayerNormalization: (x − mean) / sqrt(variance + epsilon) over the given axes, then gamma and beta. */
const layerNormalization: LowerLayer = (ctx, [x]) => {
  const c = cfg(ctx);
  const rank = x!.shape.length;
  const axes = (Array.isArray(c.axis) ? c.axis : [c.axis ?? -1]).map((a: number) => axisIndex(a, rank)).sort();
  if (c.rms_scaling) unsupported('rms_scaling is not supported');
  const [gamma, beta] = (() => {
    const names = [c.scale !== false && 'gamma', c.center !== false && 'beta'];
    const got = pickWeights(ctx, names);
    let i = 0;
    return names.map((n) => (n ? got[i++] : undefined));
  })();
  const b = ctx.b;
  const axesTensor = b.ints(named(ctx, 'axes'), axes);
  const mean = b.op1('MEAN', [x!, axesTensor], { keep_dims: true }, { names: [named(ctx, 'mean')] });
  const centered = b.op1('SUB', [x!, mean], {}, { names: [named(ctx, 'centered')] });
  const variance = b.op1('MEAN', [b.op1('SQUARE', [centered]), axesTensor], { keep_dims: true }, { names: [named(ctx, 'variance')] });
  const inv = b.op1('RSQRT', [affine(b, variance, 1, c.epsilon ?? 1e-3, named(ctx, 'eps'))], {}, { names: [named(ctx, 'rsqrt')] });
  let y = b.op1('MUL', [centered, inv], {}, { names: [named(ctx, 'normalized')] });
  const paramShape = x!.shape.map((d, i) => (axes.includes(i) ? d : 1)).slice(axes[0]);
  if (gamma) y = b.op1('MUL', [y, constant(ctx, 'gamma', gamma.values, paramShape)], {}, { names: [named(ctx, 'scaled')] });
  if (beta) y = b.op1('ADD', [y, constant(ctx, 'beta', beta.values, paramShape)], {}, { names: [named(ctx, 'shifted')] });
  return [y];
};

const repeatVector: LowerLayer = (ctx, [x]) => {
  const [n, d] = x!.shape as [number, number];
  const column = reshape(ctx, x!, [n, 1, d]);
  return [ctx.b.op1('TILE', [column, ctx.b.ints(named(ctx, 'multiples'), [1, cfg(ctx).n, 1])], {}, { names: [named(ctx, 'tile')] })];
};

/** Layers that do nothing at inference. */
const dropped: LowerLayer = (ctx, [x]) => {
  ctx.note(`${ctx.layer.className} layer '${ctx.layer.name}' removed (it does nothing at inference)`);
  return [x!];
};

const lambda: LowerLayer = (ctx) => unsupported(`Lambda layer '${ctx.layer.name}' holds Python code that cannot be read from the file; rewrite it with built-in layers`);

export const CORE_LAYERS: Record<string, LowerLayer> = {
  Dense: dense,
  Conv1D: conv(true), Conv2D: conv(false), Convolution1D: conv(true), Convolution2D: conv(false),
  DepthwiseConv1D: depthwiseConv(true), DepthwiseConv2D: depthwiseConv(false),
  SeparableConv1D: separableConv(true), SeparableConv2D: separableConv(false),
  Conv2DTranspose: conv2dTranspose, Convolution2DTranspose: conv2dTranspose,
  BatchNormalization: batchNormalization, Normalization: normalization, Rescaling: rescaling,
  Activation: (ctx, [x]) => withActivation(ctx, x!),
  ReLU: reluLayer,
  LeakyReLU: (ctx, [x]) => [ctx.b.op1('LEAKY_RELU', [x!], { alpha: cfg(ctx).negative_slope ?? cfg(ctx).alpha ?? 0.3 }, { names: [named(ctx, 'leaky_relu')] })],
  PReLU: prelu,
  ThresholdedReLU: (ctx, [x]) => [selectAbove(ctx, x!, cfg(ctx).theta ?? 1, ctx.b.constant(named(ctx, 'zero'), Float32Array.of(0), []), true)],
  LayerNormalization: layerNormalization, RepeatVector: repeatVector,
  ELU: (ctx, [x]) => [elu(ctx.b, x!, cfg(ctx).alpha ?? 1, ctx.layer.name)],
  Softmax: (ctx, [x]) => [softmaxOn(ctx, x!, cfg(ctx).axis)],
  MaxPooling1D: pool('MAX_POOL_2D', true), MaxPooling2D: pool('MAX_POOL_2D', false), MaxPool1D: pool('MAX_POOL_2D', true), MaxPool2D: pool('MAX_POOL_2D', false),
  AveragePooling1D: pool('AVERAGE_POOL_2D', true), AveragePooling2D: pool('AVERAGE_POOL_2D', false),
  AvgPool1D: pool('AVERAGE_POOL_2D', true), AvgPool2D: pool('AVERAGE_POOL_2D', false),
  GlobalAveragePooling1D: globalPool('MEAN', true), GlobalAveragePooling2D: globalPool('MEAN', false),
  GlobalMaxPooling1D: globalPool('REDUCE_MAX', true), GlobalMaxPooling2D: globalPool('REDUCE_MAX', false),
  GlobalAvgPool1D: globalPool('MEAN', true), GlobalAvgPool2D: globalPool('MEAN', false),
  GlobalMaxPool1D: globalPool('REDUCE_MAX', true), GlobalMaxPool2D: globalPool('REDUCE_MAX', false),
  Flatten: flatten, Reshape: reshapeLayer, Permute: permute,
  ZeroPadding1D: zeroPadding(1), ZeroPadding2D: zeroPadding(2),
  Cropping1D: cropping(1), Cropping2D: cropping(2),
  UpSampling1D: upSampling(true), UpSampling2D: upSampling(false),
  Add: chain('ADD'), Subtract: chain('SUB'), Multiply: chain('MUL'), Maximum: chain('MAXIMUM'), Minimum: chain('MINIMUM'),
  Average: average, Concatenate: concatenate,
  Dropout: dropped, SpatialDropout1D: dropped, SpatialDropout2D: dropped, SpatialDropout3D: dropped,
  GaussianNoise: dropped, GaussianDropout: dropped, AlphaDropout: dropped, ActivityRegularization: dropped,
  Lambda: lambda,
};
