/**
 * Test helper: a one-op IR model built by hand. Inputs without data (and not variables) become graph
 * inputs; inputs with data are constants; `null` is an absent optional input (index −1). Unless given,
 * output shapes come from the op's own shape rule, so a file TFLite accepts vouches for that rule.
 */
import type { DType, Graph, Model, Op, Quantization, Tensor } from '../../src/ir/model.js';
import type { BuiltinOptions } from '../../src/formats/tflite/schema.js';
import { findOp, requireOp } from '../../src/ops/registry.js';

type Typed = Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | BigInt64Array;

export interface InputSpec {
  shape: number[];
  /** Default float32. */
  dtype?: DType;
  /** Constant data: numbers (encoded as `dtype`; int64 too) or a typed array taken byte for byte. */
  data?: readonly number[] | Typed;
  quantization?: Quantization;
  /** A variable tensor (e.g. LSTM state): neither a graph input nor a constant. */
  variable?: boolean;
}

export interface SingleOpExtra {
  custom?: boolean;
  customOptions?: Uint8Array;
  /** Default: the op's output dtype rule, else the dtype of the first non-constant input (else of the first input). */
  outputDtype?: DType;
  outputQuantization?: Quantization;
  version?: number;
}

const ENCODERS: Partial<Record<DType, (v: readonly number[]) => Typed>> = {
  float32: (v) => Float32Array.from(v),
  int32: (v) => Int32Array.from(v),
  int8: (v) => Int8Array.from(v),
  uint8: (v) => Uint8Array.from(v),
  bool: (v) => Uint8Array.from(v),
  int16: (v) => Int16Array.from(v),
  float16: (v) => Uint16Array.from(v), // raw half bits
  int64: (v) => BigInt64Array.from(v, (x) => BigInt(x)),
};

function bytesOf(dtype: DType, data: readonly number[] | Typed): Uint8Array {
  let typed: Typed;
  if (Array.isArray(data)) {
    const encode = ENCODERS[dtype];
    if (!encode) throw new Error(`singleOpModel: no encoder for ${dtype}`);
    typed = encode(data);
  } else typed = data as Typed;
  return new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength));
}

const tensor = (name: string, shape: number[], dtype: DType, quantization?: Quantization): Tensor => ({
  name, shape: [...shape], dtype, isVariable: false, hasRank: true, ...(quantization ? { quantization } : {}),
});

export function singleOpModel(
  type: string,
  inputs: (InputSpec | null)[],
  options?: BuiltinOptions,
  outputShape?: number[] | number[][],
  extra: SingleOpExtra = {},
): { model: Model; graph: Graph; op: Op } {
  const ins = inputs.map((spec, i) => {
    if (!spec) return null;
    const t = tensor(`in${i}`, spec.shape, spec.dtype ?? 'float32', spec.quantization);
    if (spec.data) t.data = bytesOf(t.dtype, spec.data);
    if (spec.variable) t.isVariable = true;
    return t;
  });
  const op: Op = {
    type,
    custom: extra.custom ?? false,
    version: extra.version ?? findOp({ type, custom: extra.custom ?? false })?.version ?? 1,
    inputs: ins,
    outputs: [],
    intermediates: [],
    ...(options ? { options } : {}),
    ...(extra.customOptions ? { customOptions: extra.customOptions } : {}),
  };
  const shapes = outputShape === undefined ? requireOp(op).shape!(op)
    : Array.isArray(outputShape[0]) ? (outputShape as number[][]) : [outputShape as number[]];
  const dtype = extra.outputDtype ?? findOp(op)?.outputDtypes?.(op)[0] ?? (ins.find((t) => t && !t.data) ?? ins.find((t) => t))?.dtype ?? 'float32';
  op.outputs = shapes.map((s, k) => tensor(`out${k}`, s, dtype, extra.outputQuantization));
  const present = ins.filter((t): t is Tensor => t !== null);
  const graph: Graph = {
    name: 'main',
    tensors: [...present, ...op.outputs],
    inputs: present.filter((t) => !t.data && !t.isVariable),
    outputs: op.outputs,
    ops: [op],
  };
  return { model: { version: 3, graphs: [graph], signatures: [], metadata: [] }, graph, op };
}
