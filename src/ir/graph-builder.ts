/**
 * Building a graph op by op: what every importer (Keras, TF.js, ONNX) lowers into. Options are given as
 * a partial record and completed with the schema defaults of the op's own options table (found in the
 * registry); output shapes come from the op's own shape rule unless given, so an importer states only
 * what differs from TFLite's defaults and a wrong shape is caught where the op is added.
 */
import { EdgefitError } from './errors.js';
import type { DType, Graph, Model, Op, Tensor } from './model.js';
import { bytesOf, type TypedArray } from './tensor-data.js';
import { defaultsOf } from '../ops/define.js';
import { requireOp } from '../ops/registry.js';

const DTYPE_OF_ARRAY: [new (...a: any[]) => TypedArray, DType][] = [
  [Float32Array, 'float32'], [Int32Array, 'int32'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
  [Int16Array, 'int16'], [BigInt64Array, 'int64'], [Float64Array, 'float64'], [Uint16Array, 'float16'],
];

/**
 * A constant tensor (not yet in any graph); dtype follows the array type (Uint16Array = float16 bits) unless
 * given. What the builder and the rewriting passes create constants with.
 */
export function constantTensor(name: string, values: TypedArray, shape: readonly number[], dtype?: DType): Tensor {
  const type = dtype ?? DTYPE_OF_ARRAY.find(([C]) => values instanceof C)?.[1];
  if (!type) throw new EdgefitError('UNSUPPORTED', `constant ${name}: no dtype for ${values.constructor.name}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count)
    throw new EdgefitError('INVALID_ARGUMENT', `constant ${name}: ${values.length} values for shape [${shape.join(', ')}] (${count} elements)`);
  return { name, dtype: type, shape: [...shape], isVariable: false, hasRank: true, data: bytesOf(values) };
}

export interface OpOutputs {
  /** Output names (default: derived from the op type). */
  names?: string[];
  /** Output shapes (default: the op's shape rule). */
  shapes?: number[][];
  /** Output dtypes (default: the op's rule, else the dtype of input 0). */
  dtypes?: DType[];
}

export class GraphBuilder {
  readonly graph: Graph;
  private readonly usedNames = new Map<string, number>();

  constructor(name = 'main') {
    this.graph = { name, tensors: [], inputs: [], outputs: [], ops: [] };
  }

  /** `base`, or `base_1`, `base_2`… when taken: tensor names stay unique and readable. */
  uniqueName(base: string): string {
    const n = this.usedNames.get(base);
    this.usedNames.set(base, (n ?? 0) + 1);
    if (n === undefined) return base;
    const candidate = `${base}_${n}`;
    return this.usedNames.has(candidate) ? this.uniqueName(base) : (this.usedNames.set(candidate, 1), candidate);
  }

  tensor(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    if (shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new EdgefitError('INVALID_ARGUMENT', `tensor ${name}: shape [${shape.join(', ')}] must be non-negative integers (give unknown dimensions with --input-shape)`);
    const t: Tensor = { name: this.uniqueName(name), dtype, shape: [...shape], isVariable: false, hasRank: true };
    this.graph.tensors.push(t);
    return t;
  }

  /** A graph input. */
  input(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const t = this.tensor(name, shape, dtype);
    this.graph.inputs.push(t);
    return t;
  }

  /** A constant; dtype follows the array type (Uint16Array = float16 bits) unless given. */
  constant(name: string, values: TypedArray, shape: readonly number[], dtype?: DType): Tensor {
    const t = constantTensor(this.uniqueName(name), values, shape, dtype);
    this.graph.tensors.push(t);
    return t;
  }

  /** An int32 constant (shapes, axes, paddings). */
  ints(name: string, values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
    return this.constant(name, Int32Array.from(values), shape);
  }

  /**
   * Adds an op; options are the op's builtin options (partial: schema defaults fill the rest). Returns the
   * op's outputs.
   */
  op(type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}, outputs: OpOutputs = {}): Tensor[] {
    const def = requireOp({ type, custom: false });
    const op: Op = { type, custom: false, version: def.version ?? 1, inputs, outputs: [], intermediates: [] };
    if (def.options) op.options = { type: def.options.name, value: { ...defaultsOf(def.options), ...options } } as Op['options'];
    else if (Object.keys(options).length) throw new EdgefitError('INVALID_ARGUMENT', `${type} has no builtin options`);
    let shapes = outputs.shapes;
    if (!shapes) {
      if (!def.shape) throw new EdgefitError('UNSUPPORTED', `${type}: output shapes must be given (no shape rule)`);
      shapes = def.shape(op);
    }
    const dtype = inputs.find((t) => t)?.dtype ?? 'float32';
    const ruled = def.outputDtypes?.(op);
    const base = type.toLowerCase();
    op.outputs = shapes.map((shape, i) => this.tensor(outputs.names?.[i] ?? base, shape, outputs.dtypes?.[i] ?? ruled?.[i] ?? dtype));
    this.graph.ops.push(op);
    return op.outputs;
  }

  /** An op with one output. */
  op1(type: string, inputs: (Tensor | null)[], options: Record<string, unknown> = {}, outputs: OpOutputs = {}): Tensor {
    return this.op(type, inputs, options, outputs)[0]!;
  }

  output(t: Tensor): void {
    this.graph.outputs.push(t);
  }

  /** The finished single-graph model, with a serving signature over its inputs and outputs. */
  finish(description: string): Model {
    const g = this.graph;
    return {
      version: 3,
      description,
      graphs: [g],
      signatures: [{
        key: 'serving_default',
        graph: g,
        inputs: g.inputs.map((t) => ({ name: t.name, tensor: t })),
        outputs: g.outputs.map((t) => ({ name: t.name, tensor: t })),
      }],
      metadata: [],
    };
  }
}
