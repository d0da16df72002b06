/**
 * TF.js layers models (model.json + weight shard, exactly as tfjs writes them), trained a few steps on
 * Fashion-MNIST or seeded synthetic data, imported by edgefit and run in edgefit's Interpreter and in real
 * TFLite: both must give `model.predict`'s outputs to 1e-5 relative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

import { importModel } from '../src/formats/import.js';
import { EdgefitError } from '../src/ir/errors.js';
import { readIdx } from '../src/eval/idx.js';
import { fashionMnist } from './helpers/data.js';
import { mulberry32 } from './helpers/random.js';
import { checkModel, predictTfjs, readFiles, saveTfjs, SHARD } from './helpers/keras-check.js';

await tf.setBackend('cpu');

/** `count` Fashion-MNIST training images scaled to [0,1] (NHWC) and their one-hot labels. */
async function fashion(count: number): Promise<{ x: Float32Array; y: Float32Array }> {
  const f = fashionMnist();
  const images = await readIdx(readFileSync(f.trainImages));
  const labels = await readIdx(readFileSync(f.trainLabels));
  const x = Float32Array.from(images.data.subarray(0, count * 784), (v) => v / 255);
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) y[i * 10 + labels.data[i]!] = 1;
  return { x, y };
}

function uniform(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rnd());
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Trains `steps` batches of mean-squared error towards seeded random targets (enough to move every weight). */
async function fitSynthetic(model: tfl.LayersModel, seed: number, batch = 8, steps = 3): Promise<void> {
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const shapes = model.inputs.map((t) => t.shape.slice(1) as number[]);
  const outShapes = model.outputs.map((t) => t.shape.slice(1) as number[]);
  const xs = shapes.map((s, i) => tf.tensor(uniform(seed + i, batch * steps * size(s)), [batch * steps, ...s]));
  const ys = outShapes.map((s, i) => tf.tensor(uniform(seed + 100 + i, batch * steps * size(s), 0, 1), [batch * steps, ...s]));
  await model.fit(xs.length === 1 ? xs[0]! : xs, ys.length === 1 ? ys[0]! : ys, { batchSize: batch, epochs: 1, verbose: 0 });
  tf.dispose([...xs, ...ys]);
}

/** Saves `model` as model.json + shard, imports it, and checks edgefit and TFLite against `model.predict`. */
async function roundTrip(model: tfl.LayersModel, label: string, seed: number) {
  const { json, shard } = await saveTfjs(model);
  const { model: imported, format, notes } = await importModel(json, { readRelative: readFiles({ [SHARD]: shard }) });
  assert.equal(format, 'tfjs-layers');
  const shapes = model.inputs.map((t) => [1, ...(t.shape.slice(1) as number[])]);
  assert.deepEqual(imported.graphs[0]!.inputs.map((t) => t.shape), shapes, `${label}: input shapes`);
  assert.deepEqual(imported.graphs[0]!.inputs.map((t) => t.name), model.inputLayers.map((l) => l.name), `${label}: input names keep Keras names`);
  assert.deepEqual(imported.graphs[0]!.outputs.map((t) => t.name), model.outputLayers.map((l) => l.name), `${label}: output names keep Keras names`);
  const inputs = shapes.map((s, i) => uniform(seed + 1000 + i, size(s)));
  const expected = predictTfjs(model, inputs, shapes);
  const diffs = await checkModel(imported, inputs, expected, label);
  console.log(`${label}: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
  return { imported, notes };
}

test('MLP trained on Fashion-MNIST', async () => {
  const { x, y } = await fashion(512);
  const model = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28, 1] }),
      tfl.layers.dense({ units: 32, activation: 'relu' }),
      tfl.layers.dropout({ rate: 0.2 }),
      tfl.layers.dense({ units: 16, activation: 'tanh' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(x, [512, 28, 28, 1]), ys = tf.tensor(y, [512, 10]);
  await model.fit(xs, ys, { batchSize: 64, epochs: 1, verbose: 0 });
  tf.dispose([xs, ys]);
  const { notes } = await roundTrip(model, 'mlp', 1);
  assert.ok(notes.some((n) => n.includes('Dropout')), 'the dropped Dropout layer is noted');
});

test('CNN (Conv2D + BatchNormalization + MaxPooling2D + Flatten + Dense softmax) trained on Fashion-MNIST', async () => {
  const { x, y } = await fashion(256);
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same' }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, activation: 'relu' }),
      tfl.layers.batchNormalization({ epsilon: 0.01 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(x, [256, 28, 28, 1]), ys = tf.tensor(y, [256, 10]);
  await model.fit(xs, ys, { batchSize: 64, epochs: 1, verbose: 0 });
  tf.dispose([xs, ys]);
  await roundTrip(model, 'cnn', 2);
});

test('functional model: two inputs, Add, Concatenate, two outputs', async () => {
  const img = tfl.input({ shape: [8, 8, 3], name: 'image' });
  const vec = tfl.input({ shape: [5], name: 'features' });
  const a = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(img) as tfl.SymbolicTensor;
  const b = tfl.layers.conv2d({ filters: 6, kernelSize: 1 }).apply(img) as tfl.SymbolicTensor;
  const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
  const pooled = tfl.layers.globalAveragePooling2d({}).apply(sum) as tfl.SymbolicTensor;
  const v = tfl.layers.dense({ units: 4, activation: 'sigmoid' }).apply(vec) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate().apply([pooled, v]) as tfl.SymbolicTensor;
  const classes = tfl.layers.dense({ units: 3, activation: 'softmax', name: 'classes' }).apply(joined) as tfl.SymbolicTensor;
  const score = tfl.layers.dense({ units: 1, name: 'score' }).apply(joined) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: [img, vec], outputs: [classes, score] });
  await fitSynthetic(model, 3);
  await roundTrip(model, 'functional', 3);
});

test('a missing weight shard and a missing reader are clear errors', async () => {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] });
  const { json } = await saveTfjs(model);
  await assert.rejects(importModel(json, { readRelative: readFiles({}) }), (e: unknown) =>
    e instanceof EdgefitError && e.code === 'IO' && e.message.includes(SHARD));
  await assert.rejects(importModel(json), (e: unknown) => e instanceof EdgefitError && e.message.includes('readRelative') && e.message.includes(SHARD));
});

const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;

test('spatial layers: ZeroPadding2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, UpSampling2D, Cropping2D, pools, PReLU, LeakyReLU', async () => {
  const x = tfl.input({ shape: [10, 10, 3], name: 'picture' });
  // tfjs has no gradient for dilated convolutions: that layer comes first, frozen at its initial weights.
  let y = apply(tfl.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'selu', trainable: false, biasInitializer: 'randomNormal' }), x);
  y = apply(tfl.layers.zeroPadding2d({ padding: [[1, 2], [2, 1]] }), y);
  y = apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', strides: 2, activation: 'relu6' }), y);
  y = apply(tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: 'same', depthMultiplier: 1 }), y);
  y = apply(tfl.layers.leakyReLU({ alpha: 0.15 }), y);
  y = apply(tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }), y);
  y = apply(tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 1, padding: 'valid' }), y);
  y = apply(tfl.layers.upSampling2d({ size: [2, 1] }), y);
  y = apply(tfl.layers.cropping2D({ cropping: [[8, 7], [0, 0]] }), y);
  y = apply(tfl.layers.prelu({ sharedAxes: [1, 2] }), y);
  y = apply(tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), y);
  y = apply(tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'selu' }), y);
  y = apply(tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }), y);
  y = apply(tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }), y);
  const gmax = apply(tfl.layers.globalMaxPooling2d({}), y);
  const gavg = apply(tfl.layers.globalAveragePooling2d({}), y);
  const out = apply(tfl.layers.dense({ units: 4, activation: 'softplus', name: 'head' }), apply(tfl.layers.concatenate({ axis: -1 }), [gmax, gavg]));
  const model = tfl.model({ inputs: x, outputs: out });
  await fitSynthetic(model, 4);
  await roundTrip(model, 'spatial', 4);
});

test('sequence layers: Conv1D (dilated, strided), pools 1D, Permute, Reshape, Rescaling, Dense on rank 3, global pools 1D', async () => {
  const x = tfl.input({ shape: [24, 4], name: 'signal' });
  let y = apply(tfl.layers.rescaling({ scale: 0.5, offset: -0.25 }), x);
  // tfjs has no gradient for dilated convolutions: this one stays frozen (nothing before it trains).
  y = apply(tfl.layers.conv1d({ filters: 6, kernelSize: 3, padding: 'valid', dilationRate: 2, activation: 'relu', trainable: false, biasInitializer: 'randomNormal' }), y);
  y = apply(tfl.layers.maxPooling1d({ poolSize: 2 }), y);
  y = apply(tfl.layers.conv1d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'swish' }), y);
  y = apply(tfl.layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'valid' }), y);
  y = apply(tfl.layers.dense({ units: 7, activation: 'hardSigmoid' }), y); // rank-3 Dense: FULLY_CONNECTED keep_num_dims
  y = apply(tfl.layers.permute({ dims: [2, 1] }), y);
  y = apply(tfl.layers.reshape({ targetShape: [-1, 2] }), y);
  const avg = apply(tfl.layers.globalAveragePooling1d({}), y);
  const max = apply(tfl.layers.globalMaxPooling1d({}), y);
  const out = apply(tfl.layers.dense({ units: 3, activation: 'softsign' }), apply(tfl.layers.concatenate(), [avg, max]));
  const model = tfl.model({ inputs: x, outputs: out });
  await fitSynthetic(model, 5);
  await roundTrip(model, 'sequence', 5);
});

test('activations and merge layers: every activation name, ReLU/ELU/Softmax layers on rank 3, Multiply/Average/Maximum/Minimum', async () => {
  const x = tfl.input({ shape: [6], name: 'values' });
  const names = ['relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'swish', 'mish', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'linear'] as const;
  const heads = names.map((activation) => apply(tfl.layers.dense({ units: 4, activation, name: `dense_${activation}` }), x));
  const prod = apply(tfl.layers.multiply(), [heads[0]!, heads[1]!, heads[2]!]);
  const mean = apply(tfl.layers.average(), [heads[3]!, heads[4]!, heads[5]!]);
  const hi = apply(tfl.layers.maximum(), [heads[6]!, heads[7]!]);
  const lo = apply(tfl.layers.minimum(), [heads[8]!, heads[9]!, heads[10]!]);
  const all = apply(tfl.layers.concatenate(), [prod, mean, hi, lo, heads[11]!, heads[12]!]);
  const relu = apply(tfl.layers.reLU({ maxValue: 0.5 }), all);
  const elu = apply(tfl.layers.elu({ alpha: 1 }), all);
  const grid = apply(tfl.layers.reshape({ targetShape: [4, 6] }), apply(tfl.layers.add(), [relu, elu]));
  const softmaxRows = apply(tfl.layers.softmax({ axis: -1, name: 'softmax_rows' }), grid);
  const model = tfl.model({ inputs: x, outputs: [apply(tfl.layers.flatten({ name: 'rows' }), softmaxRows), apply(tfl.layers.activation({ activation: 'relu', name: 'plain' }), all)] });
  await fitSynthetic(model, 6);
  await roundTrip(model, 'activations', 6);
});

test('LayerNormalization (last axis and two axes), RepeatVector, ThresholdedReLU', async () => {
  const x = tfl.input({ shape: [6], name: 'row' });
  let y = apply(tfl.layers.dense({ units: 8 }), x);
  y = apply(tfl.layers.layerNormalization({ epsilon: 1e-3 }), y);
  y = apply(tfl.layers.repeatVector({ n: 3 }), y);
  y = apply(tfl.layers.dense({ units: 5, activation: 'tanh' }), y);
  y = apply(tfl.layers.layerNormalization({ axis: [1, 2], epsilon: 1e-2 }), y);
  const flatten = tfl.layers.flatten(), head = tfl.layers.dense({ units: 2 });
  // tfjs has no gradient through ThresholdedReLU: train without it, then insert it in front of the trained head.
  await fitSynthetic(tfl.model({ inputs: x, outputs: apply(head, apply(flatten, y)) }), 8);
  const model = tfl.model({ inputs: x, outputs: apply(head, apply(flatten, apply(tfl.layers.thresholdedReLU({ theta: 0.1 }), y))) });
  await roundTrip(model, 'layer-norm', 8);
});

test('a nested Sequential model and a shared layer called on two inputs', async () => {
  const inner = tfl.sequential({ name: 'encoder', layers: [tfl.layers.dense({ inputShape: [4], units: 6, activation: 'relu' }), tfl.layers.dense({ units: 3 })] });
  const left = tfl.input({ shape: [4], name: 'left' }), right = tfl.input({ shape: [4], name: 'right' });
  const shared = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'shared' });
  const a = apply(inner, apply(shared, left));
  const b = apply(shared, right);
  const model = tfl.model({ inputs: [left, right], outputs: [a, apply(tfl.layers.dense({ units: 2, name: 'side' }), b)] });
  await fitSynthetic(model, 9);
  const { notes } = await roundTrip(model, 'nested-shared', 9);
  assert.ok(notes.some((n) => n.includes("'shared' is called 2 times")), notes.join('\n'));
});
