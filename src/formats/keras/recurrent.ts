/**
 * Recurrent Keras layers (LSTM, GRU, SimpleRNN, and RNN over one of their cells), the Bidirectional and
 * TimeDistributed wrappers, Embedding and Masking, lowered to TFLite ops for a static sequence length.
 *
 * An LSTM with sigmoid gates and a tanh/relu activation becomes TFLite's fused UNIDIRECTIONAL_SEQUENCE_LSTM
 * (one op, what TFLite Micro runs best). Everything else is unrolled over the time steps: one
 * FULLY_CONNECTED projects the whole input sequence (x·W + b for all gates at once), UNPACK cuts it into
 * steps, and each step adds the recurrent product h·U and applies the gate arithmetic with elementwise ops;
 * PACK rebuilds the output sequence. The state starts at zero on every invoke, as in Keras.
 */
import { EdgefitError, type ErrorCode } from '../../ir/errors.js';
import type { GraphBuilder } from '../../ir/graph-builder.js';
import type { Tensor } from '../../ir/model.js';
import type { KerasWeight, LayerContext, LowerLayer } from './layer.js';

type Config = Record<string, any>;

/** One recurrent layer to lower: a plain layer, or one direction of a Bidirectional. */
interface Recurrent {
  ctx: LayerContext;
  className: string;
  /** Prefix of the tensor names. */
  name: string;
  config: Config;
  weights: KerasWeight[];
  /** The layer's inputs (named in errors). */
  inputs: Tensor[];
  options: RecurrentOptions;
}

export interface RecurrentOptions {
  /**
   * Lower LSTMs that TFLite's fused op can express to UNIDIRECTIONAL_SEQUENCE_LSTM (default true). Its state
   * lives in variable tensors that carry over to the next invoke (as with TF's own converter); false unrolls
   * them instead, so every invoke starts from zero state, as Keras does.
   */
  fuseLstm?: boolean;
  /** Lowerings TimeDistributed may wrap besides Dense (default: this module's own), by class name. */
  innerLayers?: Record<string, LowerLayer>;
}

/** What a recurrent layer yields: its output (sequence or last step) and its final states (h, and c for LSTM). */
interface RecurrentResult {
  output: Tensor;
  states: Tensor[];
}

/** Keras' outputs of a recurrent layer: the output, then (return_state) the final states. */
const kerasOutputs = (s: RecurrentSpec, res: RecurrentResult): Tensor[] => (s.returnState ? [res.output, ...res.states] : [res.output]);

const shapeText = (inputs: Tensor[]) => inputs.map((t) => `[${t.shape.join(', ')}]`).join(', ');

/** An error naming the layer, its type and its inputs. */
function layerError(ctx: LayerContext, inputs: Tensor[], code: ErrorCode, message: string, className = ctx.layer.className): EdgefitError {
  return new EdgefitError(code, `layer '${ctx.layer.name}' (${className}, inputs ${shapeText(inputs)}): ${message}`);
}

/** Class name of a nested layer config (`{class_name, config}`), without a Keras 3 module prefix. */
const nestedClass = (nested: Config): string => String(nested?.class_name ?? '').split('.').pop()!;

/** `[rows, cols]` row-major → columns `from … from+count` as a `[count, rows]` matrix (FULLY_CONNECTED's [out, in]). */
function columnsAsRows(values: Float32Array, rows: number, cols: number, from = 0, count = cols): Float32Array {
  const out = new Float32Array(count * rows);
  for (let c = 0; c < count; c++) for (let r = 0; r < rows; r++) out[c * rows + r] = values[r * cols + from + c]!;
  return out;
}

/** One float scalar constant per builder and value, however many steps use it. */
const scalars = new WeakMap<GraphBuilder, Map<number, Tensor>>();
function scalar(b: GraphBuilder, v: number): Tensor {
  const known = scalars.get(b) ?? new Map<number, Tensor>();
  scalars.set(b, known);
  if (!known.has(v)) known.set(v, b.constant(`scalar_${v}`, Float32Array.of(v), []));
  return known.get(v)!;
}

// ---------------------------------------------------------------------------------------------------------
// Weights and options of one recurrent layer.

const GATES: Record<string, number> = { LSTM: 4, GRU: 3, SimpleRNN: 1 };
const LAYER_OF_CELL: Record<string, string> = { LSTMCell: 'LSTM', GRUCell: 'GRU', SimpleRNNCell: 'SimpleRNN' };

/**
 * The recurrent layer a class name and config describe: LSTM, GRU, SimpleRNN as they are, and the generic
 * RNN over one LSTMCell/GRUCell/SimpleRNNCell as that layer (cell config plus the RNN's sequence options).
 */
function recurrentKind(className: string, config: Config): { className: string; config: Config } | undefined {
  if (GATES[className]) return { className, config };
  if (className !== 'RNN') return undefined;
  const layer = LAYER_OF_CELL[nestedClass(config.cell)];
  const { cell, ...sequenceOptions } = config;
  return layer ? { className: layer, config: { ...cell.config, ...sequenceOptions } } : undefined;
}
const describe = (className: string, config: Config) => (className === 'RNN' ? `RNN(${nestedClass(config.cell) || 'no cell'})` : className || '(none)');

interface RecurrentSpec {
  units: number;
  inputSize: number;
  gates: number;
  /** [inputSize, gates·units]. */
  kernel: Float32Array;
  /** [units, gates·units]. */
  recurrentKernel: Float32Array;
  /** Bias added to the input projection, [gates·units] (null without bias). */
  inputBias: Float32Array | null;
  /** GRU reset_after: bias added to the recurrent product, [3·units]. */
  recurrentBias: Float32Array | null;
  activation: string;
  recurrentActivation: string;
  goBackwards: boolean;
  returnSequences: boolean;
  returnState: boolean;
  resetAfter: boolean;
}

function recurrentSpec(r: Recurrent, inputs: Tensor[]): RecurrentSpec {
  const { ctx, config: c, className } = r;
  const fail = (code: ErrorCode, message: string) => layerError(ctx, inputs, code, message, className);
  const x = inputs[0]!;
  if (inputs.length !== 1) throw fail('UNSUPPORTED', `${inputs.length} inputs (an initial state or constants given as inputs) are not supported`);
  if (x.shape.length !== 3) throw fail('UNSUPPORTED', 'the input must be a [batch, time, features] sequence');
  if (c.stateful) throw fail('UNSUPPORTED', 'stateful=true is not supported (its state lives across batches; export the layer with stateful=false)');
  if (c.time_major) throw fail('UNSUPPORTED', 'time_major=true is not supported');
  const gates = GATES[className]!;
  const units = Number(c.units);
  if (!Number.isInteger(units) || units < 1) throw fail('MALFORMED', `units ${JSON.stringify(c.units)} is not a positive integer`);
  const inputSize = x.shape[2]!;
  const resetAfter = className === 'GRU' && !!c.reset_after;
  const useBias = c.use_bias ?? true;
  const expected = [[inputSize, gates * units], [units, gates * units], ...(useBias ? [resetAfter ? [2, gates * units] : [gates * units]] : [])];
  const w = r.weights;
  if (w.length !== expected.length || expected.some((s, i) => s.length !== w[i]!.shape.length || s.some((d, k) => d !== w[i]!.shape[k])))
    throw fail('MALFORMED', `expected weights ${expected.map((s) => `[${s}]`).join(', ')} (kernel, recurrent_kernel${useBias ? ', bias' : ''}), got ${w.map((t) => `${t.name} [${t.shape}]`).join(', ') || 'none'}`);
  const bias = useBias ? w[2]!.values : null;
  return {
    units, inputSize, gates,
    kernel: w[0]!.values,
    recurrentKernel: w[1]!.values,
    inputBias: bias && resetAfter ? bias.subarray(0, gates * units) : bias,
    recurrentBias: bias && resetAfter ? bias.subarray(gates * units) : null,
    activation: c.activation ?? 'tanh',
    recurrentActivation: c.recurrent_activation ?? 'sigmoid',
    goBackwards: !!c.go_backwards,
    returnSequences: !!c.return_sequences,
    returnState: !!c.return_state,
    resetAfter,
  };
}

/**
 * A Keras activation. hard_sigmoid (TF.js' default gate activation) is clip(0.2·x + 0.5, 0, 1) in Keras 2
 * and TF.js but relu6(x + 3) / 6 in Keras 3, whose recurrent layer configs are the ones with a `seed`.
 */
function activate(r: Recurrent, x: Tensor, name: string): Tensor {
  if (name !== 'hard_sigmoid' && name !== 'hardSigmoid') {
    try {
      return r.ctx.activation(x, name);
    } catch (e) {
      if (e instanceof EdgefitError) throw layerError(r.ctx, r.inputs, e.code, e.message, r.className);
      throw e;
    }
  }
  const b = r.ctx.b;
  if ('seed' in r.config) return b.op1('MUL', [b.op1('RELU6', [b.op1('ADD', [x, scalar(b, 3)])]), scalar(b, 1 / 6)], {}, { names: [`${r.name}/hard_sigmoid`] });
  const y = b.op1('ADD', [b.op1('MUL', [x, scalar(b, 0.2)]), scalar(b, 0.5)]);
  return b.op1('MINIMUM', [b.op1('MAXIMUM', [y, scalar(b, 0)]), scalar(b, 1)], {}, { names: [`${r.name}/hard_sigmoid`] });
}

/** Reverses a [batch, time, …] tensor along time (GATHER with constant indices). */
function reverseTime(b: GraphBuilder, x: Tensor, name: string): Tensor {
  const steps = x.shape[1]!;
  const indices = b.ints(`${name}/reversed_steps`, Array.from({ length: steps }, (_, k) => steps - 1 - k));
  return b.op1('GATHER', [x, indices], { axis: 1 }, { names: [`${name}/reversed`] });
}

// ---------------------------------------------------------------------------------------------------------
// Lowering one recurrent layer.

/** TFLite's fused LSTM takes these Keras activations (NONE is left out: TFLite's kernel then outputs o ⊙ g). */
const FUSED_LSTM_ACTIVATION: Record<string, string> = { tanh: 'TANH', relu: 'RELU', relu6: 'RELU6' };

/**
 * Lowers one recurrent layer on `x` ([batch, time, features]). `restoreOrder` (the backward half of a
 * Bidirectional) puts a go_backwards output sequence back into input order.
 */
function lowerRecurrent(r: Recurrent, s: RecurrentSpec, x: Tensor, restoreOrder = false): RecurrentResult {
  if (r.className === 'LSTM' && (r.options.fuseLstm ?? true) && s.recurrentActivation === 'sigmoid' && FUSED_LSTM_ACTIVATION[s.activation] && !s.returnState)
    return fusedLstm(r, s, x, restoreOrder);
  return unrolled(r, s, x, restoreOrder);
}

function fusedLstm(r: Recurrent, s: RecurrentSpec, x: Tensor, restoreOrder: boolean): RecurrentResult {
  const { b } = r.ctx;
  const { units, inputSize } = s;
  const [batch, steps] = x.shape as [number, number];
  const gate = ['input', 'forget', 'cell', 'output'];
  const inputWeights = gate.map((g, k) => b.constant(`${r.name}/input_to_${g}_weights`, columnsAsRows(s.kernel, inputSize, 4 * units, k * units, units), [units, inputSize]));
  const recurrentWeights = gate.map((g, k) => b.constant(`${r.name}/recurrent_to_${g}_weights`, columnsAsRows(s.recurrentKernel, units, 4 * units, k * units, units), [units, units]));
  const biases = gate.map((g, k) => b.constant(`${r.name}/${g}_gate_bias`, s.inputBias ? s.inputBias.slice(k * units, (k + 1) * units) : new Float32Array(units), [units]));
  // TFLite keeps the LSTM state in variable tensors (zero at load) that carry over to the next invoke.
  const state = (what: string) => Object.assign(b.tensor(`${r.name}/${what}_state`, [batch, units]), { isVariable: true });
  const sequence = s.goBackwards ? reverseTime(b, x, r.name) : x;
  let out = b.op1('UNIDIRECTIONAL_SEQUENCE_LSTM', [
    sequence, ...inputWeights, ...recurrentWeights, null, null, null, ...biases, null, null,
    state('output'), state('cell'), null, null, null, null,
  ], { fused_activation_function: FUSED_LSTM_ACTIVATION[s.activation], time_major: false }, { names: [`${r.name}/sequence`] });
  r.ctx.note(`${r.ctx.layer.name}: LSTM lowered to UNIDIRECTIONAL_SEQUENCE_LSTM, whose state tensors TFLite carries from one invoke to the next (as with TF's own converter): reset the interpreter's variables between independent sequences (Interpreter.resetVariables(), TFLite's ResetVariableTensors), or import with LSTM fusing off (fuseLstm: false) to unroll it`);
  if (!s.returnSequences) {
    out = b.op1('STRIDED_SLICE', [out, b.ints(`${r.name}/last_begin`, [0, steps - 1, 0]), b.ints(`${r.name}/last_end`, [batch, steps, units]), b.ints(`${r.name}/last_strides`, [1, 1, 1])],
      { shrink_axis_mask: 2 }, { names: [`${r.name}/last`] });
  } else if (s.goBackwards && restoreOrder) {
    out = reverseTime(b, out, `${r.name}/output`);
  }
  return { output: out, states: [] };
}

/** The per-step recurrence: the step's input projection and the previous state → the new state (h first). */
type Step = (projected: Tensor, state: Tensor[], t: number) => Tensor[];

function unrolled(r: Recurrent, s: RecurrentSpec, x: Tensor, restoreOrder: boolean): RecurrentResult {
  const { b } = r.ctx;
  const { units, gates, inputSize } = s;
  const [batch, steps] = x.shape as [number, number];
  const width = gates * units;
  const n = (what: string, t?: number) => (t === undefined ? `${r.name}/${what}` : `${r.name}/step${t}/${what}`);

  // x·W + b for every step at once, then one [batch, gates·units] slice per step.
  const kernel = b.constant(n('kernel'), columnsAsRows(s.kernel, inputSize, width), [width, inputSize]);
  const inputBias = s.inputBias ? b.constant(n('bias'), s.inputBias.slice(), [width]) : null;
  const projection = b.op1('FULLY_CONNECTED', [x, kernel, inputBias], { keep_num_dims: true }, { names: [n('input_projection')] });
  // A copy: reversing the op's own output list would reorder the op.
  const projected = [...b.op('UNPACK', [projection], { num: steps, axis: 1 }, { names: Array.from({ length: steps }, (_, t) => n('input_projection', t)) })];
  if (s.goBackwards) projected.reverse();

  // h·U (+ b): the recurrent product over the recurrent kernel's columns from … from+count (some gates' worth).
  const recurrentWeights = (label: string, from = 0, count = width) => b.constant(n(label), columnsAsRows(s.recurrentKernel, units, width, from, count), [count, units]);
  const recurrent = (h: Tensor, u: Tensor, t: number, bias: Tensor | null = null, label = 'recurrent') => b.op1('FULLY_CONNECTED', [h, u, bias], {}, { names: [n(label, t)] });
  const gateAxis = b.ints(n('gate_axis'), [1], []);
  const split = (z: Tensor, parts: number, t: number) => b.op('SPLIT', [gateAxis, z], { num_splits: parts }, {
    names: Array.from({ length: parts }, (_, k) => n(`gate${k}`, t)), dtypes: Array.from({ length: parts }, () => 'float32' as const),
  });
  const add = (p: Tensor, q: Tensor) => b.op1('ADD', [p, q]);
  const mul = (p: Tensor, q: Tensor) => b.op1('MUL', [p, q]);
  const act = (v: Tensor) => activate(r, v, s.activation);
  const gate = (v: Tensor) => activate(r, v, s.recurrentActivation);

  let step: Step;
  if (r.className === 'SimpleRNN') {
    const u = recurrentWeights('recurrent_kernel');
    step = (p, [h], t) => [act(add(p, recurrent(h!, u, t)))];
  } else if (r.className === 'LSTM') {
    const u = recurrentWeights('recurrent_kernel');
    step = (p, [h, c], t) => {
      const [i, f, g, o] = split(add(p, recurrent(h!, u, t)), 4, t) as [Tensor, Tensor, Tensor, Tensor];
      const cell = add(mul(gate(f), c!), mul(gate(i), act(g)));
      return [mul(gate(o), act(cell)), cell];
    };
  } else {
    // GRU, gates z, r, h: h' = z ⊙ h + (1 − z) ⊙ hh.
    const one = scalar(b, 1);
    const blend = (z: Tensor, h: Tensor, hh: Tensor) => add(mul(z, h), mul(b.op1('SUB', [one, z]), hh));
    if (s.resetAfter) {
      // hh = act(x_h + r ⊙ (h·U_h + b_h)): the reset gate applies after the recurrent product.
      const u = recurrentWeights('recurrent_kernel');
      const ub = s.recurrentBias ? b.constant(n('recurrent_bias'), s.recurrentBias.slice(), [width]) : null;
      step = (p, [h], t) => {
        const [xz, xr, xh] = split(p, 3, t) as [Tensor, Tensor, Tensor];
        const [hz, hr, hh] = split(recurrent(h!, u, t, ub), 3, t) as [Tensor, Tensor, Tensor];
        const z = gate(add(xz, hz));
        return [blend(z, h!, act(add(xh, mul(gate(add(xr, hr)), hh))))];
      };
    } else {
      // hh = act(x_h + (r ⊙ h)·U_h): the reset gate applies to h before its product.
      const uzr = recurrentWeights('recurrent_kernel_zr', 0, 2 * units);
      const uh = recurrentWeights('recurrent_kernel_h', 2 * units, units);
      step = (p, [h], t) => {
        const [xz, xr, xh] = split(p, 3, t) as [Tensor, Tensor, Tensor];
        const [hz, hr] = split(recurrent(h!, uzr, t), 2, t) as [Tensor, Tensor];
        const z = gate(add(xz, hz));
        const rh = mul(gate(add(xr, hr)), h!);
        return [blend(z, h!, act(add(xh, recurrent(rh, uh, t, null, 'recurrent_h'))))];
      };
    }
  }

  const zeros = b.constant(n('initial_state'), new Float32Array(batch * units), [batch, units]);
  let state = r.className === 'LSTM' ? [zeros, zeros] : [zeros];
  const outputs: Tensor[] = [];
  projected.forEach((p, t) => {
    state = step(p, state, t);
    outputs.push(state[0]!);
  });
  if (s.goBackwards && restoreOrder) outputs.reverse();
  const output = s.returnSequences
    ? b.op1('PACK', outputs, { values_count: steps, axis: 1 }, { names: [n('sequence')] })
    : state[0]!;
  return { output, states: state };
}

const recurrentLayer = (options: RecurrentOptions): LowerLayer => (ctx, inputs) => {
  const kind = recurrentKind(ctx.layer.className, ctx.layer.config);
  if (!kind) throw layerError(ctx, inputs, 'UNSUPPORTED', `${describe(ctx.layer.className, ctx.layer.config)} is not supported (LSTM, GRU, SimpleRNN and RNN over one of their cells are)`);
  const r: Recurrent = { ctx, ...kind, name: ctx.layer.name, weights: ctx.weights, inputs, options };
  const s = recurrentSpec(r, inputs);
  return kerasOutputs(s, lowerRecurrent(r, s, inputs[0]!));
};

// ---------------------------------------------------------------------------------------------------------
// Wrappers and the other sequence layers.

const bidirectional = (options: RecurrentOptions): LowerLayer => (ctx, inputs) => {
  const c = ctx.layer.config;
  const fail = (code: ErrorCode, message: string) => layerError(ctx, inputs, code, message);
  const forward = recurrentKind(nestedClass(c.layer), c.layer?.config ?? {});
  if (!forward) throw fail('UNSUPPORTED', `wrapped layer ${describe(nestedClass(c.layer), c.layer?.config ?? {})} is not supported (LSTM, GRU, SimpleRNN are)`);
  const backward = c.backward_layer
    ? recurrentKind(nestedClass(c.backward_layer), c.backward_layer.config ?? {})
    : { className: forward.className, config: { ...forward.config, go_backwards: !forward.config.go_backwards } };
  if (!backward) throw fail('UNSUPPORTED', `backward layer ${describe(nestedClass(c.backward_layer), c.backward_layer.config ?? {})} is not supported`);
  const half = ctx.weights.length / 2;
  const direction = (kind: { className: string; config: Config }, weights: KerasWeight[], label: string): Recurrent => ({ ctx, ...kind, name: `${ctx.layer.name}/${label}`, weights, inputs, options });
  const fwd = direction(forward, ctx.weights.slice(0, half), 'forward');
  const bwd = direction(backward, ctx.weights.slice(half), 'backward');
  const spec = recurrentSpec(fwd, inputs);
  const f = lowerRecurrent(fwd, spec, inputs[0]!);
  const g = lowerRecurrent(bwd, recurrentSpec(bwd, inputs), inputs[0]!, true);
  const { b } = ctx;
  const name = { names: [ctx.layer.name] };
  const mode = c.merge_mode === undefined ? 'concat' : c.merge_mode;
  let merged: Tensor[];
  switch (mode) {
    case 'concat': merged = [b.op1('CONCATENATION', [f.output, g.output], { axis: f.output.shape.length - 1 }, name)]; break;
    case 'sum': merged = [b.op1('ADD', [f.output, g.output], {}, name)]; break;
    case 'mul': merged = [b.op1('MUL', [f.output, g.output], {}, name)]; break;
    case 'ave': merged = [b.op1('MUL', [b.op1('ADD', [f.output, g.output]), scalar(b, 0.5)], {}, name)]; break;
    case null: merged = [f.output, g.output]; break;
    default: throw fail('UNSUPPORTED', `merge_mode '${mode}' is not supported (concat, sum, mul, ave, None are)`);
  }
  return spec.returnState ? [...merged, ...f.states, ...g.states] : merged;
};

/**
 * TimeDistributed(Dense) is one FULLY_CONNECTED keeping the leading axes. Any other inner layer with a
 * lowering runs once over all steps folded into the batch: [B, T, …] → [B·T, …] → inner → [B, T, …].
 */
const timeDistributed = (options: RecurrentOptions): LowerLayer => (ctx, inputs) => {
  const inner = ctx.layer.config.layer;
  const innerClass = nestedClass(inner);
  const innerConfig: Config = inner?.config ?? {};
  const x = inputs[0]!;
  if (inputs.length !== 1 || x.shape.length < 3) throw layerError(ctx, inputs, 'UNSUPPORTED', 'TimeDistributed needs one [batch, time, …] input');
  if (innerClass === 'Dense') return [denseOverLastAxis(ctx, inputs, innerConfig)];
  const lower = (options.innerLayers ?? recurrentLayers(options))[innerClass];
  if (!lower) throw layerError(ctx, inputs, 'UNSUPPORTED', `TimeDistributed(${innerClass || '(none)'}) is not supported: no lowering for ${innerClass || 'the inner layer'}`);
  const { b } = ctx;
  const name = ctx.layer.name;
  const [batch, steps, ...rest] = x.shape as number[];
  const reshape = (t: Tensor, shape: number[], label: string) =>
    b.op1('RESHAPE', [t, b.ints(`${name}/${label}_shape`, shape)], { new_shape: shape }, { names: [`${name}/${label}`] });
  const folded = reshape(x, [batch! * steps!, ...rest], 'steps_in_batch');
  const innerCtx: LayerContext = {
    b, layer: { className: innerClass, name, config: innerConfig }, weights: ctx.weights,
    activation: (t, act) => ctx.activation(t, act), note: (m) => ctx.note(m),
  };
  return lower(innerCtx, [folded]).map((y, k) => reshape(y, [batch!, steps!, ...y.shape.slice(1)], `output${k}`));
};

/** Keras Dense on the last axis of any-rank input: FULLY_CONNECTED with keep_num_dims, then the activation. */
function denseOverLastAxis(ctx: LayerContext, inputs: Tensor[], c: Config): Tensor {
  const x = inputs[0]!;
  const units = Number(c.units);
  const depth = x.shape[x.shape.length - 1]!;
  const useBias = c.use_bias ?? true;
  const [kernel, bias] = ctx.weights;
  if (!kernel || kernel.shape.join() !== `${depth},${units}` || (useBias && bias?.shape.join() !== `${units}`))
    throw layerError(ctx, inputs, 'MALFORMED', `expected Dense weights [${depth}, ${units}]${useBias ? `, [${units}]` : ''}, got ${ctx.weights.map((w) => `[${w.shape}]`).join(', ') || 'none'}`);
  const { b } = ctx;
  const name = ctx.layer.name;
  const y = b.op1('FULLY_CONNECTED', [
    x,
    b.constant(`${name}/kernel`, columnsAsRows(kernel.values, depth, units), [units, depth]),
    useBias ? b.constant(`${name}/bias`, bias!.values.slice(), [units]) : null,
  ], { keep_num_dims: true }, { names: [name] });
  return ctx.activation(y, c.activation ?? 'linear');
}

const embedding: LowerLayer = (ctx, inputs) => {
  const x = inputs[0]!;
  const table = ctx.weights[0];
  const { input_dim: rows, output_dim: depth } = ctx.layer.config;
  if (!table || table.shape.join() !== `${rows},${depth}`)
    throw layerError(ctx, inputs, 'MALFORMED', `expected embeddings [${rows}, ${depth}], got ${ctx.weights.map((w) => `[${w.shape}]`).join(', ') || 'none'}`);
  if (ctx.layer.config.mask_zero) ctx.note(`${ctx.layer.name}: mask_zero ignored (TFLite has no masks); padded steps are processed like any other`);
  const { b } = ctx;
  const name = ctx.layer.name;
  // Keras/TF.js models take the indices as floats: cast them (truncating, as tf.cast does).
  const indices = x.dtype === 'int32' ? x : b.op1('CAST', [x], { in_data_type: 'FLOAT32', out_data_type: 'INT32' }, { names: [`${name}/indices`], dtypes: ['int32'] });
  return [b.op1('GATHER', [b.constant(`${name}/embeddings`, table.values.slice(), [rows, depth]), indices], { axis: 0 }, { names: [name], dtypes: ['float32'] })];
};

const masking: LowerLayer = (ctx, inputs) => {
  throw layerError(ctx, inputs, 'UNSUPPORTED', `masking (mask_value ${ctx.layer.config.mask_value ?? 0}) is not supported: TFLite has no masks, so masked steps would silently change the results; remove the Masking layer or pad without it`);
};

/** The lowerings by Keras class name. */
export function recurrentLayers(options: RecurrentOptions = {}): Record<string, LowerLayer> {
  return {
    LSTM: recurrentLayer(options),
    GRU: recurrentLayer(options),
    SimpleRNN: recurrentLayer(options),
    RNN: recurrentLayer(options),
    Bidirectional: bidirectional(options),
    TimeDistributed: timeDistributed(options),
    Embedding: embedding,
    Masking: masking,
  };
}

export const RECURRENT_LAYERS: Record<string, LowerLayer> = recurrentLayers();
