/**
 * Recurrent ops. LSTM becomes TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM (ONNX gate order i,o,f,c split into
 * TFLite's per-gate tensors; input and recurrent biases summed); GRU is unrolled over its (static) time
 * steps into FULLY_CONNECTED and elementwise ops. Reverse directions run on the time-reversed sequence
 * (a GATHER); bidirectional runs both and stacks them on ONNX's num_directions axis.
 */
import type { Tensor } from '../../ir/model.js';
import { type Lowering, samePerm, type Value } from './context.js';
import type { Lower } from './lower-tensor.js';
import { nd, sliceBox, type NdArray } from './ndarray.js';

interface Recurrent {
  /** The sequence in the IR, [B,T,I] when `batchMajor`, else [T,B,I]. */
  x: Tensor;
  /** ONNX's layout attribute (opset 14): 1 = its tensors are batch-major. */
  layout: number;
  /** Whether the IR holds the sequence batch-major (whatever ONNX's layout: a Transpose before is free). */
  batchMajor: boolean;
  steps: number;
  batch: number;
  hidden: number;
  directions: ('forward' | 'reverse')[];
  w: NdArray;
  r: NdArray;
  b: NdArray;
}

/** What LSTM and GRU share: checks of the attributes edgefit does not model, and the weights. */
function recurrent(cx: Lowering, gates: number, activations: string[]): Recurrent {
  const { attrs } = cx.node;
  if (attrs.has('clip')) cx.fail('clip is not supported');
  if (attrs.has('activation_alpha') || attrs.has('activation_beta')) cx.fail('activation_alpha/beta are not supported');
  const direction = attrs.string('direction', 'forward');
  const directions: Recurrent['directions'] = direction === 'bidirectional' ? ['forward', 'reverse'] : direction === 'reverse' ? ['reverse'] : ['forward'];
  const acts = attrs.strings('activations');
  if (acts && acts.some((a, i) => a !== activations[i % activations.length])) cx.fail(`activations ${acts.join(',')} are not supported (only ${activations.join(',')})`);
  const layout = attrs.int('layout', 0);
  const x = cx.rtIn(0);
  const [steps, batch] = layout ? [x.shape[1]!, x.shape[0]!] : [x.shape[0]!, x.shape[1]!];
  const w = cx.constIn(1, 'W');
  const r = cx.constIn(2, 'R');
  const hidden = attrs.int('hidden_size') ?? r.shape[2]!;
  const b = cx.maybeConst(3, 'B') ?? nd('float32', [directions.length, 2 * gates * hidden], new Float64Array(directions.length * 2 * gates * hidden));
  const lens = cx.maybeConst(4, 'sequence_lens');
  if (lens && Array.from(lens.data).some((l) => l !== steps)) cx.fail('sequence_lens shorter than the sequence are not supported');
  // PyTorch's batch_first exports Transpose(x) → LSTM/GRU: the IR already holds the other orientation,
  // which TFLite's LSTM (time_major=false) and the unrolled GRU read as they are.
  const swapped = samePerm(x.perm, [1, 0, 2]);
  const direct = swapped || samePerm(x.perm, [0, 1, 2]);
  const batchMajor = direct ? (layout === 1) !== swapped : layout === 1;
  return { x: direct ? x.t : cx.source(x), layout, batchMajor, steps, batch, hidden, directions, w, r, b };
}

/** Rows [gate·H, (gate+1)·H) of direction d of a [D, G·H, K] weight. */
const gateRows = (a: NdArray, d: number, gate: number, h: number): NdArray =>
  ({ ...sliceBox(a, [d, gate * h, 0], [1, h, a.shape[2]!], [1, 1, 1]), shape: [h, a.shape[2]!] });

/** Input + recurrent bias of one gate (ONNX keeps them apart; TFLite has one). */
function gateBias(b: NdArray, d: number, gate: number, h: number, gates: number): NdArray {
  const row = b.data.subarray(d * 2 * gates * h, (d + 1) * 2 * gates * h);
  return nd('float32', [h], Array.from({ length: h }, (_, i) => row[gate * h + i]! + row[(gates + gate) * h + i]!));
}

/** The sequence reversed along its time axis. */
function reverseTime(cx: Lowering, t: Tensor, rec: Recurrent, name: string): Tensor {
  const idx = Int32Array.from({ length: rec.steps }, (_, i) => rec.steps - 1 - i);
  return cx.op('GATHER', [t, cx.b.constant(`${name}/indices`, idx, [rec.steps])], { axis: rec.batchMajor ? 1 : 0 }, name);
}

/** Initial state input i must be absent or zero (TFLite's state tensors start at zero). */
function requireZeroState(cx: Lowering, i: number, what: string): void {
  const v = cx.maybe(i);
  if (v && (v.kind !== 'const' || v.a.data.some((x) => x !== 0))) cx.fail(`a non-zero ${what} is not supported (TFLite's LSTM state starts at zero)`);
}

/** Y ([T,D,B,H] or [B,T,D,H]) and Y_h ([D,B,H] or [B,D,H]) from per-direction outputs [T,B,H] / [B,T,H]. */
function setOutputs(cx: Lowering, rec: Recurrent, ys: Tensor[]): void {
  const { steps, batch, hidden, batchMajor } = rec;
  const multi = ys.length > 1;
  // The IR orientation of the outputs follows the sequence's; where it differs from ONNX's layout, only the permutation says so.
  const flipped = batchMajor !== (rec.layout === 1);
  if (cx.used(0)) {
    const parts = ys.map((y, d) => cx.reshape(y, batchMajor ? [batch, steps, 1, hidden] : [steps, 1, batch, hidden], multi ? cx.name(`y${d}`) : cx.name()));
    const y = multi ? cx.op('CONCATENATION', parts, { axis: 2 - Number(!batchMajor) }) : parts[0]!;
    cx.setRt(0, y, !flipped ? [0, 1, 2, 3] : batchMajor ? [2, 0, 1, 3] : [1, 2, 0, 3]);
  }
  if (cx.used(1)) {
    const last = ys.map((y, d) => {
      const at = rec.directions[d] === 'forward' ? steps - 1 : 0;
      const begin = batchMajor ? [0, at, 0] : [at, 0, 0];
      const size = batchMajor ? [batch, 1, hidden] : [1, batch, hidden];
      return cx.op('SLICE', [y, cx.ints(begin, `h${d}_begin`), cx.ints(size, `h${d}_size`)], {}, multi ? cx.name(`h${d}`, 1) : cx.name('', 1));
    });
    const h = multi ? cx.op('CONCATENATION', last, { axis: batchMajor ? 1 : 0 }, cx.name('', 1)) : last[0]!;
    cx.setRt(1, h, flipped ? [1, 0, 2] : [0, 1, 2]);
  }
}

/** Direction d's rows [B,H] of an initial state ([D,B,H], or [B,D,H] batch-major). */
function initialState(cx: Lowering, v: Value, rec: Recurrent, d: number, name: string): Tensor {
  const { batch, hidden, layout } = rec;
  const all = cx.source(v);
  const begin = layout ? [0, d, 0] : [d, 0, 0];
  const size = layout ? [batch, 1, hidden] : [1, batch, hidden];
  return cx.reshape(cx.op('SLICE', [all, cx.ints(begin, `${name}_begin`), cx.ints(size, `${name}_size`)], {}, `${name}_rows`), [batch, hidden], name);
}

function lstm(cx: Lowering): void {
  const { attrs } = cx.node;
  if (attrs.int('input_forget', 0)) cx.fail('input_forget (coupled gates) is not supported');
  if (cx.used(2)) cx.fail('the final cell state output Y_c is not supported (TFLite keeps it inside the op)');
  const rec = recurrent(cx, 4, ['Sigmoid', 'Tanh', 'Tanh']);
  requireZeroState(cx, 5, 'initial_h');
  requireZeroState(cx, 6, 'initial_c');
  const p = cx.maybeConst(7, 'P');
  const { hidden: h, batch } = rec;
  cx.notes.push(`${cx.describe()}: TFLite's LSTM keeps its state between invocations; reset the interpreter per sequence`);
  // TFLite's gate inputs come as input, forget, cell, output; ONNX stacks them i, o, f, c.
  const ONNX_GATE = [0, 2, 3, 1];
  const ys = rec.directions.map((dir, d) => {
    const tag = rec.directions.length > 1 ? `${dir}/` : '';
    const input = dir === 'reverse' ? reverseTime(cx, rec.x, rec, cx.name(`${tag}reversed_input`)) : rec.x;
    const gate = (a: NdArray, g: number, what: string) => cx.constant(gateRows(a, d, ONNX_GATE[g]!, h), `${tag}${what}${g}`);
    const peep = (k: number) => (p ? cx.constant(nd('float32', [h], p.data.subarray(d * 3 * h + k * h, d * 3 * h + (k + 1) * h)), `${tag}peephole${k}`) : null);
    const state = (what: string, size: number) => {
      const t = cx.b.tensor(cx.name(`${tag}${what}`), [batch, size]);
      t.isVariable = true;
      return t;
    };
    const inputs: (Tensor | null)[] = [
      input,
      ...[0, 1, 2, 3].map((g) => gate(rec.w, g, 'input_weights')),
      ...[0, 1, 2, 3].map((g) => gate(rec.r, g, 'recurrent_weights')),
      peep(0), peep(2), peep(1),
      ...[0, 1, 2, 3].map((g) => cx.constant(gateBias(rec.b, d, ONNX_GATE[g]!, h, 4), `${tag}bias${g}`)),
      null, null,
      state('output_state', h), state('cell_state', h),
      null, null, null, null,
    ];
    const y = cx.op('UNIDIRECTIONAL_SEQUENCE_LSTM', inputs, { fused_activation_function: 'TANH', time_major: !rec.batchMajor }, cx.name(`${tag}sequence`));
    return dir === 'reverse' ? reverseTime(cx, y, rec, cx.name(`${tag}sequence_forward_order`)) : y;
  });
  setOutputs(cx, rec, ys);
}

/**
 * GRU, unrolled: x·Wᵀ for all steps in one FULLY_CONNECTED, then per step
 *   z = σ(xz + h·Rzᵀ + bz), r = σ(xr + h·Rrᵀ + br),
 *   n = tanh(xn + r ⊙ (h·Rnᵀ + Rbn))   (linear_before_reset, what PyTorch exports)
 *   n = tanh(xn + (r ⊙ h)·Rnᵀ + Rbn)   (otherwise),
 *   h' = n + z ⊙ (h − n).
 */
function gru(cx: Lowering): void {
  const rec = recurrent(cx, 3, ['Sigmoid', 'Tanh']);
  const lbr = cx.node.attrs.int('linear_before_reset', 0) === 1;
  const { hidden: h, batch, steps, batchMajor } = rec;
  const input = rec.x.shape[2]!;
  const h0 = cx.maybe(5);
  const ys = rec.directions.map((dir, d) => {
    const tag = `${rec.directions.length > 1 ? dir : 'gru'}`;
    const n = (what: string) => cx.name(`${tag}/${what}`);
    const w = { ...sliceBox(rec.w, [d, 0, 0], [1, 3 * h, input], [1, 1, 1]), shape: [3 * h, input] };
    const bias = rec.b.data.subarray(d * 6 * h, (d + 1) * 6 * h);
    // Input bias of z and r folds with their recurrent bias; n's recurrent bias sits inside the reset product.
    const wb = nd('float32', [3 * h], Array.from({ length: 3 * h }, (_, i) => bias[i]! + (i < 2 * h ? bias[3 * h + i]! : 0)));
    const rbn = nd('float32', [h], bias.subarray(5 * h, 6 * h));
    const flat = cx.reshape(rec.x, [steps * batch, input], n('flat_input'));
    const xw = cx.op('FULLY_CONNECTED', [flat, cx.constant(w, `${tag}/W`), cx.constant(wb, `${tag}/Wb`)], {}, n('input_projection'));
    const xwSteps = cx.reshape(xw, batchMajor ? [batch, steps, 3 * h] : [steps, batch, 3 * h], n('input_projection_steps'));
    const rzr = cx.constant({ ...sliceBox(rec.r, [d, 0, 0], [1, 2 * h, h], [1, 1, 1]), shape: [2 * h, h] }, `${tag}/Rzr`);
    const rn = cx.constant({ ...sliceBox(rec.r, [d, 2 * h, 0], [1, h, h], [1, 1, 1]), shape: [h, h] }, `${tag}/Rn`);
    const rbnT = cx.constant(rbn, `${tag}/Rbn`);
    let state = h0 ? initialState(cx, h0, rec, d, n('h0')) : cx.b.constant(n('h0'), new Float32Array(batch * h), [batch, h]);
    const outs: Tensor[] = [];
    for (let k = 0; k < steps; k++) {
      const t = dir === 'reverse' ? steps - 1 - k : k;
      const s = (what: string) => n(`t${t}/${what}`);
      const begin = batchMajor ? [0, t, 0] : [t, 0, 0];
      const xt = cx.reshape(cx.op('SLICE', [xwSteps, cx.ints(begin, `${tag}/t${t}/begin`), cx.ints(batchMajor ? [batch, 1, 3 * h] : [1, batch, 3 * h], `${tag}/t${t}/size`)], {}, s('x')), [batch, 3 * h], s('xt'));
      const [xzr, xn] = cx.b.op('SPLIT_V', [xt, cx.ints([2 * h, h], `${tag}/t${t}/split`), cx.ints([1], `${tag}/t${t}/axis`)], { num_splits: 2 }, {
        names: [s('xzr'), s('xn')], dtypes: ['float32', 'float32'],
      }) as [Tensor, Tensor];
      const hzr = cx.op('FULLY_CONNECTED', [state, rzr, null], {}, s('hzr'));
      const zr = cx.op('LOGISTIC', [cx.op('ADD', [xzr, hzr], {}, s('zr_pre'))], {}, s('zr'));
      const [z, r] = cx.b.op('SPLIT', [cx.ints([1], `${tag}/t${t}/zr_axis`), zr], { num_splits: 2 }, { names: [s('z'), s('r')], dtypes: ['float32', 'float32'] }) as [Tensor, Tensor];
      const recurrentN = lbr
        ? cx.op('MUL', [r, cx.op('FULLY_CONNECTED', [state, rn, rbnT], {}, s('hn'))], {}, s('r_hn'))
        : cx.op('FULLY_CONNECTED', [cx.op('MUL', [r, state], {}, s('r_h')), rn, rbnT], {}, s('r_hn'));
      const cand = cx.op('TANH', [cx.op('ADD', [xn, recurrentN], {}, s('n_pre'))], {}, s('n'));
      state = cx.op('ADD', [cand, cx.op('MUL', [z, cx.op('SUB', [state, cand], {}, s('h_minus_n'))], {}, s('z_h_minus_n'))], {}, s('h'));
      outs[t] = cx.reshape(state, batchMajor ? [batch, 1, h] : [1, batch, h], s('h_step'));
    }
    return steps === 1 ? outs[0]! : cx.op('CONCATENATION', outs, { axis: batchMajor ? 1 : 0 }, n('sequence'));
  });
  // setOutputs takes Y_h at the direction's last processed step, which unrolling put at its time index.
  setOutputs(cx, rec, ys);
}

export const RNN_OPS: Record<string, Lower> = { LSTM: lstm, GRU: gru };
