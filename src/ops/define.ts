/**
 * One op = one module. `defineOp` names everything edgefit knows about an op: its builtin options table,
 * output-shape inference and cost. (Kernels, quantization rules and code generation attach here as they land.)
 */
// cost.macs rule: products accumulated for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, (custom) TRANSPOSE_CONV, BATCH_MATMUL and LSTM; output element count for every other computing op (elementwise, pool, reduce, resize-bilinear, (de)quantize); 0 for pure data movement (reshape, squeeze, expand_dims, shape, transpose, pad, slice, concat, split, gather…).
import { EdgefitError } from '../ir/errors.js';
import type { DType, Op, Tensor } from '../ir/model.js';
import type { Infer, TableDesc } from '../formats/tflite/flatbuf.js';
import type { TypedArray } from '../ir/tensor-data.js';
import type { WasmHeap } from '../runtime/heap.js';
import type { SimdKernels } from '../kernels/simd/kernels.js';

/** What a kernel sees at run time: the typed array behind each tensor (constant data or its arena slice). */
export interface KernelContext {
  data(t: Tensor): TypedArray;
  f32(t: Tensor): Float32Array;
  i32(t: Tensor): Int32Array;
  /** Byte offset of the tensor in `heap`, or −1 when it lives elsewhere (constants, load-time folded values). */
  offset(t: Tensor): number;
  /** Byte offset of the shared scratch region (sized by the largest `requestScratch`). */
  readonly scratchOffset: number;
  readonly heap: WasmHeap;
}

/**
 * How integer kernels rescale an accumulator: `double` is TFLite Micro's reference arithmetic (gemmlowp's
 * rounding doubling high multiply, then a rounding shift: what devices run); `fp32` is desktop / WASM
 * TFLite's XNNPACK path (accumulator × float32 scale s_in·s_w/s_out, rounded half to even), used to compare
 * with that build bit for bit.
 */
export type Rounding = 'double' | 'fp32';

/** What a kernel sees once, at load. */
export interface PrepareContext {
  /** Values of a constant or load-time folded tensor (weights to pack); undefined for run-time tensors. */
  constant(t: Tensor): TypedArray | undefined;
  /** Where packed weights go (SIMD kernels read them by byte offset). */
  readonly heap: WasmHeap;
  /** SIMD kernels bound to `heap`; null when the runtime lacks WebAssembly SIMD or they are turned off. */
  readonly simd: SimdKernels | null;
  /** Reserve `bytes` of scratch shared by all ops (valid during eval only, at `ctx.scratchOffset`). */
  requestScratch(bytes: number): void;
  /** Integer requantization: TFLite Micro's double rounding (default) or desktop TFLite's single rounding. */
  readonly rounding: Rounding;
}

/**
 * Prepare once, evaluate many (as TFLite Micro does): `prepare` validates dtypes and shapes and does the
 * one-off arithmetic (padding, multipliers, packed weights); `eval` is loops over typed arrays.
 */
export interface Kernel<P = unknown> {
  prepare?(op: Op, ctx: PrepareContext): P;
  eval(op: Op, ctx: KernelContext, prepared: P): void;
}
export const defineKernel = <P>(k: Kernel<P>): Kernel<P> => k;

/** The tensor whose dtype picks an op's kernel: its first non-constant input, else input 0. */
const dispatchTensor = (op: Op): Tensor | null => op.inputs.find((t) => t && !(t.data && t.data.length)) ?? op.inputs[0] ?? null;

/**
 * One op, several arithmetic flavours: float32, int8 (TFLite's integer kernels), int16 (16x8), chosen at
 * prepare by the dtype of the op's first run-time input. A missing flavour is refused at load.
 */
export type KernelDtype = 'float32' | 'int8' | 'uint8' | 'int16';

/** A kernel that moves elements without arithmetic (reshape, pad, slice, concat…): every dtype alike. */
export const anyDtype = <P>(k: Kernel<P>): Kernel<P> & { dtypes: KernelDtype[] } => ({ ...k, dtypes: ['float32', 'int8', 'uint8', 'int16'] });

/** The activation dtypes an op's kernel handles (a plain kernel: float32 only). */
export const kernelDtypes = (def: OpDef): KernelDtype[] => (def.kernel ? (def.kernel as { dtypes?: KernelDtype[] }).dtypes ?? ['float32'] : []);

export function kernelsByType(kernels: Partial<Record<KernelDtype, Kernel<any>>>): Kernel<{ kernel: Kernel<any>; prepared: unknown }> & { dtypes: KernelDtype[] } {
  return {
    dtypes: Object.keys(kernels) as KernelDtype[],
    prepare(op, ctx) {
      const t = dispatchTensor(op);
      const kernel = t ? kernels[t.dtype as keyof typeof kernels] : undefined;
      if (!kernel)
        throw new EdgefitError('UNSUPPORTED', `${op.type} has no ${t?.dtype ?? 'untyped'} kernel (edgefit has ${Object.keys(kernels).join(', ')})`);
      return { kernel, prepared: kernel.prepare?.(op, ctx) };
    },
    eval: (op, ctx, { kernel, prepared }) => kernel.eval(op, ctx, prepared),
  };
}

export interface OpCost {
  /** Multiply-accumulates (or, for elementwise ops, arithmetic ops) per invocation. */
  macs: number;
}

/**
 * How post-training quantization treats an op (TFLite's converter rules). `output`: `calibrated` (from the
 * observed range), `same-as-input` (TFLite's integer kernel moves or compares values without rescaling, so
 * the output keeps input 0's parameters), `shared` (every input is brought to the output's parameters), or
 * fixed parameters (ops whose output range is known; TFLite requires exactly these). `weights`: which inputs
 * are weights (symmetric int8) and bias (int32/int64), and the weights' output-channel axis.
 */
export interface QuantRule {
  output: 'calibrated' | 'same-as-input' | 'shared' | { int8: { scale: number; zeroPoint: number }; int16: { scale: number; zeroPoint: number } };
  weights?: { input: number; bias: number; perChannelAxis: number | null; dynamicAxis: number | null };
}

export interface OpDef<O extends TableDesc = TableDesc> {
  /** TFLite builtin name, or the custom code of a custom op. */
  readonly name: string;
  readonly custom?: boolean;
  /** The lowest version TFLite registers the builtin under (absent: 1); new ops are written with it. */
  readonly version?: number;
  /** The builtin options table this op carries (absent: the op has none). */
  readonly options?: O;
  /** Output shapes from input shapes, options and constant inputs. */
  shape?(op: Op): number[][];
  cost?(op: Op): OpCost;
  /** Output element types when they are not input 0's (comparisons give bool; SELECT_V2 takes x's). */
  outputDtypes?(op: Op): DType[];
  /** Reference kernel(s); absent → the interpreter refuses the op at load. */
  kernel?: Kernel<any>;
  /** Short human summary of the op's parameters for tables (`3x3 s2 SAME relu`). */
  describe?(op: Op): string;
  /** Post-training quantization rule; absent: the op stays float (behind DEQUANTIZE / QUANTIZE). */
  quantize?: QuantRule;
}

/** An op definition made by a shared factory, with its quantization rule. */
export const withQuantization = <O extends TableDesc>(def: OpDef<O>, quantize: QuantRule): OpDef<O> => ({ ...def, quantize });

export const defineOp = <O extends TableDesc>(def: OpDef<O>): OpDef<O> => def;

/** Typed builtin options of `op`, with schema defaults when the file omitted the table. */
export function optionsOf<T extends TableDesc>(op: Op, table: T): Infer<T> {
  if (op.options?.type === table.name) return op.options.value as Infer<T>;
  if (op.options) throw new EdgefitError('MALFORMED', `${op.type} carries ${op.options.type}, expected ${table.name}`);
  return defaultsOf(table);
}

export function defaultsOf<T extends TableDesc>(table: T): Infer<T> {
  const out: Record<string, unknown> = {};
  for (const [name, fd] of Object.entries(table.fields)) {
    if (fd.kind === 'scalar' || fd.kind === 'bool') out[name] = fd.def;
    else if (fd.kind === 'enum') out[name] = fd.values.names[fd.def];
  }
  return out as Infer<T>;
}

/** The op's fused activation ('NONE' when its options have none or the file omitted them). */
export function fusedActivationOf(op: Op): string {
  return ((op.options?.value ?? {}) as { fused_activation_function?: string }).fused_activation_function ?? 'NONE';
}

/** Input `i`, which must be present. */
export function input(op: Op, i: number): Tensor {
  const t = op.inputs[i];
  if (!t) throw new EdgefitError('MALFORMED', `${op.type} needs input ${i}`, [`input ${i}`]);
  return t;
}

export function output(op: Op, i = 0): Tensor {
  const t = op.outputs[i];
  if (!t) throw new EdgefitError('MALFORMED', `${op.type} needs output ${i}`, [`output ${i}`]);
  return t;
}
