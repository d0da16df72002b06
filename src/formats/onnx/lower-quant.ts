/**
 * QDQ models (QuantizeLinear / DequantizeLinear around float ops) as quantized TFLite tensors:
 * DequantizeLinear of integer weights is a constant that remembers its integers and scales; Q→DQ around
 * an activation makes an int8 tensor with those parameters; Conv / Gemm / MatMul whose activation input
 * is dequantized int8, whose weights are symmetric int8 and whose output goes straight into a
 * QuantizeLinear become TFLite int8 ops (per-channel weight scales, int32 bias at s_in·s_w). Ops that only
 * move or compare values (Relu, pools, reshapes, Add…) run in int8 when their input and output are
 * quantized; anything else reads a DEQUANTIZE'd float copy.
 */
import type { Quantization, Tensor } from '../../ir/model.js';
import { type Lowering, type QuantParams, type RtValue, type Value } from './context.js';
import type { Lower } from './lower-tensor.js';
import { type NdArray } from './ndarray.js';

const RANGE = { int8: [-128, 127], uint8: [0, 255], int32: [-(2 ** 31), 2 ** 31 - 1] } as const;

/** Round half to even, as ONNX's QuantizeLinear does. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Scale and zero point inputs 1 and 2 of the current Q/DQ node (zero point absent: uint8 0). */
function paramsOf(cx: Lowering, rank: number): QuantParams {
  const scale = cx.constIn(1, 'scale');
  const zp = cx.maybeConst(2, 'zero_point');
  const type = zp?.type ?? 'uint8';
  if (type !== 'int8' && type !== 'uint8' && type !== 'int32') cx.fail(`${type} quantization is not supported`);
  const axis = cx.node.attrs.int('axis', 1);
  const zeroPoint = zp ? Array.from(zp.data) : scale.data.length > 1 ? Array.from(scale.data, () => 0) : [0];
  return { type, scale: Array.from(scale.data), zeroPoint, axis: scale.data.length > 1 ? (axis < 0 ? axis + rank : axis) : 0 };
}

const quantization = (p: QuantParams): Quantization => ({ scale: [...p.scale], zeroPoint: [...p.zeroPoint], axis: p.axis });

/** Index of the per-axis parameter for each element of an array of `shape`. */
function channelOf(shape: readonly number[], axis: number, perAxis: boolean): (i: number) => number {
  if (!perAxis) return () => 0;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return (i) => Math.floor(i / inner) % shape[axis]!;
}

const sameParams = (t: Tensor, p: QuantParams): boolean =>
  !!t.quantization && t.quantization.scale.length === p.scale.length && t.quantization.scale.every((s, i) => Math.abs(s - p.scale[i]!) <= 1e-7 * s) &&
  t.quantization.zeroPoint.every((z, i) => z === p.zeroPoint[i]);

function quantizeLinear(cx: Lowering): void {
  const x = cx.raw(0);
  const rank = (x.kind === 'const' ? x.a.shape : x.shape).length;
  const p = paramsOf(cx, rank);
  const [lo, hi] = RANGE[p.type];
  if (x.kind === 'const') {
    const ch = channelOf(x.a.shape, p.axis, p.scale.length > 1);
    const data = x.a.data.map((v, i) => Math.min(Math.max(roundHalfEven(v / p.scale[ch(i)]!) + p.zeroPoint[ch(i)]!, lo), hi));
    return cx.set(0, { kind: 'const', a: { type: p.type, shape: x.a.shape, data } });
  }
  if (p.scale.length > 1) cx.fail('per-axis quantization of a run-time tensor is not supported (TFLite quantizes activations per tensor)');
  if (p.type === 'int32') cx.fail('int32 activations are not supported');
  if (x.q === 'dq' && sameParams(x.t, p)) return cx.set(0, { ...x, q: 'int' });
  const source = x.q === 'dq' ? x.t : cx.asRt(x).t;
  const t = cx.b.op1('QUANTIZE', [source], {}, { names: [cx.name()], dtypes: [p.type] });
  t.quantization = quantization(p);
  cx.set(0, { kind: 'rt', t, shape: x.shape, perm: x.perm, q: 'int' });
}

function dequantizeLinear(cx: Lowering): void {
  const x = cx.raw(0);
  if (x.kind === 'const') {
    const p = paramsOf(cx, x.a.shape.length);
    const ch = channelOf(x.a.shape, p.axis, p.scale.length > 1);
    const a: NdArray = { type: 'float32', shape: x.a.shape, data: x.a.data.map((v, i) => Math.fround((v - p.zeroPoint[ch(i)]!) * p.scale[ch(i)]!)) };
    return cx.set(0, { kind: 'const', a, q: { ints: x.a, params: p } });
  }
  const p = paramsOf(cx, x.shape.length);
  if (p.scale.length > 1) cx.fail('per-axis dequantization of a run-time tensor is not supported');
  if (x.t.dtype !== p.type) cx.fail(`${x.t.dtype} tensor dequantized as ${p.type}`, 'MALFORMED');
  // An integer graph input takes its parameters from here; a QuantizeLinear output must agree with them.
  if (!x.t.quantization) x.t.quantization = quantization(p);
  else if (!sameParams(x.t, p)) cx.fail('DequantizeLinear parameters differ from the tensor\'s QuantizeLinear');
  cx.set(0, { ...x, q: 'dq' });
}

export const QUANT_OPS: Record<string, Lower> = { QuantizeLinear: quantizeLinear, DequantizeLinear: dequantizeLinear };

/** The dequantized int8 activation input i, or undefined when it is not one. */
export function int8Input(cx: Lowering, i: number): RtValue | undefined {
  const v = cx.raw(i);
  return v.kind === 'rt' && v.q === 'dq' && v.t.dtype === 'int8' ? v : undefined;
}

/** Symmetric int8 weights (zero points 0) from DequantizeLinear, or undefined. */
export function int8Weights(v: Value | undefined): { ints: NdArray; params: QuantParams } | undefined {
  return v?.kind === 'const' && v.q?.params.type === 'int8' && v.q.params.zeroPoint.every((z) => z === 0) ? v.q : undefined;
}

/**
 * An int8 weight constant laid out by `relayout` (the same permutation as the float path), quantized
 * per channel along `axis` of the new layout (or per tensor).
 */
export function int8Constant(cx: Lowering, w: { ints: NdArray; params: QuantParams }, relayout: (a: NdArray) => NdArray, axis: number, name: string): Tensor {
  const a = relayout(w.ints);
  const t = cx.b.constant(cx.name(name), Int8Array.from(a.data), a.shape);
  t.quantization = { scale: [...w.params.scale], zeroPoint: w.params.scale.map(() => 0), axis: w.params.scale.length > 1 ? axis : 0 };
  return t;
}

/** An int32 bias at scale s_in·s_w[c] (quantized from its float values, as TFLite's converter does). */
export function int32Bias(cx: Lowering, bias: NdArray, inputScale: number, weightScales: number[], name: string): Tensor {
  const scales = Array.from(bias.data, (_, c) => inputScale * (weightScales.length > 1 ? weightScales[c]! : weightScales[0]!));
  const t = cx.b.constant(cx.name(name), Int32Array.from(bias.data, (b, c) => roundHalfEven(b / scales[c]!)), bias.shape);
  t.quantization = { scale: weightScales.length > 1 ? scales : [scales[0]!], zeroPoint: scales.map(() => 0).slice(0, weightScales.length > 1 ? scales.length : 1), axis: 0 };
  return t;
}

/** ONNX ops TFLite runs on int8 tensors with the output's own quantization, unchanged otherwise. */
export const INT8_TRANSPARENT = new Set(['Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Identity', 'Add']);
/** Of those, the ones whose TFLite int8 kernel needs the output quantized like the input. */
const SAME_PARAMS = new Set(['MaxPool', 'AveragePool', 'GlobalMaxPool', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Identity']);

/**
 * Lowers the current node on int8 tensors when every run-time input is dequantized int8 and its output is
 * requantized (to parameters the kernel accepts): the float lowering runs on the integer tensors, and its
 * result takes the QuantizeLinear's parameters. Returns whether it did.
 */
export function lowerInt8(cx: Lowering, lower: Lower): boolean {
  const { node } = cx;
  if (!INT8_TRANSPARENT.has(node.opType)) return false;
  const inputs = node.inputs.map((n, i) => (n ? cx.raw(i) : undefined));
  const rt = inputs.filter((v): v is RtValue => v?.kind === 'rt');
  const by = cx.requantizedBy(0);
  if (!by || !rt.length || rt.length !== (node.opType === 'Add' ? 2 : 1) || !rt.every((v) => v.q === 'dq' && v.t.dtype === 'int8')) return false;
  if (SAME_PARAMS.has(node.opType) && !sameParams(rt[0]!.t, by.params)) return false;
  const before = cx.b.graph.tensors.length;
  const saved = node.inputs.map((n) => cx.values.get(n));
  node.inputs.forEach((n, i) => inputs[i]?.kind === 'rt' && cx.values.set(n, { ...(inputs[i] as RtValue), q: undefined }));
  try {
    lower(cx);
  } finally {
    node.inputs.forEach((n, i) => saved[i] && cx.values.set(n, saved[i]!));
  }
  const made = cx.b.graph.tensors.slice(before);
  if (made.some((t) => t.dtype === 'float32')) cx.fail('this op on quantized tensors needs float constants (e.g. explicit max-pool padding); not supported');
  const out = cx.values.get(node.outputs[0]!);
  if (out?.kind !== 'rt') cx.fail('quantized lowering produced no tensor', 'MALFORMED');
  // A pure bookkeeping op (Transpose, Identity) made no tensor: the output shares the input's tensor and parameters.
  if (out.t === rt[0]!.t) {
    cx.values.set(node.outputs[0]!, { ...out, q: 'dq' });
    cx.absorbed.add(by.node);
    cx.values.set(by.node.outputs[0]!, { ...out, q: 'int' });
  } else cx.setQuantized(0, out.t, out.perm, by);
  return true;
}
