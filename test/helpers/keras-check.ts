/**
 * Test helper for the Keras / TF.js importers: tfjs-layers models saved in memory the way tfjs writes
 * model.json + a weight shard, and the check that an imported model gives the source's outputs in both
 * edgefit's Interpreter and real TFLite.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';

import type { Model } from '../../src/ir/model.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { writeTflite } from '../../src/formats/tflite/writer.js';
import type { ReadRelative } from '../../src/formats/tfjs/weights.js';
import { loadTfliteOracle } from './tflite-oracle.js';

export const SHARD = 'group1-shard1of1.bin';

/** model.json bytes and its shard, as `model.save('file://…')` writes them. */
export async function saveTfjs(model: tfl.LayersModel): Promise<{ json: Uint8Array; shard: Uint8Array; topology: any; specs: tf.io.WeightsManifestEntry[] }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts!;
  const modelJson = {
    format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [SHARD], weights: a.weightSpecs }],
  };
  const shard = new Uint8Array(a.weightData as ArrayBuffer);
  return { json: new TextEncoder().encode(JSON.stringify(modelJson)), shard, topology: a.modelTopology, specs: a.weightSpecs! };
}

export const readFiles = (files: Record<string, Uint8Array>): ReadRelative => (path) => {
  const f = files[path];
  if (!f) throw new Error(`no such file ${path}`);
  return f;
};

/** max |a − ref| / max(1, |ref|). */
export function worstRelative(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  assert.equal(a.length, ref.length, 'output sizes differ');
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!));
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

/**
 * Runs `model` on `inputs` in edgefit's Interpreter and in real TFLite and checks both against `expected`
 * (one array per model output) to `tolerance` relative. Returns the worst differences.
 */
export async function checkModel(model: Model, inputs: Float32Array[], expected: ArrayLike<number>[], label: string, tolerance = 1e-5): Promise<{ interpreter: number; oracle: number }> {
  const ours = new Interpreter(model).invoke(inputs);
  const oracle = await loadTfliteOracle();
  const m = await oracle.load(writeTflite(model));
  let real;
  try {
    real = m.run(inputs);
  } finally {
    m.dispose();
  }
  assert.equal(ours.length, expected.length, `${label}: output count`);
  assert.equal(real.length, expected.length, `${label}: oracle output count`);
  const interpreter = Math.max(...expected.map((e, i) => worstRelative(ours[i] as Float32Array, e)));
  const tflite = Math.max(...expected.map((e, i) => worstRelative(real[i] as Float32Array, e)));
  assert.ok(interpreter <= tolerance, `${label}: interpreter differs from the source by ${interpreter}`);
  assert.ok(tflite <= tolerance, `${label}: TFLite differs from the source by ${tflite}`);
  return { interpreter, oracle: tflite };
}

/** `model.predict` on batch-1 inputs, as flat arrays per output. */
export function predictTfjs(model: tfl.LayersModel, inputs: Float32Array[], shapes: number[][]): Float32Array[] {
  return tf.tidy(() => {
    const xs = inputs.map((v, i) => tf.tensor(v, shapes[i]!));
    const out = model.predict(xs.length === 1 ? xs[0]! : xs);
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}
