/**
 * What one node's lowering sees: its attributes, its inputs as values (a host constant, or a tensor of
 * the graph being built), and helpers to add TFLite ops named after the node.
 */
import { EdgefitError } from '../../../ir/errors.js';
import { GraphBuilder } from '../../../ir/graph-builder.js';
import type { DType, Tensor } from '../../../ir/model.js';
import { Attrs, type TfNode } from './nodes.js';
import { host, MAX_FOLD_ELEMENTS, type HostDType, type HostTensor } from './host.js';

/** A node output: a constant known at import (kept on the host until an op needs it as a tensor), or a graph tensor. */
export type Value = { host: HostTensor; tensor?: Tensor; name?: string } | { host?: undefined; tensor: Tensor };

export const shapeOfValue = (v: Value): number[] => (v.host ? v.host.shape : v.tensor.shape);
export const dtypeOfValue = (v: Value): DType => (v.host ? v.host.dtype : v.tensor.dtype);

export class NodeContext {
  readonly attrs: Attrs;
  private intermediates = 0;

  constructor(
    readonly b: GraphBuilder,
    readonly node: TfNode,
    readonly inputs: Value[],
    private readonly usedOutputs: ReadonlySet<number> = new Set([0]),
  ) {
    this.attrs = new Attrs(node);
  }

  value(i: number): Value {
    const v = this.inputs[i];
    if (!v) throw new EdgefitError('MALFORMED', `input ${i} is missing (the node has ${this.inputs.length})`);
    return v;
  }

  isConst(i: number): boolean {
    return this.value(i).host !== undefined;
  }

  get allConst(): boolean {
    return this.inputs.every((v) => v.host);
  }

  /** Every input is a constant small enough to fold on the host (bigger constant expressions stay ops). */
  get foldable(): boolean {
    return this.inputs.every((v) => v.host && v.host.values.length <= MAX_FOLD_ELEMENTS);
  }

  shape(i: number): number[] {
    return shapeOfValue(this.value(i));
  }

  /** Input i as a graph tensor (a host constant becomes a constant tensor once, shared by every consumer). */
  tensor(i: number): Tensor {
    return materialize(this.b, this.value(i), `${this.node.name}/input${i}`);
  }

  /** Input i, which must be known at import. */
  constant(i: number, what: string): HostTensor {
    const v = this.value(i);
    if (!v.host)
      throw new EdgefitError('UNSUPPORTED', `${what} (input ${i}, '${this.node.input?.[i]}') must be a constant: edgefit needs it at import`);
    return v.host;
  }

  ints(i: number, what: string): number[] {
    return Array.from(this.constant(i, what).values);
  }

  floats(i: number, what: string): Float32Array {
    const h = this.constant(i, what);
    return h.values instanceof Float32Array ? h.values : Float32Array.from(h.values);
  }

  /** Whether output k of this node is read by another node or is a model output. */
  used(k: number): boolean {
    return this.usedOutputs.has(k);
  }

  /** A fresh name for a tensor this node adds besides its outputs. */
  name(what: string): string {
    return `${this.node.name}/${what}${this.intermediates++ || ''}`;
  }

  /** A constant tensor this node adds (transposed weights, axes, folded bias). */
  const(what: string, h: HostTensor): Tensor {
    return this.b.constant(this.name(what), h.values, h.shape, h.dtype);
  }

  ints1(what: string, values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
    return this.const(what, host('int32', shape, values));
  }

  floats1(what: string, values: ArrayLike<number>, shape: readonly number[]): Tensor {
    return this.const(what, host('float32', shape, values));
  }

  /** An op whose outputs are this node's outputs (named `node`, `node:1`…). */
  op(type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}, dtypes?: DType[], count?: number): Tensor[] {
    const names = Array.from({ length: count ?? 64 }, (_, k) => (k ? `${this.node.name}:${k}` : this.node.name));
    return this.b.op(type, inputs, options, { names, ...(dtypes ? { dtypes } : {}) });
  }

  op1(type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}, dtype?: DType): Tensor {
    return this.op(type, inputs, options, dtype ? [dtype] : undefined)[0]!;
  }

  /** An op computing output k of this node alone. */
  opAt(k: number, type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}): Tensor {
    return this.b.op1(type, inputs, options, { names: [k ? `${this.node.name}:${k}` : this.node.name] });
  }

  /** An op producing an intermediate of this node (not one of its outputs). */
  step(type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}, what = type.toLowerCase()): Tensor {
    return this.b.op1(type, inputs, options, { names: [this.name(what)] });
  }
}

/** The graph tensor of a value, creating the constant tensor of a host value on first use. */
export function materialize(b: GraphBuilder, v: Value, name: string): Tensor {
  if (v.tensor) return v.tensor;
  const h = v.host!;
  v.tensor = b.constant((v as { name?: string }).name ?? name, h.values, h.shape, h.dtype satisfies HostDType);
  return v.tensor;
}
