/**
 * The lowering state: every ONNX value is either a constant (an NdArray in ONNX layout, folded at import)
 * or a run-time IR tensor holding the value with its axes permuted: IR axis i is ONNX axis `perm[i]`
 * (an NCHW activation kept NHWC has perm [0,2,3,1]). Ops that care about layout ask for a value in a
 * given permutation; a change of permutation costs one TRANSPOSE (or a RESHAPE when only size-1 axes
 * move), made once per value and permutation.
 */
import { EdgefitError } from '../../ir/errors.js';
import { GraphBuilder } from '../../ir/graph-builder.js';
import type { Tensor } from '../../ir/model.js';
import { type Attributes } from './proto.js';
import { broadcastShape, f32, isFloat, transpose, type NdArray } from './ndarray.js';

/** Affine quantization of an ONNX QuantizeLinear/DequantizeLinear pair (per tensor, or per `axis`). */
export interface QuantParams { type: 'int8' | 'uint8' | 'int32'; scale: number[]; zeroPoint: number[]; axis: number }

/**
 * `q`: 'int' = the ONNX value is the integer tensor `t` itself (a QuantizeLinear output); 'dq' = the ONNX
 * value is float, the dequantized `t` (a DequantizeLinear output), which quantized lowerings read as is.
 */
/** The QuantizeLinear a quantized op's output goes into (through a Relu the op fuses, if `relu`). */
export interface Requantized { node: OnnxNode; relu?: OnnxNode | undefined; params: QuantParams }

export interface RtValue { kind: 'rt'; t: Tensor; shape: number[]; perm: number[]; q?: 'int' | 'dq' }
/** `q`: a constant that DequantizeLinear made from integers (weights): `a` holds the float values. */
export interface ConstValue { kind: 'const'; a: NdArray; q?: { ints: NdArray; params: QuantParams } }
export type Value = RtValue | ConstValue;

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Attributes;
}

export const identity = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);
/** NCHW → NHWC for any rank ≥ 3 (N, spatial…, C). */
export const channelsLast = (rank: number): number[] => (rank < 3 ? identity(rank) : [0, ...identity(rank).slice(2), 1]);
export const samePerm = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
export const shapeOf = (v: Value): number[] => (v.kind === 'const' ? v.a.shape : v.shape);
/** The axis as a non-negative index (ONNX allows −rank…rank−1). */
export const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

export class Lowering {
  readonly b = new GraphBuilder();
  readonly values = new Map<string, Value>();
  private readonly layouts = new WeakMap<object, Map<string, Tensor>>();
  /** The node being lowered (for error messages and names). */
  node!: OnnxNode;

  /** The nodes reading each value name. */
  readonly consumers = new Map<string, OnnxNode[]>();
  /** QuantizeLinear nodes whose output a quantized lowering already produced. */
  readonly absorbed = new Set<OnnxNode>();
  private readonly floats = new WeakMap<RtValue, RtValue>();
  /** The node producing each value name. */
  readonly producers = new Map<string, OnnxNode>();
  /** Names some node or the graph output reads (an output nobody reads may be left unproduced). */
  readonly consumed = new Set<string>();

  constructor(readonly opset: number, readonly notes: string[]) {}

  /** Whether output k of the current node is read anywhere. */
  used(k: number): boolean {
    const name = this.node.outputs[k];
    return !!name && this.consumed.has(name);
  }

  /** Describes the current node with its inputs and their shapes (what an error message needs). */
  describe(node = this.node): string {
    const ins = node.inputs.map((n) => {
      const v = n ? this.values.get(n) : undefined;
      return v ? `${n} [${shapeOf(v).join(',')}]${v.kind === 'const' ? ' const' : ''}` : n || '(absent)';
    });
    return `node ${node.name || node.outputs[0]} (${node.opType}) with inputs ${ins.join(', ') || 'none'}`;
  }

  fail(message: string, code: 'UNSUPPORTED' | 'MALFORMED' = 'UNSUPPORTED'): never {
    throw new EdgefitError(code, `${this.describe()}: ${message}`);
  }

  /** Input i of the current node, or undefined when absent. */
  maybe(i: number): Value | undefined {
    const name = this.node.inputs[i];
    if (!name) return undefined;
    const v = this.values.get(name);
    if (!v) this.fail(`input ${name} is produced by no earlier node`, 'MALFORMED');
    return v;
  }

  in(i: number): Value {
    return this.plain(this.raw(i));
  }

  /** Input i as stored: a DequantizeLinear output stays its integer tensor (for quantized lowerings). */
  raw(i: number): Value {
    return this.maybe(i) ?? this.fail(`input ${i} is required`, 'MALFORMED');
  }

  /** A float view of the value: a dequantized integer tensor gets one DEQUANTIZE (made once). */
  plain(v: Value): Value {
    if (v.kind !== 'rt' || v.q !== 'dq') return v;
    let f = this.floats.get(v);
    if (!f) {
      f = { kind: 'rt', t: this.b.op1('DEQUANTIZE', [v.t], {}, { names: [`${v.t.name}/dequantized`], dtypes: ['float32'] }), shape: v.shape, perm: v.perm };
      this.floats.set(v, f);
    }
    return f;
  }

  /**
   * The QuantizeLinear (int8, per tensor, constant parameters) that is the only reader of output k, or
   * of a Relu that is its only reader (`relu`: the op fuses it): a quantized lowering produces its
   * integer output directly.
   */
  requantizedBy(k = 0, throughRelu = false): Requantized | undefined {
    const onlyReader = (name: string | undefined) => {
      const readers = name ? this.consumers.get(name) ?? [] : [];
      return readers.length === 1 ? readers[0] : undefined;
    };
    let q = onlyReader(this.node.outputs[k]);
    let relu: OnnxNode | undefined;
    if (throughRelu && q?.opType === 'Relu') [relu, q] = [q, onlyReader(q.outputs[0])];
    if (q?.opType !== 'QuantizeLinear') return undefined;
    const scale = this.values.get(q.inputs[1] ?? '');
    const zp = q.inputs[2] ? this.values.get(q.inputs[2]) : undefined;
    // Without a zero point the type is uint8, which TFLite's int8 kernels do not take.
    if (scale?.kind !== 'const' || scale.a.data.length !== 1 || zp?.kind !== 'const' || zp.a.type !== 'int8') return undefined;
    return { node: q, relu, params: { type: 'int8', scale: [scale.a.data[0]!], zeroPoint: [zp.a.data[0]!], axis: 0 } };
  }

  /** Output k as the integer tensor `t` quantized by `by`'s parameters: sets both the float and the QuantizeLinear values. */
  setQuantized(k: number, t: Tensor, perm: readonly number[], by: Requantized): void {
    t.quantization = { scale: by.params.scale, zeroPoint: by.params.zeroPoint, axis: 0 };
    const v = this.setRt(k, t, perm);
    v.q = 'dq';
    this.absorbed.add(by.node);
    if (by.relu) this.absorbed.add(by.relu), this.values.set(by.relu.outputs[0]!, v);
    this.values.set(by.node.outputs[0]!, { ...v, q: 'int' });
  }

  /** Input i, which must be known at import time (weights, shapes, axes…). */
  constIn(i: number, what: string): NdArray {
    const v = this.in(i);
    if (v.kind !== 'const') this.fail(`input ${i} (${what}) must be a constant (an initializer or foldable)`);
    return v.a;
  }

  maybeConst(i: number, what: string): NdArray | undefined {
    return this.maybe(i) ? this.constIn(i, what) : undefined;
  }

  /** Input i as a run-time value (a constant is materialized in ONNX layout). */
  rtIn(i: number): RtValue {
    return this.asRt(this.in(i));
  }

  asRt(v: Value): RtValue {
    v = this.plain(v);
    if (v.kind === 'rt') return v;
    const rank = v.a.shape.length;
    return { kind: 'rt', t: this.constant(v.a, 'const'), shape: v.a.shape, perm: identity(rank) };
  }

  /** A name for a tensor made by the current node (`suffix` for helpers around the node's own op). */
  name(suffix = '', output = 0): string {
    const base = this.node.outputs[output] || this.node.name || this.node.opType;
    return suffix ? `${base}/${suffix}` : base;
  }

  constant(a: NdArray, suffix: string): Tensor {
    if (isFloat(a.type)) return this.b.constant(this.name(suffix), f32(a), a.shape);
    if (a.type === 'bool') return this.b.constant(this.name(suffix), Uint8Array.from(a.data), a.shape, 'bool');
    return this.b.constant(this.name(suffix), Int32Array.from(a.data), a.shape);
  }

  ints(values: readonly number[], suffix: string): Tensor {
    return this.b.ints(this.name(suffix), values);
  }

  op(type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}, name = this.name(), shapes?: number[][]): Tensor {
    // TRANSPOSE_CONV's first input is its int32 output shape; its output is float32 like the data.
    const dtypes = type === 'TRANSPOSE_CONV' ? { dtypes: ['float32' as const] } : {};
    return this.inherit(this.b.op1(type, inputs, options, { names: [name], ...dtypes, ...(shapes ? { shapes } : {}) }), inputs[0]);
  }

  /** An integer result of data movement keeps its source's quantization (quantized ops set their own after). */
  private inherit(t: Tensor, from: Tensor | null | undefined): Tensor {
    if (from?.quantization && t.dtype === from.dtype && t.dtype !== 'float32') t.quantization = { ...from.quantization };
    return t;
  }

  reshape(t: Tensor, shape: readonly number[], name = `${t.name}/reshape`): Tensor {
    if (samePerm(t.shape, shape)) return t;
    return this.inherit(this.b.op1('RESHAPE', [t, this.b.ints(`${name}/shape`, shape)], { new_shape: [...shape] }, { names: [name] }), t);
  }

  /** The value with its IR axes in order `perm` (IR axis i = ONNX axis perm[i]). */
  layout(v: Value, perm: readonly number[]): Tensor {
    v = this.plain(v);
    const key = perm.join(',');
    const owner = v.kind === 'const' ? v.a : v;
    let cache = this.layouts.get(owner);
    const hit = cache?.get(key);
    if (hit) return hit;
    let t: Tensor;
    if (v.kind === 'const') t = this.constant(transpose(v.a, perm), 'const');
    else if (samePerm(v.perm, perm)) t = v.t;
    else {
      const irPerm = perm.map((p) => v.perm.indexOf(p));
      const shape = perm.map((p) => v.shape[p]!);
      const moved = irPerm.filter((i) => v.t.shape[i] !== 1);
      // Only size-1 axes change places: the bytes stay in order, a reshape suffices.
      if (moved.every((x, k) => k === 0 || x > moved[k - 1]!)) t = this.reshape(v.t, shape, `${v.t.name}/as_${perm.join('')}`);
      else t = this.inherit(this.b.op1('TRANSPOSE', [v.t, this.b.ints(`${v.t.name}/perm_${perm.join('')}`, irPerm)], {}, { names: [`${v.t.name}/as_${perm.join('')}`] }), v.t);
    }
    if (!cache) this.layouts.set(owner, (cache = new Map()));
    cache.set(key, t);
    return t;
  }

  /** The value in ONNX's own axis order. */
  source(v: Value): Tensor {
    return this.layout(v, identity(shapeOf(v).length));
  }

  /** A run-time result: IR tensor `t` holds the ONNX value with axes `perm`. */
  setRt(output: number, t: Tensor, perm: readonly number[] = identity(t.shape.length)): RtValue {
    const shape = new Array<number>(perm.length);
    perm.forEach((p, i) => (shape[p] = t.shape[i]!));
    const v: RtValue = { kind: 'rt', t, shape, perm: [...perm] };
    this.set(output, v);
    return v;
  }

  set(output: number, v: Value): void {
    const name = this.node.outputs[output];
    if (name) this.values.set(name, v);
  }

  /**
   * Operands of an elementwise op under ONNX (NumPy) broadcasting, all in one IR layout: the layout of
   * the first full-rank run-time operand. Lower-rank operands are first padded with leading 1s (which
   * keeps their own permutation), constants are re-laid out at import, so a per-channel [C,1,1] constant
   * next to an NHWC activation becomes [C].
   */
  broadcastOperands(vals: readonly Value[]): { tensors: Tensor[]; perm: number[] } {
    const shape = broadcastShape(vals.map(shapeOf));
    if (!shape) this.fail('operand shapes do not broadcast', 'MALFORMED');
    const rank = shape.length;
    const lead = vals.find((v): v is RtValue => v.kind === 'rt' && v.shape.length === rank);
    const perm = lead ? lead.perm : identity(rank);
    const tensors = vals.map((v) => {
      const pad = rank - shapeOf(v).length;
      if (v.kind === 'const') {
        const full = transpose({ ...v.a, shape: [...new Array<number>(pad).fill(1), ...v.a.shape] }, perm);
        let k = 0;
        while (k < full.shape.length && full.shape[k] === 1) k++;
        const type = lead?.t.dtype === 'float32' ? 'float32' : full.type;
        return this.constant({ ...full, type, shape: full.shape.slice(k) }, 'operand');
      }
      if (!pad) return this.layout(v, perm);
      const padded: RtValue = {
        kind: 'rt', t: this.reshape(v.t, [...new Array<number>(pad).fill(1), ...v.t.shape]),
        shape: [...new Array<number>(pad).fill(1), ...v.shape], perm: [...identity(pad), ...v.perm.map((p) => p + pad)],
      };
      return this.layout(padded, perm);
    });
    return { tensors, perm };
  }
}
