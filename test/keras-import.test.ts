/**
 * Keras files: real Keras 2 .h5 models saved by Keras (../shared/models/keras, with inputs and outputs
 * computed by an independent NumPy implementation), the same digits model loaded by tfjs-layers from its
 * Keras config and weights, a Keras 3 .keras archive built here in Keras 3's layout around a trained tfjs
 * model, and the errors a user can meet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import h5wasm from 'h5wasm';
import { zipSync } from 'fflate';

import { importModel } from '../src/formats/import.js';
import { parseNpy } from '../src/formats/npy/npy.js';
import { RECURRENT_LAYERS } from '../src/formats/keras/recurrent.js';
import { EdgefitError } from '../src/ir/errors.js';
import { Interpreter } from '../src/runtime/interpreter.js';
import { mulberry32 } from './helpers/random.js';
import { checkModel, predictTfjs, worstRelative } from './helpers/keras-check.js';

await tf.setBackend('cpu');

/** shared/models/keras beside the repository (CI places shared/ there; a git worktree sits one level deeper). */
const root = fileURLToPath(new URL('../../', import.meta.url));
const KERAS_DIR = [join(root, '..'), join(root, '..', '..')].map((d) => join(d, 'shared', 'models', 'keras')).find(existsSync)
  ?? join(root, '..', 'shared', 'models', 'keras');
function sharedFile(name: string): Uint8Array {
  const path = join(KERAS_DIR, name);
  if (!existsSync(path)) throw new Error(`test data missing: ${path} (the shared Keras models live in ../shared/models/keras)`);
  return readFileSync(path);
}
const npy = (name: string) => {
  const a = parseNpy(sharedFile(name), name);
  return { shape: a.shape, data: a.data as Float32Array };
};

const isError = (code: string, ...parts: string[]) => (e: unknown) => {
  assert.ok(e instanceof EdgefitError, `expected an EdgefitError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const p of parts) assert.ok(e.message.includes(p), `'${e.message}' should name ${p}`);
  return true;
};

test('digits_cnn.h5 (Keras 2.11): edgefit and TFLite give the NumPy reference outputs', async () => {
  const input = npy('digits_cnn.input.npy'), expected = npy('digits_cnn.expected.npy');
  const { model, format } = await importModel(sharedFile('digits_cnn.h5'), { inputShapes: [input.shape] });
  assert.equal(format, 'keras-h5');
  assert.equal(model.graphs[0]!.inputs[0]!.name, 'conv2d_input');
  assert.equal(model.graphs[0]!.outputs[0]!.name, 'activation_5');
  const diffs = await checkModel(model, [input.data], [expected.data], 'digits_cnn');
  console.log(`digits_cnn: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

test('digits_cnn.h5: tfjs-layers built from the same Keras config and weights agrees', async () => {
  const bytes = sharedFile('digits_cnn.h5');
  const { FS } = await h5wasm.ready;
  FS!.writeFile('/digits-test.h5', bytes);
  const file = new h5wasm.File('/digits-test.h5', 'r');
  let reference: tfl.LayersModel;
  try {
    reference = await tfl.models.modelFromJSON({ modelTopology: JSON.parse(String(file.attrs.model_config!.value)) });
    reference.setWeights(reference.weights.map((w) => {
      const [layer] = w.originalName.split('/');
      const ds = file.get(`model_weights/${layer}/${w.originalName}:0`) as InstanceType<typeof h5wasm.Dataset>;
      return tf.tensor(ds.value as Float32Array, ds.shape!);
    }));
  } finally {
    file.close();
    FS!.unlink('/digits-test.h5');
  }
  const input = npy('digits_cnn.input.npy');
  const { model } = await importModel(bytes, { inputShapes: [input.shape] });
  const ours = new Interpreter(model).invoke([input.data])[0] as Float32Array;
  const theirs = predictTfjs(reference, [input.data], [input.shape])[0]!;
  const d = worstRelative(ours, theirs);
  console.log(`digits_cnn vs tfjs-layers: worst relative difference ${d.toExponential(2)}`);
  assert.ok(d <= 1e-5, `edgefit differs from tfjs-layers by ${d}`);
});

test('lstm_multi.h5 (Keras 2.3.1, LSTM + Dense): matches the NumPy reference once LSTM lowering is present', async () => {
  const input = npy('lstm_multi.input.npy'), expected = npy('lstm_multi.expected.npy');
  const bytes = sharedFile('lstm_multi.h5');
  if (!RECURRENT_LAYERS.LSTM) {
    // Without the recurrent lowerings the import must say exactly what is missing, and where.
    await assert.rejects(importModel(bytes, { inputShapes: [input.shape] }), isError('UNSUPPORTED', "layer 'lstm_1'", 'LSTM', '[8, 1, 56]'));
    console.log('lstm_multi: LSTM lowering not present in this branch; the clear UNSUPPORTED error was checked instead');
    return;
  }
  const { model } = await importModel(bytes, { inputShapes: [input.shape] });
  const diffs = await checkModel(model, [input.data], [expected.data], 'lstm_multi');
  console.log(`lstm_multi: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

// ---- Keras 3 .keras, written here in Keras 3's own layout ----

const DTYPE_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const kerasTensor = (layer: string, shape: (number | null)[]) =>
  ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });

/** One Keras 3 functional layer entry: `inputs` are [layer name, shape] pairs; several become one list argument (merge layers). */
function keras3Layer(className: string, name: string, config: Record<string, unknown>, inputs: [string, (number | null)[]][]) {
  const tensors = inputs.map(([l, s]) => kerasTensor(l, s));
  return {
    module: 'keras.layers', class_name: className, registered_name: null, name,
    config: { name, trainable: true, dtype: DTYPE_POLICY, ...config },
    ...(inputs.length ? { build_config: { input_shape: inputs.length > 1 ? inputs.map(([, s]) => s) : inputs[0]![1] } } : {}),
    inbound_nodes: inputs.length ? [{ args: inputs.length > 1 ? [tensors] : tensors, kwargs: {} }] : [],
  };
}

/** model.weights.h5 in Keras 3's layout: layers/<snake_case class>[_n]/vars/<i>. */
async function keras3Weights(entries: { path: string; weights: { dataSync(): unknown; shape: number[] }[] }[]): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = '/keras3-test.weights.h5';
  const file = new h5wasm.File(path, 'w');
  file.create_group('layers');
  for (const { path: layerPath, weights } of entries) {
    const vars = file.create_group(`${layerPath}`).create_group('vars');
    weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: w.dataSync() as Float32Array, shape: w.shape }));
  }
  file.close();
  const bytes = FS!.readFile(path) as Uint8Array;
  FS!.unlink(path);
  return bytes;
}

const keras3Archive = (config: object, weightsH5: Uint8Array) => zipSync({
  'metadata.json': new TextEncoder().encode(JSON.stringify({ keras_version: '3.3.3', date_saved: '2024-05-01@10:00:00' })),
  'config.json': new TextEncoder().encode(JSON.stringify(config)),
  'model.weights.h5': weightsH5,
});

/** A Keras 3 Sequential config (InputLayer first, as Keras 3 saves it). */
const keras3Sequential = (batchShape: (number | null)[], layers: [string, string, Record<string, unknown>][]) => ({
  module: 'keras', class_name: 'Sequential', registered_name: null,
  config: {
    name: 'sequential', trainable: true, dtype: DTYPE_POLICY,
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, config: { batch_shape: batchShape, dtype: 'float32', sparse: false, name: 'input_layer' } },
      ...layers.map(([className, name, config]) => ({ module: 'keras.layers', class_name: className, registered_name: null, config: { name, trainable: true, dtype: DTYPE_POLICY, ...config } })),
    ],
    build_input_shape: batchShape,
  },
  build_config: { input_shape: batchShape }, compile_config: null,
});

const seeded = (seed: number, shape: number[], scale = 1) => {
  const rnd = mulberry32(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rnd() * 2 - 1) * scale), shape);
};

test('Keras 3 Sequential: Normalization, ZeroPadding1D, Cropping1D, causal dilated Conv1D with gelu, Keras 3 hard_sigmoid, Softmax on axis 1, Dense on rank 3, UpSampling1D, GlobalMaxPooling1D keepdims', async () => {
  const mean = [0.5, -0.25, 1], variance = [4, 0.25, 2.25];
  const kernel = seeded(11, [3, 3, 4], 0.8), bias = seeded(12, [4], 0.5), dk = seeded(13, [4, 2]), db = seeded(14, [2]);
  const config = keras3Sequential([null, 10, 3], [
    ['Normalization', 'normalization', { axis: -1, mean, variance, invert: false }],
    ['ZeroPadding1D', 'zero_padding1d', { padding: [1, 2] }],
    ['Cropping1D', 'cropping1d', { cropping: [2, 1] }],
    ['Conv1D', 'conv1d', { filters: 4, kernel_size: [3], strides: [1], padding: 'causal', data_format: 'channels_last', dilation_rate: [2], groups: 1, activation: 'gelu', use_bias: true }],
    ['Activation', 'activation', { activation: 'hard_sigmoid' }],
    ['Softmax', 'softmax', { axis: 1 }],
    ['Dense', 'dense', { units: 2, activation: 'linear', use_bias: true }],
    ['UpSampling1D', 'up_sampling1d', { size: 2 }],
    ['GlobalMaxPooling1D', 'global_max_pooling1d', { data_format: 'channels_last', keepdims: true }],
  ]);
  const archive = keras3Archive(config, await keras3Weights([{ path: 'layers/conv1d', weights: [kernel, bias] }, { path: 'layers/dense', weights: [dk, db] }]));
  const { model } = await importModel(archive, {});
  const input = seeded(15, [1, 10, 3], 3);
  // The reference, op by op in tfjs-core, with Keras 3's definitions.
  const expected = tf.tidy(() => {
    const normalized = tf.div(tf.sub(input, tf.tensor(mean)), tf.sqrt(tf.tensor(variance)));
    const cropped = tf.slice(tf.pad(normalized as tf.Tensor3D, [[0, 0], [1, 2], [0, 0]]), [0, 2, 0], [1, 10, 3]);
    const padded = tf.pad(cropped as tf.Tensor3D, [[0, 0], [4, 0], [0, 0]]);
    const conv = tf.add(tf.conv1d(padded, kernel as tf.Tensor3D, 1, 'valid', 'NWC', 2), bias);
    const gelu = tf.mul(tf.mul(conv, 0.5), tf.add(tf.erf(tf.div(conv, Math.SQRT2)), 1));
    const hardSigmoid = tf.div(tf.relu6(tf.add(gelu, 3)), 6);
    const softmax = tf.transpose(tf.softmax(tf.transpose(hardSigmoid, [0, 2, 1])), [0, 2, 1]);
    const dense = tf.reshape(tf.add(tf.matMul(tf.reshape(softmax, [10, 4]) as tf.Tensor2D, dk as tf.Tensor2D), db), [1, 10, 1, 2]);
    const upsampled = tf.reshape(tf.tile(dense, [1, 1, 2, 1]), [1, 20, 2]);
    return tf.max(upsampled, 1, true).dataSync() as Float32Array;
  });
  const diffs = await checkModel(model, [input.dataSync() as Float32Array], [expected], 'keras3-sequential');
  console.log(`keras3 sequential: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

test('Keras 3 UpSampling2D (bilinear, nearest) uses half-pixel centers (tf.image.resize), unlike TF.js', async () => {
  const config = keras3Sequential([null, 5, 4, 2], [
    ['UpSampling2D', 'up_sampling2d', { size: [2, 3], data_format: 'channels_last', interpolation: 'bilinear' }],
    ['UpSampling2D', 'up_sampling2d_1', { size: [3, 2], data_format: 'channels_last', interpolation: 'nearest' }],
  ]);
  const { model } = await importModel(keras3Archive(config, await keras3Weights([])), {});
  const input = seeded(16, [1, 5, 4, 2]);
  const expected = tf.tidy(() => {
    const bilinear = tf.image.resizeBilinear(input as tf.Tensor4D, [10, 12], false, true);
    return tf.image.resizeNearestNeighbor(bilinear, [30, 24], false, true).dataSync() as Float32Array;
  });
  const diffs = await checkModel(model, [input.dataSync() as Float32Array], [expected], 'keras3-upsampling');
  console.log(`keras3 upsampling: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

test('Keras 3 .keras (functional: Conv2D, BatchNormalization, Add, MaxPooling2D, DepthwiseConv2D, two Dense heads)', async () => {
  const x = tfl.input({ shape: [12, 12, 2], name: 'pixels' });
  const c1 = tfl.layers.conv2d({ name: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'batch_normalization' }).apply(c1) as tfl.SymbolicTensor;
  const c2 = tfl.layers.conv2d({ name: 'conv2d_1', filters: 4, kernelSize: 1 }).apply(x) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'add' }).apply([bn, c2]) as tfl.SymbolicTensor;
  const pool = tfl.layers.maxPooling2d({ name: 'max_pooling2d', poolSize: 2 }).apply(sum) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ name: 'depthwise_conv2d', kernelSize: 3, depthMultiplier: 2, activation: 'relu6' }).apply(pool) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling2d' }).apply(dw) as tfl.SymbolicTensor;
  const probs = tfl.layers.dense({ name: 'dense', units: 3, activation: 'softmax' }).apply(gap) as tfl.SymbolicTensor;
  const value = tfl.layers.dense({ name: 'dense_1', units: 2, activation: 'tanh' }).apply(gap) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: x, outputs: [probs, value] });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  const rnd = mulberry32(7);
  const xs = tf.tensor(Float32Array.from({ length: 32 * 288 }, () => rnd() * 2 - 1), [32, 12, 12, 2]);
  await model.fit(xs, [tf.randomUniform([32, 3], 0, 1, 'float32', 1), tf.randomUniform([32, 2], -1, 1, 'float32', 2)], { batchSize: 8, epochs: 1, verbose: 0 });

  const conv = (filters: number, k: number, extra: object) => ({ filters, kernel_size: [k, k], strides: [1, 1], dilation_rate: [1, 1], groups: 1, data_format: 'channels_last', use_bias: true, ...extra });
  const layers = [
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'pixels', config: { batch_shape: [null, 12, 12, 2], dtype: 'float32', sparse: false, name: 'pixels' }, inbound_nodes: [] },
    keras3Layer('Conv2D', 'conv2d', conv(4, 3, { padding: 'same', activation: 'relu' }), [['pixels', [null, 12, 12, 2]]]),
    keras3Layer('BatchNormalization', 'batch_normalization', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, [['conv2d', [null, 12, 12, 4]]]),
    keras3Layer('Conv2D', 'conv2d_1', conv(4, 1, { padding: 'valid', activation: 'linear' }), [['pixels', [null, 12, 12, 2]]]),
    keras3Layer('Add', 'add', {}, [['batch_normalization', [null, 12, 12, 4]], ['conv2d_1', [null, 12, 12, 4]]]),
    keras3Layer('MaxPooling2D', 'max_pooling2d', { pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' }, [['add', [null, 12, 12, 4]]]),
    keras3Layer('DepthwiseConv2D', 'depthwise_conv2d', { kernel_size: [3, 3], strides: [1, 1], padding: 'valid', depth_multiplier: 2, dilation_rate: [1, 1], data_format: 'channels_last', activation: 'relu6', use_bias: true }, [['max_pooling2d', [null, 6, 6, 4]]]),
    keras3Layer('GlobalAveragePooling2D', 'global_average_pooling2d', { data_format: 'channels_last', keepdims: false }, [['depthwise_conv2d', [null, 4, 4, 8]]]),
    keras3Layer('Dense', 'dense', { units: 3, activation: 'softmax', use_bias: true }, [['global_average_pooling2d', [null, 8]]]),
    keras3Layer('Dense', 'dense_1', { units: 2, activation: 'tanh', use_bias: true }, [['global_average_pooling2d', [null, 8]]]),
  ];
  const config = {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: { name: 'functional', trainable: true, layers, input_layers: ['pixels', 0, 0], output_layers: [['dense', 0, 0], ['dense_1', 0, 0]] },
    build_config: { input_shape: null }, compile_config: null,
  };
  const byName = (n: string) => model.getLayer(n).getWeights();
  // Keras 3 addresses layers by snake_case class, numbered per class: conv2d, conv2d_1, dense, dense_1…
  const weightsH5 = await keras3Weights([
    { path: 'layers/conv2d', weights: byName('conv2d') },
    { path: 'layers/batch_normalization', weights: byName('batch_normalization') },
    { path: 'layers/conv2d_1', weights: byName('conv2d_1') },
    { path: 'layers/depthwise_conv2d', weights: byName('depthwise_conv2d') },
    { path: 'layers/dense', weights: byName('dense') },
    { path: 'layers/dense_1', weights: byName('dense_1') },
  ]);
  const { model: imported, format } = await importModel(keras3Archive(config, weightsH5), {});
  assert.equal(format, 'keras-v3');
  assert.deepEqual(imported.graphs[0]!.outputs.map((t) => t.name), ['dense', 'dense_1']);
  const input = Float32Array.from({ length: 288 }, () => rnd() * 2 - 1);
  const diffs = await checkModel(imported, [input], predictTfjs(model, [input], [[1, 12, 12, 2]]), 'keras3');
  console.log(`keras3 functional: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

// ---- errors ----

/** A TF.js model.json around a Keras 2 Sequential config (no weights needed by these layers). */
const modelJson = (layers: object[]) => new TextEncoder().encode(JSON.stringify({
  format: 'layers-model', modelTopology: { class_name: 'Sequential', keras_version: '2.11.0', config: { name: 'sequential', layers } }, weightsManifest: [],
}));

test('errors: truncated .h5, Lambda, channels_first, unknown dimensions, unsupported layer', async () => {
  const h5 = sharedFile('digits_cnn.h5');
  await assert.rejects(importModel(h5.subarray(0, h5.length >> 1)), isError('TRUNCATED', 'HDF5'));
  const input = { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 8, 8, 3], dtype: 'float32' } };
  await assert.rejects(importModel(modelJson([input, { class_name: 'Lambda', config: { name: 'my_lambda', function: ['4wEAAAAA', null, null] } }])),
    isError('UNSUPPORTED', "layer 'my_lambda' (Lambda, inputs [1, 8, 8, 3])"));
  await assert.rejects(importModel(modelJson([input, { class_name: 'MaxPooling2D', config: { name: 'pool_cf', pool_size: [2, 2], data_format: 'channels_first' } }])),
    isError('UNSUPPORTED', "layer 'pool_cf' (MaxPooling2D, inputs [1, 8, 8, 3])", 'channels_first'));
  const open = { class_name: 'InputLayer', config: { name: 'ragged', batch_input_shape: [null, null, 3], dtype: 'float32' } };
  const flat = { class_name: 'Flatten', config: { name: 'flatten' } };
  await assert.rejects(importModel(modelJson([open, flat])), isError('INVALID_ARGUMENT', "input 'ragged'", '[?, ?, 3]'));
  const fixed = await importModel(modelJson([open, flat]), { inputShapes: [[2, 5, 3]] });
  assert.deepEqual(fixed.model.graphs[0]!.outputs[0]!.shape, [2, 15]);
  await assert.rejects(importModel(modelJson([input, { class_name: 'Dot', config: { name: 'dot', axes: 1 } }])),
    isError('UNSUPPORTED', "layer 'dot' (Dot, inputs [1, 8, 8, 3])", 'Dot is not supported'));
  // A config field of the wrong type is a MALFORMED error naming the layer, never a bare TypeError.
  await assert.rejects(importModel(modelJson([input, { class_name: 'Reshape', config: { name: 'bad_reshape', target_shape: 7 } }])),
    isError('MALFORMED', "layer 'bad_reshape' (Reshape"));
});

test('Keras 2 .h5 in tf.keras layout: functional model with BatchNormalization, a nested Sequential and a shared layer', async () => {
  const inner = tfl.sequential({ name: 'encoder', layers: [tfl.layers.dense({ name: 'enc_dense', inputShape: [5], units: 6, activation: 'relu' }), tfl.layers.batchNormalization({ name: 'enc_bn' })] });
  const left = tfl.input({ shape: [4], name: 'left' }), right = tfl.input({ shape: [4], name: 'right' });
  const shared = tfl.layers.dense({ name: 'shared', units: 5, activation: 'sigmoid' });
  const encoded = inner.apply(shared.apply(left)) as tfl.SymbolicTensor;
  const other = tfl.layers.dense({ name: 'other', units: 6 }).apply(shared.apply(right)) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 3, activation: 'softmax' }).apply(tfl.layers.add({ name: 'sum' }).apply([encoded, other])) as tfl.SymbolicTensor;
  const model = tfl.model({ name: 'two_towers', inputs: [left, right], outputs: out });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  await model.fit([seeded(21, [24, 4]), seeded(22, [24, 4])], tf.softmax(seeded(23, [24, 3])), { batchSize: 8, epochs: 1, verbose: 0 });

  // tf.keras writes one group per top-level layer; a nested model's group holds its layers' weights by their own names.
  const { FS } = await h5wasm.ready;
  const path = '/keras2-test.h5';
  const file = new h5wasm.File(path, 'w');
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  file.create_attribute('model_config', JSON.stringify(artifacts!.modelTopology));
  file.create_attribute('keras_version', '2.11.0');
  const weightsGroup = file.create_group('model_weights');
  weightsGroup.create_attribute('layer_names', model.layers.map((l) => l.name));
  for (const layer of model.layers) {
    const group = weightsGroup.create_group(layer.name);
    const names = layer.weights.map((w) => `${w.originalName}:0`);
    if (names.length) group.create_attribute('weight_names', names);
    layer.weights.forEach((w, i) => {
      // h5py makes the intermediate groups of a slashed dataset name; h5wasm wants them made first.
      const parts = names[i]!.split('/');
      const parent = parts.slice(0, -1).reduce((g, p) => (g.get(p) as typeof g | null) ?? g.create_group(p), group);
      parent.create_dataset({ name: parts[parts.length - 1]!, data: w.read().dataSync() as Float32Array, shape: w.shape as number[] });
    });
  }
  file.close();
  const bytes = FS!.readFile(path) as Uint8Array;
  FS!.unlink(path);
  const { model: imported, notes } = await importModel(bytes);
  assert.ok(notes.some((n) => n.includes("'shared' is called 2 times")));
  const inputs = [seeded(24, [1, 4]).dataSync() as Float32Array, seeded(25, [1, 4]).dataSync() as Float32Array];
  const diffs = await checkModel(imported, inputs, predictTfjs(model, inputs, [[1, 4], [1, 4]]), 'keras2-h5');
  console.log(`keras2 h5 functional: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

test('Keras 3 functional merges: Subtract, Average, Concatenate on axis 1, per-channel Rescaling, Permute', async () => {
  const layers = [
    ...['a', 'b'].map((name) => ({ module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name, config: { batch_shape: [null, 3, 4], dtype: 'float32', sparse: false, name }, inbound_nodes: [] })),
    keras3Layer('Subtract', 'subtract', {}, [['a', [null, 3, 4]], ['b', [null, 3, 4]]]),
    keras3Layer('Average', 'average', {}, [['a', [null, 3, 4]], ['b', [null, 3, 4]]]),
    keras3Layer('Concatenate', 'concatenate', { axis: 1 }, [['subtract', [null, 3, 4]], ['average', [null, 3, 4]]]),
    keras3Layer('Rescaling', 'rescaling', { scale: [1, -2, 0.5, 3], offset: 0.25 }, [['concatenate', [null, 6, 4]]]),
    keras3Layer('Permute', 'permute', { dims: [2, 1] }, [['rescaling', [null, 6, 4]]]),
  ];
  const config = {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: { name: 'merges', trainable: true, layers, input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['permute', 0, 0]] },
  };
  const { model } = await importModel(keras3Archive(config, await keras3Weights([])), {});
  const a = seeded(31, [1, 3, 4]), b = seeded(32, [1, 3, 4]);
  const expected = tf.tidy(() => {
    const cat = tf.concat([tf.sub(a, b), tf.div(tf.add(a, b), 2)], 1);
    return tf.transpose(tf.add(tf.mul(cat, tf.tensor([1, -2, 0.5, 3])), 0.25), [0, 2, 1]).dataSync() as Float32Array;
  });
  const diffs = await checkModel(model, [a.dataSync() as Float32Array, b.dataSync() as Float32Array], [expected], 'keras3-merges');
  console.log(`keras3 merges: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

test('Keras grouped Conv2D (groups=2) and Conv1D (groups=3)', async () => {
  const k2 = seeded(41, [3, 3, 2, 6]), b2 = seeded(42, [6]), k1 = seeded(43, [2, 2, 9]), b1 = seeded(44, [9]);
  const config = keras3Sequential([null, 6, 6, 4], [
    ['Conv2D', 'conv2d', { filters: 6, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 2, activation: 'relu', use_bias: true }],
    ['Reshape', 'reshape', { target_shape: [36, 6] }],
    ['Conv1D', 'conv1d', { filters: 9, kernel_size: [2], strides: [2], padding: 'valid', data_format: 'channels_last', dilation_rate: [1], groups: 3, activation: 'linear', use_bias: true }],
  ]);
  const archive = keras3Archive(config, await keras3Weights([{ path: 'layers/conv2d', weights: [k2, b2] }, { path: 'layers/conv1d', weights: [k1, b1] }]));
  const { model } = await importModel(archive, {});
  const input = seeded(45, [1, 6, 6, 4]);
  const expected = tf.tidy(() => {
    const groups2d = [0, 1].map((g) => tf.conv2d(tf.slice(input, [0, 0, 0, 2 * g], [1, 6, 6, 2]) as tf.Tensor4D, tf.slice(k2, [0, 0, 0, 3 * g], [3, 3, 2, 3]) as tf.Tensor4D, 1, 'same'));
    const y = tf.reshape(tf.relu(tf.add(tf.concat(groups2d, 3), b2)), [1, 36, 6]);
    const groups1d = [0, 1, 2].map((g) => tf.conv1d(tf.slice(y, [0, 0, 2 * g], [1, 36, 2]) as tf.Tensor3D, tf.slice(k1, [0, 0, 3 * g], [2, 2, 3]) as tf.Tensor3D, 2, 'valid'));
    return tf.add(tf.concat(groups1d, 2), b1).dataSync() as Float32Array;
  });
  const diffs = await checkModel(model, [input.dataSync() as Float32Array], [expected], 'grouped-conv');
  console.log(`grouped conv: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});

test('Keras 3 activations by name against tfjs-core (wide input range)', async () => {
  const reference: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    relu: tf.relu, relu6: tf.relu6, sigmoid: tf.sigmoid, tanh: tf.tanh, elu: tf.elu, selu: tf.selu, softplus: tf.softplus,
    exponential: tf.exp, linear: (x) => x, log_softmax: (x) => tf.logSoftmax(x),
    softmax: (x) => tf.softmax(x), softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
    silu: (x) => tf.mul(x, tf.sigmoid(x)), swish: (x) => tf.mul(x, tf.sigmoid(x)),
    hard_sigmoid: (x) => tf.div(tf.relu6(tf.add(x, 3)), 6), hard_swish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
    leaky_relu: (x) => tf.leakyRelu(x, 0.2), mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
    gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1)),
  };
  const names = Object.keys(reference);
  const layers = [
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'x', config: { batch_shape: [null, 16], dtype: 'float32', sparse: false, name: 'x' }, inbound_nodes: [] },
    ...names.map((n) => keras3Layer('Activation', `act_${n}`, { activation: n }, [['x', [null, 16]]])),
    keras3Layer('Concatenate', 'all', { axis: -1 }, names.map((n) => [`act_${n}`, [null, 16]] as [string, (number | null)[]])),
  ];
  const config = { module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional', config: { name: 'acts', trainable: true, layers, input_layers: [['x', 0, 0]], output_layers: [['all', 0, 0]] } };
  const { model } = await importModel(keras3Archive(config, await keras3Weights([])), {});
  const input = seeded(51, [1, 16], 6);
  const expected = tf.tidy(() => tf.concat(names.map((n) => reference[n]!(input)), 1).dataSync() as Float32Array);
  const diffs = await checkModel(model, [input.dataSync() as Float32Array], [expected], 'keras3-activations');
  console.log(`keras3 activations: worst relative difference interpreter ${diffs.interpreter.toExponential(2)}, TFLite ${diffs.oracle.toExponential(2)}`);
});
