/**
 * Keras recurrent layers (LSTM, GRU, SimpleRNN, Bidirectional, TimeDistributed, Embedding) lowered to TFLite
 * ops, checked against real tfjs-layers 4.9.0 (`model.predict`, CPU backend) through both edgefit's
 * Interpreter and real TFLite (the WASM oracle), and against a real Keras 2.3.1 file (lstm_multi.h5).
 * Layer configs are the snake_case JSON tfjs writes (`model.toJSON`), weights `layer.getWeights()`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import h5wasm, { type Dataset, type Group } from 'h5wasm';

import { applyActivation } from '../src/formats/keras/activations.js';
import type { KerasLayer, KerasWeight, LayerContext, LowerLayer } from '../src/formats/keras/layer.js';
import { RECURRENT_LAYERS, recurrentLayers } from '../src/formats/keras/recurrent.js';
import { parseNpy } from '../src/formats/npy/npy.js';
import { writeTflite } from '../src/formats/tflite/writer.js';
import { EdgefitError } from '../src/ir/errors.js';
import { GraphBuilder } from '../src/ir/graph-builder.js';
import type { Model, Tensor } from '../src/ir/model.js';
import { Interpreter } from '../src/runtime/interpreter.js';
import { mulberry32 } from './helpers/random.js';
import { loadTfliteOracle } from './helpers/tflite-oracle.js';

await tf.setBackend('cpu');

// ---------------------------------------------------------------------------------------------------------
// Lowering a chain of layers with the recurrent table (plus a test-local Dense: the core layers are another module's).

/** Dense on a [batch, features] input: FULLY_CONNECTED + the activation (enough to end the test models). */
const dense: LowerLayer = (ctx, [x]) => {
  const [kernel, bias] = ctx.weights as [KerasWeight, KerasWeight | undefined];
  const [depth, units] = kernel.shape as [number, number];
  const wT = new Float32Array(units * depth);
  for (let i = 0; i < depth; i++) for (let o = 0; o < units; o++) wT[o * depth + i] = kernel.values[i * units + o]!;
  const y = ctx.b.op1('FULLY_CONNECTED', [x!, ctx.b.constant(`${ctx.layer.name}/kernel`, wT, [units, depth]), bias ? ctx.b.constant(`${ctx.layer.name}/bias`, bias.values, [units]) : null]);
  return [ctx.activation(y, ctx.layer.config.activation)];
};
const LOWERINGS: Record<string, LowerLayer> = { ...RECURRENT_LAYERS, Dense: dense };

interface LayerSpec {
  layer: KerasLayer;
  weights: KerasWeight[];
}

/** Lowers `layers` in a chain on one input; every output of the last layer is a model output. */
function lowerChain(layers: LayerSpec[], inputShape: number[], notes: string[] = [], lowerings = LOWERINGS): Model {
  const b = new GraphBuilder();
  let xs: Tensor[] = [b.input('x', inputShape)];
  for (const { layer, weights } of layers) {
    const lower = lowerings[layer.className];
    assert.ok(lower, `no lowering for ${layer.className}`);
    const ctx: LayerContext = { b, layer, weights, activation: (x, name) => applyActivation(b, x, name), note: (m) => notes.push(m) };
    xs = lower(ctx, xs);
  }
  xs.forEach((t) => b.output(t));
  return b.finish('keras recurrent test');
}

/** The layers of a tfjs model as the walker sees them: config JSON from `toJSON`, weights by short name. */
function layerSpecs(model: tfl.LayersModel): LayerSpec[] {
  const topology = model.toJSON(null, false) as { config: { layers: { class_name: string; config: Record<string, any> }[] } };
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => {
    const json = topology.config.layers.find((j) => j.config.name === l.name)!;
    const weights = l.getWeights().map((w, k) => ({ name: l.weights[k]!.originalName.split('/').pop()!, shape: w.shape, values: w.dataSync() as Float32Array }));
    return { layer: { className: json.class_name, name: l.name, config: json.config }, weights };
  });
}

/** Random weights in ±scale for every layer (biases included, so they are nonzero). */
function randomizeWeights(model: tfl.LayersModel, seed: number, scale = 0.6): void {
  const rnd = mulberry32(seed);
  for (const l of model.layers) {
    const ws = l.getWeights();
    if (ws.length) l.setWeights(ws.map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => (rnd() * 2 - 1) * scale), w.shape)));
  }
}

const randomInput = (n: number, seed: number, lo = -1, hi = 1) => {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + rnd() * (hi - lo));
};

/** Worst |ours − ref| / max(1, |ref|); fails above `tolerance`. */
function worstDiff(ours: ArrayLike<number>, ref: ArrayLike<number>, what: string, tolerance = 1e-5): number {
  assert.equal(ours.length, ref.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(Number(ours[i]) - Number(ref[i])) / Math.max(1, Math.abs(Number(ref[i])));
    assert.ok(d <= tolerance, `${what}[${i}]: ours ${ours[i]}, reference ${ref[i]} (diff ${d} > ${tolerance})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

/** Runs `model` on `input` through edgefit's Interpreter and real TFLite; compares both with `expected`. */
async function checkModel(label: string, model: Model, input: Float32Array, expected: ArrayLike<number>[], tolerance = 1e-5): Promise<number> {
  const ours = new Interpreter(model).invoke([input]);
  const oracle = await (await loadTfliteOracle()).load(writeTflite(model));
  let worst = 0;
  try {
    const ref = oracle.run([input]);
    assert.equal(ours.length, expected.length, `${label}: output count`);
    expected.forEach((e, k) => {
      worst = Math.max(worst, worstDiff(ours[k] as Float32Array, e, `${label}: edgefit output ${k}`, tolerance));
      worst = Math.max(worst, worstDiff(ref[k]!, e, `${label}: TFLite output ${k}`, tolerance));
    });
  } finally {
    oracle.dispose();
  }
  console.log(`# ${label}: worst relative diff vs reference ${worst.toExponential(2)} (edgefit and TFLite)`);
  return worst;
}

const opTypes = (m: Model) => new Set(m.graphs[0]!.ops.map((o) => o.type));

/** A tfjs model (random weights) vs its lowering: `predict` on a random [batch, …inputShape] input. */
async function checkTfjs(label: string, model: tfl.LayersModel, batch: number, opts: { seed?: number; expectOp?: string; avoidOp?: string; input?: Float32Array } = {}): Promise<Model> {
  const seed = opts.seed ?? 1;
  randomizeWeights(model, seed);
  const inputShape = [batch, ...(model.inputs[0]!.shape.slice(1) as number[])];
  const x = opts.input ?? randomInput(inputShape.reduce((a, b) => a * b, 1), seed + 100);
  const predicted = model.predict(tf.tensor(x, inputShape)) as tf.Tensor | tf.Tensor[];
  const expected = (Array.isArray(predicted) ? predicted : [predicted]).map((t) => t.dataSync() as Float32Array);
  const lowered = lowerChain(layerSpecs(model), inputShape);
  if (opts.expectOp) assert.ok(opTypes(lowered).has(opts.expectOp), `${label}: expected a ${opts.expectOp} op`);
  if (opts.avoidOp) assert.ok(!opTypes(lowered).has(opts.avoidOp), `${label}: expected no ${opts.avoidOp} op`);
  await checkModel(label, lowered, x, expected);
  return lowered;
}

// tfjs' orthogonal initializer needs tfjs-core's chained ops, which its Node bundle lacks: use glorot (the
// weights are replaced by random ones anyway).
const rnnDefaults = { recurrentInitializer: 'glorotNormal' } as const;
/** A functional model applying `layers` in a chain to an input of `inputShape` (batch excluded). */
const sequential = (inputShape: number[], ...layers: tfl.layers.Layer[]) => {
  const input = tfl.input({ shape: inputShape });
  const output = layers.reduce<tfl.SymbolicTensor>((y, l) => l.apply(y) as tfl.SymbolicTensor, input);
  return tfl.model({ inputs: input, outputs: output });
};
const T = 5;
const F = 3;

// ---------------------------------------------------------------------------------------------------------
// LSTM

const lstm = (args: Record<string, unknown>) => tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', ...rnnDefaults, ...args } as any);

test('LSTM (sigmoid gates) lowers to UNIDIRECTIONAL_SEQUENCE_LSTM and matches tfjs', async () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['return_sequences', { returnSequences: true }, 1],
    ['last step', { returnSequences: false }, 2],
    ['go_backwards, sequence', { returnSequences: true, goBackwards: true }, 1],
    ['go_backwards, last step', { goBackwards: true }, 2],
    ['no bias', { useBias: false, returnSequences: true }, 1],
    ['relu activation', { activation: 'relu', returnSequences: true }, 2],
  ];
  for (const [label, args, batch] of cases) {
    const notes: string[] = [];
    const model = sequential([T, F], lstm(args));
    const lowered = await checkTfjs(`LSTM ${label} (batch ${batch})`, model, batch, { seed: label.length, expectOp: 'UNIDIRECTIONAL_SEQUENCE_LSTM' });
    // The fused op's state tensors: variables (zero at load), never graph inputs or constants.
    const lstmOp = lowered.graphs[0]!.ops.find((o) => o.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM')!;
    for (const i of [18, 19]) assert.ok(lstmOp.inputs[i]!.isVariable && !lstmOp.inputs[i]!.data, `${label}: state input ${i} is a variable`);
    lowerChain(layerSpecs(model), [batch, T, F], notes);
    assert.match(notes.join('\n'), /carries from one invoke to the next/);
  }
});

test('LSTM with other gates or return_state is unrolled and matches tfjs', async () => {
  // tfjs' default gate activation is hard_sigmoid; linear has no faithful fused form; return_state needs c.
  await checkTfjs('LSTM hard_sigmoid gates (tfjs default)', sequential([T, F], tfl.layers.lstm({ units: 4, returnSequences: true, ...rnnDefaults })), 2, { avoidOp: 'UNIDIRECTIONAL_SEQUENCE_LSTM' });
  await checkTfjs('LSTM linear activation, go_backwards', sequential([T, F], lstm({ activation: 'linear', goBackwards: true })), 1, { avoidOp: 'UNIDIRECTIONAL_SEQUENCE_LSTM' });
  const input = tfl.input({ shape: [T, F] });
  const outputs = lstm({ returnState: true, returnSequences: true }).apply(input) as tfl.SymbolicTensor[];
  await checkTfjs('LSTM return_state (sequence, h, c)', tfl.model({ inputs: input, outputs }), 2, { avoidOp: 'UNIDIRECTIONAL_SEQUENCE_LSTM' });
});

/**
 * TFLite keeps the fused LSTM's state in variable tensors across invokes (so does TF's own converter): a
 * second invoke continues from the first one's state, unlike Keras. `fuseLstm: false` unrolls instead, and
 * every invoke then matches Keras.
 */
test('fused LSTM state carries over to the next invoke (as in TFLite); fuseLstm: false does not', async () => {
  const model = sequential([T, F], lstm({}));
  randomizeWeights(model, 21);
  const shape = [1, T, F];
  const [x1, x2] = [randomInput(T * F, 22), randomInput(T * F, 23)];
  const expected = (model.predict(tf.tensor(x2, shape)) as tf.Tensor).dataSync() as Float32Array;
  const secondInvoke = async (lowered: Model) => {
    const ours = new Interpreter(lowered);
    const oracle = await (await loadTfliteOracle()).load(writeTflite(lowered));
    try {
      ours.invoke([x1]);
      oracle.run([x1]);
      return { ours: ours.invoke([x2])[0] as Float32Array, tflite: oracle.run([x2])[0] as Float32Array };
    } finally {
      oracle.dispose();
    }
  };
  const fused = await secondInvoke(lowerChain(layerSpecs(model), shape));
  worstDiff(fused.ours, fused.tflite, 'fused LSTM, invoke 2: edgefit vs TFLite');
  // resetVariables() (TFLite's ResetVariableTensors) starts the next sequence from zero state: Keras again.
  const fresh = new Interpreter(lowerChain(layerSpecs(model), shape));
  fresh.invoke([x1]);
  fresh.resetVariables();
  worstDiff(fresh.invoke([x2])[0] as Float32Array, expected, 'fused LSTM after resetVariables: edgefit vs tfjs');
  const drift = Math.max(...expected.map((e, k) => Math.abs(e - fused.tflite[k]!)));
  assert.ok(drift > 1e-3, `TFLite's second invoke should continue from the first one's state (drift ${drift})`);
  const unrolled = await secondInvoke(lowerChain(layerSpecs(model), shape, [], { ...recurrentLayers({ fuseLstm: false }), Dense: dense }));
  worstDiff(unrolled.ours, expected, 'unrolled LSTM, invoke 2: edgefit vs tfjs');
  worstDiff(unrolled.tflite, expected, 'unrolled LSTM, invoke 2: TFLite vs tfjs');
  console.log(`# fused LSTM: invoke 2 drifts ${drift.toExponential(2)} from Keras (state carried); unrolled: matches`);
});

// ---------------------------------------------------------------------------------------------------------
// GRU and SimpleRNN (unrolled)

test('GRU (reset_after=false, the tfjs form) matches tfjs', async () => {
  for (const [label, args] of [
    ['hard_sigmoid gates, sequence', { returnSequences: true }],
    ['sigmoid gates, last step', { recurrentActivation: 'sigmoid' }],
    ['no bias, go_backwards', { useBias: false, goBackwards: true, returnSequences: true }],
  ] as const) {
    await checkTfjs(`GRU ${label}`, sequential([T, F], tfl.layers.gru({ units: 4, ...rnnDefaults, ...args })), 2, { seed: label.length });
  }
});

/**
 * GRU reset_after=true (the Keras 2/3 default): tfjs-layers refuses to build it, so the reference here is
 * Keras' GRUCell arithmetic written with tfjs-core ops (matrix_x = x·W + b_in, matrix_inner = h·U + b_rec,
 * z/r = gate(x_z/r + inner_z/r), hh = tanh(x_h + r ⊙ inner_h), h = z ⊙ h + (1 − z) ⊙ hh). Gates: sigmoid, and
 * Keras 3's hard_sigmoid relu6(x + 3) / 6 (a Keras 3 config, told by its `seed` key).
 */
test('GRU reset_after=true matches the Keras GRUCell arithmetic (tfjs-core ops)', async () => {
  const units = 4;
  const batch = 2;
  const rnd = mulberry32(77);
  const w = (n: number) => Float32Array.from({ length: n }, () => (rnd() * 2 - 1) * 0.8);
  const kernel = w(F * 3 * units), recurrentKernel = w(units * 3 * units), bias = w(2 * 3 * units);
  const x = randomInput(batch * T * F, 78, -3, 3);
  const gates: [string, Record<string, unknown>, (v: tf.Tensor) => tf.Tensor][] = [
    ['sigmoid', { recurrent_activation: 'sigmoid' }, tf.sigmoid],
    ['Keras 3 hard_sigmoid', { recurrent_activation: 'hard_sigmoid', seed: null }, (v) => tf.div(tf.relu6(tf.add(v, 3)), 6)],
  ];
  for (const [gateLabel, gateConfig, gate] of gates) for (const returnSequences of [true, false]) {
    const steps: tf.Tensor2D[] = [];
    let h: tf.Tensor2D = tf.zeros([batch, units]);
    const xs = tf.unstack(tf.tensor3d(x, [batch, T, F]), 1) as tf.Tensor2D[];
    const [bIn, bRec] = tf.unstack(tf.tensor2d(bias, [2, 3 * units])) as [tf.Tensor1D, tf.Tensor1D];
    for (const xt of xs) {
      const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, tf.tensor2d(kernel, [F, 3 * units])), bIn), 3, 1) as tf.Tensor2D[];
      const [iz, ir, ih] = tf.split(tf.add(tf.matMul(h, tf.tensor2d(recurrentKernel, [units, 3 * units])), bRec), 3, 1) as tf.Tensor2D[];
      const z = gate(tf.add(xz!, iz!));
      const r = gate(tf.add(xr!, ir!));
      const hh = tf.tanh(tf.add(xh!, tf.mul(r, ih!)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      steps.push(h);
    }
    const expected = (returnSequences ? tf.stack(steps, 1) : h).dataSync() as Float32Array;
    const layer: KerasLayer = { className: 'GRU', name: 'gru', config: { units, activation: 'tanh', use_bias: true, reset_after: true, return_sequences: returnSequences, ...gateConfig } };
    const weights = [{ name: 'kernel', shape: [F, 3 * units], values: kernel }, { name: 'recurrent_kernel', shape: [units, 3 * units], values: recurrentKernel }, { name: 'bias', shape: [2, 3 * units], values: bias }];
    await checkModel(`GRU reset_after=true, ${gateLabel}, ${returnSequences ? 'sequence' : 'last step'}`, lowerChain([{ layer, weights }], [batch, T, F]), x, [expected]);
  }
});

test('longer sequences keep within 1e-5: LSTM (fused and unrolled) and GRU, T = 32', async () => {
  const [steps, features, units] = [32, 8, 16];
  await checkTfjs('LSTM fused, T 32, 16 units', sequential([steps, features], lstm({ units, returnSequences: true })), 2, { seed: 31 });
  await checkTfjs('LSTM hard_sigmoid (unrolled), T 32, 16 units', sequential([steps, features], tfl.layers.lstm({ units, returnSequences: true, ...rnnDefaults })), 2, { seed: 32 });
  await checkTfjs('GRU, T 32, 16 units', sequential([steps, features], tfl.layers.gru({ units, returnSequences: true, ...rnnDefaults })), 2, { seed: 33 });
});

test('SimpleRNN matches tfjs', async () => {
  await checkTfjs('SimpleRNN tanh, sequence', sequential([T, F], tfl.layers.simpleRNN({ units: 4, returnSequences: true, ...rnnDefaults })), 2);
  await checkTfjs('SimpleRNN relu, last step, go_backwards', sequential([T, F], tfl.layers.simpleRNN({ units: 5, activation: 'relu', goBackwards: true, ...rnnDefaults })), 1, { seed: 3 });
});

// ---------------------------------------------------------------------------------------------------------
// Wrappers and the other sequence layers

test('Bidirectional matches tfjs (concat, sum, mul, ave)', async () => {
  const cases: [string, tfl.layers.RNN, string][] = [
    ['LSTM concat, sequence', lstm({ returnSequences: true }) as tfl.layers.RNN, 'concat'],
    ['LSTM sum, last step', lstm({}) as tfl.layers.RNN, 'sum'],
    ['LSTM hard_sigmoid mul, sequence', tfl.layers.lstm({ units: 3, returnSequences: true, ...rnnDefaults }), 'mul'],
    ['GRU ave, sequence', tfl.layers.gru({ units: 3, returnSequences: true, ...rnnDefaults }), 'ave'],
    ['SimpleRNN concat, last step', tfl.layers.simpleRNN({ units: 3, ...rnnDefaults }), 'concat'],
  ];
  for (const [label, layer, mergeMode] of cases)
    await checkTfjs(`Bidirectional(${label})`, sequential([T, F], tfl.layers.bidirectional({ layer, mergeMode: mergeMode as any })), 2, { seed: label.length });  // merge_mode None: the two directions as two outputs; return_state: then h (and c) of each direction.
  const input = tfl.input({ shape: [T, F] });
  const split = tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 3, returnSequences: true, ...rnnDefaults }), mergeMode: null as any }).apply(input) as tfl.SymbolicTensor[];
  await checkTfjs('Bidirectional(GRU, merge_mode None)', tfl.model({ inputs: input, outputs: split }), 2);
  const withState = tfl.layers.bidirectional({ layer: lstm({ returnState: true }) as tfl.layers.RNN, mergeMode: 'concat' }).apply(input) as tfl.SymbolicTensor[];
  assert.equal(withState.length, 5);
  await checkTfjs('Bidirectional(LSTM concat, return_state)', tfl.model({ inputs: input, outputs: withState }), 2);
});

test('TimeDistributed matches tfjs (Dense; LSTM and Flatten with the steps folded into the batch)', async () => {
  await checkTfjs('TimeDistributed(Dense relu)', sequential([T, F], tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 6, activation: 'relu' }) })), 2);
  await checkTfjs('LSTM → TimeDistributed(Dense softmax)', sequential([T, F], lstm({ returnSequences: true }), tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'softmax' }) })), 1, { seed: 5 });
  // Sequences of sequences: [batch, 3, T, F] → an LSTM per outer step.
  await checkTfjs('TimeDistributed(LSTM) on [2, 3, T, F]', sequential([3, T, F], tfl.layers.timeDistributed({ layer: lstm({}) })), 2, { expectOp: 'RESHAPE' });
  // A lowering from elsewhere (here a test-local Flatten) wrapped through `innerLayers`.
  const flatten: LowerLayer = (ctx, [x]) => {
    const shape = [x!.shape[0]!, x!.shape.slice(1).reduce((a, b) => a * b, 1)];
    return [ctx.b.op1('RESHAPE', [x!, ctx.b.ints('flat_shape', shape)], { new_shape: shape })];
  };
  const model = sequential([T, 2, F], tfl.layers.timeDistributed({ layer: tfl.layers.flatten() }), tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2 }) }));
  randomizeWeights(model, 6);
  const x = randomInput(2 * T * 2 * F, 7);
  const expected = (model.predict(tf.tensor(x, [2, T, 2, F])) as tf.Tensor).dataSync() as Float32Array;
  const lowerings = { ...recurrentLayers({ innerLayers: { Flatten: flatten } }), Dense: dense };
  await checkModel('TimeDistributed(Flatten) → TimeDistributed(Dense)', lowerChain(layerSpecs(model), [2, T, 2, F], [], lowerings), x, [expected]);
});

test('RNN over one cell matches tfjs (LSTMCell, GRUCell, SimpleRNNCell)', async () => {
  const cells: [string, tfl.layers.RNNCell][] = [
    ['LSTMCell (sigmoid gates: fused)', tfl.layers.lstmCell({ units: 4, recurrentActivation: 'sigmoid', ...rnnDefaults })],
    ['GRUCell', tfl.layers.gruCell({ units: 4, ...rnnDefaults })],
    ['SimpleRNNCell', tfl.layers.simpleRNNCell({ units: 4, ...rnnDefaults })],
  ];
  for (const [label, cell] of cells)
    await checkTfjs(`RNN(${label}), sequence`, sequential([T, F], tfl.layers.rnn({ cell, returnSequences: true })), 2, { seed: label.length });
});

test('Embedding → LSTM → Dense matches tfjs (float indices cast to int32)', async () => {
  const vocabulary = 12;
  const model = sequential([T],
    tfl.layers.embedding({ inputDim: vocabulary, outputDim: 4 }),
    lstm({ units: 5 }),
    tfl.layers.dense({ units: 2, activation: 'sigmoid' }));
  const indices = Float32Array.from(randomInput(2 * T, 9, 0, vocabulary), Math.floor);
  const lowered = await checkTfjs('Embedding → LSTM → Dense', model, 2, { input: indices, expectOp: 'GATHER' });
  assert.ok(opTypes(lowered).has('CAST'));
  await checkTfjs('Embedding → GRU (hard_sigmoid) → Dense', sequential([T], tfl.layers.embedding({ inputDim: vocabulary, outputDim: 3 }), tfl.layers.gru({ units: 4, ...rnnDefaults }), tfl.layers.dense({ units: 2 })), 2, { input: indices });
});

// ---------------------------------------------------------------------------------------------------------
// A real Keras 2.3.1 file: LSTM(50) on [1, 56] + Dense(1), weights read with h5wasm.

/** The shared test models live next to the main checkout (../shared from a repo root). */
function sharedModels(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'models', 'keras');
    if (existsSync(join(candidate, 'lstm_multi.h5'))) return candidate;
  }
  return null;
}

test('real Keras file lstm_multi.h5: LSTM + Dense match its float64 reference', async () => {
  const dir = sharedModels();
  assert.ok(dir, `shared/models/keras not found above ${resolve('.')}`);
  const { FS } = await h5wasm.ready;
  FS!.writeFile('/lstm_multi.h5', readFileSync(join(dir, 'lstm_multi.h5')));
  const file = new h5wasm.File('/lstm_multi.h5', 'r');
  try {
    const topology = JSON.parse(String(file.attrs['model_config']!.value)) as { config: { layers: { class_name: string; config: Record<string, any> }[] } };
    const layers: LayerSpec[] = topology.config.layers.map(({ class_name, config }) => {
      const group = file.get(`model_weights/${config.name}`) as Group;
      const names = group.attrs['weight_names']!.value as string[];
      const weights = names.map((full) => {
        const d = file.get(`model_weights/${config.name}/${full}`) as Dataset;
        return { name: full.split('/').pop()!.replace(/:0$/, ''), shape: d.shape as number[], values: Float32Array.from(d.value as Float32Array) };
      });
      return { layer: { className: class_name, name: config.name, config }, weights };
    });
    assert.deepEqual(layers.map((l) => l.layer.className), ['LSTM', 'Dense']);
    const input = parseNpy(new Uint8Array(readFileSync(join(dir, 'lstm_multi.input.npy'))));
    const expected = parseNpy(new Uint8Array(readFileSync(join(dir, 'lstm_multi.expected.npy'))));
    const [batch, steps, features] = input.shape as [number, number, number];
    const lowered = lowerChain(layers, [batch, steps, features]);
    assert.ok(opTypes(lowered).has('UNIDIRECTIONAL_SEQUENCE_LSTM'));
    await checkModel('lstm_multi.h5 (8 sequences)', lowered, Float32Array.from(input.data as ArrayLike<number>), [Float32Array.from(expected.data as ArrayLike<number>)]);
  } finally {
    file.close();
  }
});

// ---------------------------------------------------------------------------------------------------------
// Refusals

function refuses(layer: KerasLayer, weights: KerasWeight[], inputShape: number[], pattern: RegExp, code = 'UNSUPPORTED'): void {
  assert.throws(() => lowerChain([{ layer, weights }], inputShape), (e: unknown) => {
    assert.ok(e instanceof EdgefitError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, new RegExp(`layer '${layer.name}' \\(${layer.className}, inputs \\[${inputShape.join(', ')}\\]\\)`));
    assert.match(e.message, pattern);
    return true;
  });
}

test('unsupported recurrent configurations are refused, naming the layer', () => {
  const units = 2;
  const w = (...shape: number[]) => ({ name: 'w', shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const lstmWeights = [w(F, 4 * units), w(units, 4 * units), w(4 * units)];
  const base = { units, activation: 'tanh', recurrent_activation: 'sigmoid' };
  refuses({ className: 'LSTM', name: 'lstm_s', config: { ...base, stateful: true } }, lstmWeights, [1, T, F], /stateful=true/);
  refuses({ className: 'LSTM', name: 'lstm_a', config: { ...base, recurrent_activation: 'no_such_activation' } }, lstmWeights, [1, T, F], /activation 'no_such_activation'/);
  refuses({ className: 'GRU', name: 'gru_w', config: { ...base, reset_after: true } }, [w(F, 3 * units), w(units, 3 * units), w(3 * units)], [1, T, F], /expected weights \[3,6\], \[2,6\], \[2,6\]/, 'MALFORMED');
  refuses({ className: 'RNN', name: 'rnn_stack', config: { cell: [{ class_name: 'LSTMCell', config: base }] } }, lstmWeights, [1, T, F], /RNN\(no cell\) is not supported/);
  refuses({ className: 'Masking', name: 'masking_1', config: { mask_value: 0 } }, [], [1, T, F], /masking/);
  refuses({ className: 'TimeDistributed', name: 'td', config: { layer: { class_name: 'Conv2D', config: {} } } }, [], [1, T, F], /TimeDistributed\(Conv2D\)/);
  refuses({ className: 'Bidirectional', name: 'bi', config: { layer: { class_name: 'LSTM', config: base }, merge_mode: 'max' } }, [...lstmWeights, ...lstmWeights], [1, T, F], /merge_mode 'max'/);
});
