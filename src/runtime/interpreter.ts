/**
 * The interpreter: runs a Model's main graph with the registry's reference kernels. At load it checks
 * every op has a kernel, evaluates ops whose inputs are all constant once (DEQUANTIZE of float16 weights,
 * DENSIFY of sparse ones), plans one arena for the rest, and prepares each kernel.
 */
import { EdgefitError, at } from '../ir/errors.js';
import type { DType, Graph, Model, Op, Tensor } from '../ir/model.js';
import { elementCount, isConstant } from '../ir/model.js';
import { viewAs, type TypedArray } from '../ir/tensor-data.js';
import type { KernelContext, OpDef, PrepareContext, Rounding } from '../ops/define.js';
import { SimdKernels } from '../kernels/simd/kernels.js';
import { WasmHeap } from './heap.js';
import { findOp } from '../ops/registry.js';
import { planGreedyBySize, type BufferRequest } from './arena-plan.js';

export interface InterpreterOptions {
  /** Extra op definitions (custom ops, or overrides of builtin kernels). */
  ops?: readonly OpDef[];
  /** Which subgraph to run (default 0). */
  graph?: number;
  /** Record per-op wall time on each invoke. */
  profile?: boolean;
  /**
   * Called with each graph input before the first op, and with each op output right after the op runs
   * (calibration statistics, per-layer error). The array is the live arena view: read it, never keep it.
   */
  observe?: (tensor: Tensor, values: TypedArray) => void;
  /** Integer requantization rounding (default `double`, TFLite Micro's); see `Rounding`. */
  rounding?: Rounding;
  /** Use the WebAssembly SIMD kernels where an op has them (default true); false runs reference kernels only. */
  simd?: boolean;
}

export interface OpProfile {
  index: number;
  type: string;
  ms: number;
  /** Value range of the op's first output after this invoke (NaN/±Inf counted apart). */
  output: OutputStats;
}

export interface OutputStats {
  min: number;
  max: number;
  mean: number;
  nonFinite: number;
}

export function outputStats(a: TypedArray): OutputStats {
  let min = Infinity, max = -Infinity, sum = 0, nonFinite = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Number(a[i]);
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return { min, max, mean: n ? sum / n : NaN, nonFinite };
}

type ArrayCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;
const ARRAYS: Partial<Record<DType, ArrayCtor & { BYTES_PER_ELEMENT: number }>> = {
  float32: Float32Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, bool: Uint8Array,
  float16: Uint16Array, uint16: Uint16Array, int64: BigInt64Array, uint32: Uint32Array, float64: Float64Array,
};

export function allocateTensorArray(t: Tensor, buffer?: ArrayBuffer, offset = 0): TypedArray {
  const C = ARRAYS[t.dtype];
  if (!C) throw new EdgefitError('UNSUPPORTED', `tensor '${t.name}' has dtype ${t.dtype}, which the interpreter cannot hold`);
  const n = elementCount(t.shape);
  if (!Number.isSafeInteger(n) || n < 0) throw new EdgefitError('UNSUPPORTED', `tensor '${t.name}' has a dynamic or huge shape [${t.shape}]`);
  return buffer ? new C(buffer, offset, n) : new C(new ArrayBuffer(n * C.BYTES_PER_ELEMENT), 0, n);
}

export function tensorByteSize(t: Tensor): number {
  const C = ARRAYS[t.dtype];
  if (!C) throw new EdgefitError('UNSUPPORTED', `tensor '${t.name}' has dtype ${t.dtype}, which the interpreter cannot hold`);
  return elementCount(t.shape) * C.BYTES_PER_ELEMENT;
}

interface Step {
  op: Op;
  index: number;
  def: OpDef;
  prepared: unknown;
}

export class Interpreter implements KernelContext {
  readonly graph: Graph;
  /** Bytes of the tensor arena (activations, I/O, variables) after lifetime sharing. */
  readonly arenaBytes: number;
  /** Bytes of the whole heap: arena + packed weights + scratch. */
  readonly heapBytes: number;
  readonly heap: WasmHeap;
  readonly scratchOffset: number;
  /** Whether SIMD kernels are in use. */
  readonly simd: boolean;
  /** Bytes held outside the arena: results of load-time constant evaluation. */
  readonly foldedBytes: number;
  lastProfile: OpProfile[] = [];
  private readonly arrays = new Map<Tensor, TypedArray>();
  /** Byte offsets of the tensors that live in the heap (the arena). */
  private readonly offsets = new Map<Tensor, number>();
  private readonly steps: Step[] = [];
  private readonly defs: Map<string, OpDef>;

  constructor(readonly model: Model, private readonly options: InterpreterOptions = {}) {
    const g = model.graphs[options.graph ?? 0];
    if (!g) throw new EdgefitError('INVALID_ARGUMENT', `model has no subgraph ${options.graph}`);
    this.graph = g;
    this.defs = new Map((options.ops ?? []).map((d) => [`${d.custom ? 'custom' : 'builtin'}:${d.name}`, d]));

    // 1. Every op needs a kernel: fail at load, naming the op, never half-way through invoke.
    const resolved = g.ops.map((op, index) =>
      at(`subgraph ${options.graph ?? 0}`, () =>
        at(`op ${index} (${op.type})`, () => {
          const def = this.defs.get(`${op.custom ? 'custom' : 'builtin'}:${op.type}`) ?? findOp(op);
          if (!def?.kernel)
            throw new EdgefitError('UNSUPPORTED', `${op.custom ? 'custom op' : 'op'} ${op.type} has no edgefit kernel${op.custom ? ' (register one with the `ops` option)' : ''}`);
          return { op, index, def };
        }),
      ),
    );

    this.heap = new WasmHeap();
    const simd = options.simd === false ? null : SimdKernels.create(this.heap.memory);
    this.simd = simd !== null;
    let scratchBytes = 0;
    const prepareContext: PrepareContext = {
      constant: (t) => (this.offsets.has(t) ? undefined : this.arrays.get(t)),
      heap: this.heap,
      simd,
      requestScratch: (bytes) => void (scratchBytes = Math.max(scratchBytes, bytes)),
      rounding: options.rounding ?? 'double',
    };
    const prepare = (r: { op: Op; index: number; def: OpDef }) => this.locate(r, () => r.def.kernel!.prepare?.(r.op, prepareContext));

    // 2. Constants are viewed in place; ops whose inputs are all constant are evaluated once, now.
    for (const t of g.tensors) if (isConstant(t)) this.arrays.set(t, viewAs(t.data!, t.dtype));
    let foldedBytes = 0;
    const runtime: typeof resolved = [];
    for (const r of resolved) {
      const foldable = r.op.inputs.every((t) => !t || this.arrays.has(t)) && r.op.inputs.some((t) => t) && !r.op.outputs.some((t) => g.outputs.includes(t) || t.isVariable);
      if (!foldable) {
        runtime.push(r);
        continue;
      }
      for (const t of r.op.outputs) {
        const a = this.locate(r, () => allocateTensorArray(t));
        this.arrays.set(t, a);
        foldedBytes += a.byteLength;
      }
      const prepared = prepare(r);
      this.locate(r, () => r.def.kernel!.eval(r.op, this, prepared));
    }
    this.foldedBytes = foldedBytes;

    // 3. One arena for everything else, planned from tensor lifetimes over the runtime op order.
    const requests: BufferRequest<Tensor>[] = [];
    const first = new Map<Tensor, number>();
    const last = new Map<Tensor, number>();
    const end = runtime.length;
    const touch = (t: Tensor | null, i: number) => {
      if (!t || this.arrays.has(t)) return;
      if (!first.has(t)) first.set(t, i);
      last.set(t, Math.max(last.get(t) ?? i, i));
    };
    for (const t of g.inputs) touch(t, 0);
    runtime.forEach((r, i) => {
      r.op.inputs.forEach((t) => touch(t, i));
      r.op.outputs.forEach((t) => touch(t, i));
    });
    for (const t of g.outputs) touch(t, end);
    for (const t of first.keys()) {
      const persistent = t.isVariable || g.inputs.includes(t) && g.outputs.includes(t);
      requests.push({
        key: t,
        bytes: tensorByteSize(t),
        firstUse: persistent || g.inputs.includes(t) ? 0 : first.get(t)!,
        lastUse: persistent ? end : last.get(t)!,
      });
    }
    const plan = planGreedyBySize(requests);
    this.arenaBytes = plan.arenaBytes;
    const arena = this.heap.alloc(plan.arenaBytes);
    for (const [t, offset] of plan.offsets) this.offsets.set(t, arena + offset);

    // 4. Prepare kernels once (they may pack weights into the heap and ask for scratch), then view the
    // arena: the heap does not grow after this, so the views stay valid.
    for (const r of runtime) this.steps.push({ ...r, prepared: prepare(r) });
    this.scratchOffset = this.heap.alloc(scratchBytes);
    this.heapBytes = this.heap.usedBytes;
    for (const [t, offset] of this.offsets) this.arrays.set(t, allocateTensorArray(t, this.heap.memory.buffer, offset));
  }

  /**
   * Variable tensors (e.g. a fused LSTM's state) back to their initial values (zero unless the file gives
   * data), as TFLite's ResetVariableTensors: what a caller does between independent sequences.
   */
  resetVariables(): void {
    for (const t of this.graph.tensors) {
      if (!t.isVariable || !this.offsets.has(t)) continue;
      const bytes = new Uint8Array(this.heap.memory.buffer, this.offsets.get(t)!, tensorByteSize(t));
      bytes.fill(0);
      if (t.data?.length) bytes.set(t.data.subarray(0, bytes.length));
    }
  }

  offset(t: Tensor): number {
    return this.offsets.get(t) ?? -1;
  }

  private locate<T>(r: { op: Op; index: number }, body: () => T): T {
    return at(`subgraph ${this.options.graph ?? 0}`, () => at(`op ${r.index} (${r.op.type})`, body));
  }

  get inputs(): Tensor[] {
    return this.graph.inputs;
  }
  get outputs(): Tensor[] {
    return this.graph.outputs;
  }

  data(t: Tensor): TypedArray {
    const a = this.arrays.get(t);
    if (!a) throw new EdgefitError('MALFORMED', `tensor '${t.name}' has no storage (is it produced by any op?)`);
    return a;
  }
  f32(t: Tensor): Float32Array {
    const a = this.data(t);
    if (!(a instanceof Float32Array)) throw new EdgefitError('UNSUPPORTED', `tensor '${t.name}' is ${t.dtype}, expected float32`);
    return a;
  }
  i32(t: Tensor): Int32Array {
    const a = this.data(t);
    if (!(a instanceof Int32Array)) throw new EdgefitError('UNSUPPORTED', `tensor '${t.name}' is ${t.dtype}, expected int32`);
    return a;
  }

  /** Copies `inputs` (one per graph input, in order) in, runs every op, returns copies of the outputs. */
  invoke(inputs: readonly (ArrayLike<number> | ArrayLike<bigint>)[]): TypedArray[] {
    const g = this.graph;
    if (inputs.length !== g.inputs.length)
      throw new EdgefitError('INVALID_ARGUMENT', `model takes ${g.inputs.length} input(s), got ${inputs.length}`);
    g.inputs.forEach((t, i) => {
      const dst = this.data(t);
      const src = inputs[i]!;
      if (src.length !== dst.length)
        throw new EdgefitError('INVALID_ARGUMENT', `input ${i} ('${t.name}') needs ${dst.length} elements for shape [${t.shape}] ${t.dtype}, got ${src.length}`);
      if (dst instanceof BigInt64Array) for (let k = 0; k < src.length; k++) dst[k] = BigInt(src[k]!);
      else if (typeof src[0] === 'bigint') throw new EdgefitError('INVALID_ARGUMENT', `input ${i} ('${t.name}') is ${t.dtype}; got 64-bit integers`);
      else (dst as Float32Array).set(src as ArrayLike<number>);
    });
    const { profile, observe } = this.options;
    if (profile) this.lastProfile = [];
    if (observe) for (const t of g.inputs) observe(t, this.data(t));
    for (const s of this.steps) {
      const t0 = profile ? performance.now() : 0;
      s.def.kernel!.eval(s.op, this, s.prepared);
      if (observe) for (const t of s.op.outputs) observe(t, this.data(t));
      if (profile) this.lastProfile.push({ index: s.index, type: s.op.type, ms: performance.now() - t0, output: outputStats(this.data(s.op.outputs[0]!)) });
    }
    return g.outputs.map((t) => this.data(t).slice());
  }
}
