/**
 * A static QDQ ONNX model (scripts/make-onnx-fixtures.py: int8 activations, per-channel int8 weights,
 * int32 biases, as ONNX Runtime's quantizer writes them) becomes an int8 TFLite model: QUANTIZE at the
 * input, integer conv / depthwise / pool / residual add / mean / fully-connected, DEQUANTIZE at the output. Reference:
 * the QDQ graph's semantics evaluated in float64 by the fixture script. Integer kernels requantize with
 * fixed-point multipliers where the float reference rounds exactly, so results may differ by a step of
 * the output scale (measured and bounded below); edgefit and TFLite are also compared with each other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { importModel } from '../src/formats/import.js';
import { parseNpy } from '../src/formats/npy/npy.js';
import { writeTflite } from '../src/formats/tflite/writer.js';
import { Interpreter } from '../src/runtime/interpreter.js';
import { loadTfliteOracle } from './helpers/tflite-oracle.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));
const npy = (name: string) => parseNpy(new Uint8Array(readFileSync(join(FIXTURES, name))), name);

/** NCHW → NHWC. */
function nhwc(data: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++) for (let ch = 0; ch < c!; ch++) for (let i = 0; i < h! * w!; i++) out[(b * h! * w! + i) * c! + ch] = data[(b * c! + ch) * h! * w! + i]!;
  return out;
}

/** Largest |a − b| in steps of `scale`, and how many elements agree exactly. */
function steps(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): { worst: number; exact: number } {
  let worst = 0;
  let exact = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.round(Math.abs(a[i]! - b[i]!) / scale);
    worst = Math.max(worst, d);
    if (d === 0) exact++;
  }
  return { worst, exact };
}

test('QDQ CNN → int8 TFLite ops, agreeing with the QDQ semantics and with TFLite', async () => {
  const { model } = await importModel(new Uint8Array(readFileSync(join(FIXTURES, 'qdq_cnn.onnx'))));
  const g = model.graphs[0]!;
  const types = g.ops.map((op) => op.type);
  assert.deepEqual(types, ['QUANTIZE', 'CONV_2D', 'MAX_POOL_2D', 'DEPTHWISE_CONV_2D', 'ADD', 'MEAN', 'RESHAPE', 'FULLY_CONNECTED', 'DEQUANTIZE', 'DEQUANTIZE'], types.join(' '));
  for (const op of g.ops.slice(1, -2)) {
    assert.equal(op.inputs[0]!.dtype, 'int8', `${op.type} input`);
    assert.equal(op.outputs[0]!.dtype, 'int8', `${op.type} output`);
  }
  const conv = g.ops[1]!;
  assert.equal(conv.inputs[1]!.dtype, 'int8');
  assert.equal(conv.inputs[1]!.quantization!.scale.length, 8, 'per-channel weight scales');
  assert.equal(conv.inputs[2]!.dtype, 'int32');

  const x = npy('qdq_cnn.input0.npy');
  const input = nhwc(x.data as Float32Array, x.shape);
  // Output 0: the classifier's 5 logits; output 1: the depthwise conv's 8×8×8 activations (made NHWC).
  const expected = [npy('qdq_cnn.output0.npy').data as Float32Array, nhwc(npy('qdq_cnn.output1.npy').data as Float32Array, [1, 8, 8, 8])];
  const scales = npy('qdq_cnn.output_scale.npy').data as Float32Array;
  const tflm = new Interpreter(model).invoke([input]) as Float32Array[];
  const xnnpack = new Interpreter(model, { rounding: 'fp32' }).invoke([input]) as Float32Array[];
  const oracle = await (await loadTfliteOracle()).load(writeTflite(model));
  try {
    const tflite = oracle.run([input]) as Float32Array[];
    expected.forEach((want, k) => {
      const vsReference = [tflm[k]!, xnnpack[k]!, tflite[k]!].map((o) => steps(o, want, scales[k]!));
      const vsTflite = steps(xnnpack[k]!, tflite[k]!, scales[k]!);
      console.log(`# QDQ CNN output ${k} vs the float64 QDQ reference, in output steps: edgefit (TFLM rounding) ≤ ${vsReference[0]!.worst} (${vsReference[0]!.exact}/${want.length} exact), edgefit (fp32 rounding) ≤ ${vsReference[1]!.worst}, TFLite ≤ ${vsReference[2]!.worst} (${vsReference[2]!.exact}/${want.length} exact); edgefit fp32 vs TFLite: ${vsTflite.exact}/${want.length} identical`);
      // Fixed-point requantization over up to five layers: at most one output step from exact QDQ arithmetic.
      for (const r of vsReference) assert.ok(r.worst <= 1, `output ${k}: ${r.worst} steps from the QDQ reference`);
      assert.ok(vsTflite.worst <= 1);
    });
  } finally {
    oracle.dispose();
  }
});
