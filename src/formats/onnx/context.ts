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

export interface RtValue { kind: 'rt'; t: Tensor; shape: number[]; perm: number[] }
export interface ConstValue { kind: 'const'; a: NdArray }
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
    return this.maybe(i) ?? this.fail(`input ${i} is required`, 'MALFORMED');
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
    return this.b.op1(type, inputs, options, { names: [name], ...dtypes, ...(shapes ? { shapes } : {}) });
  }

  reshape(t: Tensor, shape: readonly number[], name = `${t.name}/reshape`): Tensor {
    if (samePerm(t.shape, shape)) return t;
    return this.b.op1('RESHAPE', [t, this.b.ints(`${name}/shape`, shape)], { new_shape: [...shape] }, { names: [name] });
  }

  /** The value with its IR axes in order `perm` (IR axis i = ONNX axis perm[i]). */
  layout(v: Value, perm: readonly number[]): Tensor {
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
      else t = this.b.op1('TRANSPOSE', [v.t, this.b.ints(`${v.t.name}/perm_${perm.join('')}`, irPerm)], {}, { names: [`${v.t.name}/as_${perm.join('')}`] });
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
