/** Helpers the Keras layer lowerings share: weights by name, config values, layout shuffles. */
import { EdgefitError } from '../../ir/errors.js';
import type { Tensor } from '../../ir/model.js';
import type { KerasWeight, LayerContext } from './layer.js';

/** An error about the layer being lowered (the walker adds the layer's name and type as the location). */
export function unsupported(message: string): never {
  throw new EdgefitError('UNSUPPORTED', message);
}

export function malformed(message: string): never {
  throw new EdgefitError('MALFORMED', message);
}

/**
 * The layer's weights for the names wanted, in Keras creation order (`false` = not created for this config).
 * A name may list alternatives (`depthwise_kernel|kernel`: Keras 2 vs Keras 3). Files that store no names
 * (Keras 3: `vars/0`, `vars/1`…) are matched by position.
 */
export function pickWeights(ctx: LayerContext, wanted: (string | false | null | undefined)[]): KerasWeight[] {
  const names = wanted.filter((n): n is string => typeof n === 'string');
  const { weights } = ctx;
  const byName = names.map((n) => n.split('|').map((alt) => weights.find((w) => w.name === alt)).find((w) => w));
  if (byName.every((w) => w)) return byName as KerasWeight[];
  if (weights.length === names.length) return weights;
  const missing = names.filter((_, i) => !byName[i]);
  return malformed(`expects weights [${names.join(', ')}] but the file has [${weights.map((w) => w.name).join(', ')}]` +
    (missing.length ? ` (missing ${missing.join(', ')})` : ''));
}

/** An int or an n-tuple config value as n ints. */
export function tuple(value: unknown, n: number, what: string): number[] {
  if (typeof value === 'number') return Array(n).fill(value);
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === 'number')) return value as number[];
  if (Array.isArray(value) && value.length === 1 && n > 1 && typeof value[0] === 'number') return Array(n).fill(value[0]);
  return malformed(`${what} ${JSON.stringify(value)} is not ${n} integers`);
}

export function requireChannelsLast(ctx: LayerContext): void {
  const format = ctx.layer.config.data_format;
  if (format && format !== 'channels_last')
    unsupported(`data_format ${format} is not supported (edgefit lowers channels_last layers only; re-save the model channels_last)`);
}

export function tfPadding(value: unknown): 'SAME' | 'VALID' {
  if (value === 'same') return 'SAME';
  if (value === 'valid' || value === undefined) return 'VALID';
  return unsupported(`padding '${String(value)}' is not supported here`);
}

/** `layer/suffix`: names of the tensors a layer creates. */
export const named = (ctx: LayerContext, suffix: string): string => `${ctx.layer.name}/${suffix}`;

export function constant(ctx: LayerContext, suffix: string, values: Float32Array, shape: number[]): Tensor {
  return ctx.b.constant(named(ctx, suffix), values, shape);
}

export function reshape(ctx: LayerContext, x: Tensor, shape: number[], suffix = 'reshape'): Tensor {
  return ctx.b.op1('RESHAPE', [x, ctx.b.ints(named(ctx, `${suffix}/shape`), shape)], {}, { names: [named(ctx, suffix)] });
}

export function transpose(ctx: LayerContext, x: Tensor, perm: number[], suffix = 'transpose'): Tensor {
  return ctx.b.op1('TRANSPOSE', [x, ctx.b.ints(named(ctx, `${suffix}/perm`), perm)], {}, { names: [named(ctx, suffix)] });
}

/** A Keras axis (batch included, may be negative) as a non-negative index. */
export function axisIndex(axis: unknown, rank: number): number {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis ?? -1;
  if (typeof a !== 'number' || a < -rank || a >= rank) return unsupported(`axis ${JSON.stringify(axis)} for a rank-${rank} input`);
  return a < 0 ? a + rank : a;
}

/** Permutes a dense row-major array: out[i_perm[0], i_perm[1], …] = in[i_0, i_1, …]. */
export function permuted(values: Float32Array, shape: number[], perm: number[]): { values: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const strides = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(values.length);
  const index = new Array(perm.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < index.length; d++) src += index[d] * strides[d]!;
    out[o] = values[src]!;
    for (let d = index.length - 1; d >= 0 && ++index[d] === outShape[d]; d--) index[d] = 0;
  }
  return { values: out, shape: outShape };
}

/** A per-channel constant shaped to broadcast along `axis` of a rank-`rank` tensor ([C] on the last axis, [C,1,…] otherwise). */
export function channelConstant(ctx: LayerContext, suffix: string, values: Float32Array, rank: number, axis: number): Tensor {
  return constant(ctx, suffix, values, [values.length, ...Array(rank - 1 - axis).fill(1)]);
}
