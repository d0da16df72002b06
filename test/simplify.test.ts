/**
 * Simplification passes: each rewrite checked for structure (which ops remain) and for meaning — the
 * simplified model's outputs in real TFLite equal the original model's outputs in real TFLite.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GraphBuilder } from '../src/ir/graph-builder.js';
import type { Model } from '../src/ir/model.js';
import { readTflite } from '../src/formats/tflite/reader.js';
import { writeTflite } from '../src/formats/tflite/writer.js';
import { Interpreter } from '../src/runtime/interpreter.js';
import { simplify, foldBatchNorm, cancelTransposes, removeNoOps, foldFp16Dequantize } from '../src/passes/simplify/index.js';
import { loadTfliteOracle } from './helpers/tflite-oracle.js';
import { modelBytes } from './helpers/models.js';
import { mulberry32 } from './helpers/random.js';
import { compareOutputs } from './helpers/conformance.js';

const random = (n: number, seed: number, scale = 1) => {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
};
const count = (n: number[]) => n.reduce((a, b) => a * b, 1);
const opTypes = (m: Model) => m.graphs[0]!.ops.map((o) => o.type);

async function oracleRun(model: Model, inputs: Float32Array[]) {
  const oracle = await loadTfliteOracle();
  const loaded = await oracle.load(writeTflite(model));
  try {
    return loaded.run(inputs);
  } finally {
    loaded.dispose();
  }
}

/** Same outputs before and after, in real TFLite and in edgefit's interpreter. */
async function assertSameMeaning(before: Model, after: Model, seed = 1, tolerance = 2e-6, interpreterTolerance = 1e-5) {
  const inputs = before.graphs[0]!.inputs.map((t, k) => random(count(t.shape), seed + k));
  const ref = await oracleRun(before, inputs);
  const got = await oracleRun(after, inputs);
  const agreement = compareOutputs(got as ArrayLike<number>[], ref as ArrayLike<number>[], { tolerance }, 'oracle');
  const ours = new Interpreter(after).invoke(inputs);
  compareOutputs(ours as ArrayLike<number>[], ref as ArrayLike<number>[], { tolerance: interpreterTolerance }, 'interpreter');
  return agreement;
}

function convBnRelu(kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED', withBias: boolean): Model {
  const b = new GraphBuilder();
  const c = 6;
  const x = kind === 'FULLY_CONNECTED' ? b.input('x', [2, 10]) : b.input('x', [1, 8, 8, kind === 'CONV_2D' ? 3 : c]);
  const wShape = kind === 'CONV_2D' ? [c, 3, 3, 3] : kind === 'DEPTHWISE_CONV_2D' ? [1, 3, 3, c] : [c, 10];
  const w = b.constant('w', random(count(wShape), 7), wShape);
  const bias = withBias ? b.constant('b', random(c, 8), [c]) : null;
  const options = kind === 'FULLY_CONNECTED' ? {} : { padding: 'SAME', stride_w: 1, stride_h: 1, dilation_w_factor: 1, dilation_h_factor: 1, ...(kind === 'DEPTHWISE_CONV_2D' ? { depth_multiplier: 1 } : {}) };
  const y = b.op1(kind, [x, w, bias], options);
  const scale = b.constant('bn_scale', Float32Array.from(random(c, 9), (v) => v + 1.5), [c]);
  const shift = b.constant('bn_shift', random(c, 10), [c]);
  const scaled = b.op1('MUL', [y, scale]);
  const shifted = b.op1('ADD', [scaled, shift]);
  b.output(b.op1('RELU', [shifted]));
  return b.finish('conv + bn + relu');
}

for (const kind of ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'] as const)
  // TFLite requires a bias on CONV_2D / DEPTHWISE_CONV_2D (importers always write one); FULLY_CONNECTED's is optional.
  for (const withBias of kind === 'FULLY_CONNECTED' ? [true, false] : [true])
    test(`foldBatchNorm + fuseActivations: ${kind} ${withBias ? 'with' : 'without'} bias → MUL and ADD folded, RELU fused`, async () => {
      const model = convBnRelu(kind, withBias);
      const { model: simple, reports } = simplify(model);
      assert.deepEqual(opTypes(simple), [kind]);
      assert.equal(reports.find((r) => r.pass === 'foldBatchNorm')!.changed, 2);
      assert.equal(reports.find((r) => r.pass === 'fuseActivations')!.changed, 1);
      await assertSameMeaning(model, simple);
    });

test('foldBatchNorm leaves a MUL by a full-shape constant (not per-channel) alone', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 4, 4, 2]);
  const y = b.op1('CONV_2D', [x, b.constant('w', random(2 * 2 * 1 * 1, 3), [2, 1, 1, 2]), null], { padding: 'VALID', stride_w: 1, stride_h: 1 });
  b.output(b.op1('MUL', [y, b.constant('s', random(32, 4), [1, 4, 4, 2])]));
  // (no bias: this model is only rewritten, never run)
  const { model, report } = foldBatchNorm(b.finish('no fold'));
  assert.equal(report.changed, 0);
  assert.deepEqual(opTypes(model), ['CONV_2D', 'MUL']);
});

test('cancelTransposes: NHWC→NCHW→NHWC around a conv disappears; unit-axis transposes become reshapes; reshape chains merge', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 6, 6, 4]);
  const y = b.op1('CONV_2D', [x, b.constant('w', random(4 * 9 * 4, 5), [4, 3, 3, 4]), b.constant('b', random(4, 6), [4])], { padding: 'SAME', stride_w: 1, stride_h: 1 });
  const nchw = b.op1('TRANSPOSE', [y, b.ints('p1', [0, 3, 1, 2])]);
  const back = b.op1('TRANSPOSE', [nchw, b.ints('p2', [0, 2, 3, 1])]);
  const pooled = b.op1('MEAN', [back, b.ints('axes', [1, 2])], { keep_dims: true }); // [1,1,1,4]
  const moved = b.op1('TRANSPOSE', [pooled, b.ints('p3', [0, 3, 1, 2])]); // [1,4,1,1]: only unit axes move
  const flat = b.op1('RESHAPE', [moved, b.ints('s1', [1, 4])], { new_shape: [1, 4] });
  const again = b.op1('RESHAPE', [flat, b.ints('s2', [4, 1])], { new_shape: [4, 1] });
  b.output(b.op1('LOGISTIC', [again]));
  const model = b.finish('transposes');
  const { model: simple, reports } = simplify(model);
  assert.deepEqual(opTypes(simple), ['CONV_2D', 'MEAN', 'RESHAPE', 'LOGISTIC']);
  assert.ok(reports.find((r) => r.pass === 'cancelTransposes')!.changed >= 3);
  await assertSameMeaning(model, simple);
});

test('cancelTransposes composes two transposes that do not cancel into one', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 3, 4, 5]);
  const t1 = b.op1('TRANSPOSE', [x, b.ints('p1', [0, 2, 3, 1])]);
  const t2 = b.op1('TRANSPOSE', [t1, b.ints('p2', [3, 1, 0, 2])]);
  b.output(b.op1('TANH', [t2]));
  const model = b.finish('compose');
  const { model: simple } = cancelTransposes(model);
  assert.deepEqual(opTypes(simple), ['TRANSPOSE', 'TANH']);
  await assertSameMeaning(model, simple);
});

test('removeNoOps drops identity reshape, zero add, unit mul, zero pad, single concat — and keeps real ones', async () => {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 4, 4, 3]);
  let t = b.op1('RELU', [x]);
  t = b.op1('RESHAPE', [t, b.ints('same', [1, 4, 4, 3])], { new_shape: [1, 4, 4, 3] });
  t = b.op1('ADD', [t, b.constant('zero', new Float32Array(3), [3])]);
  t = b.op1('MUL', [b.constant('one', Float32Array.of(1), []), t]);
  t = b.op1('PAD', [t, b.ints('nopad', [0, 0, 0, 0, 0, 0, 0, 0], [4, 2])]);
  t = b.op1('CONCATENATION', [t], { axis: 3 });
  t = b.op1('ADD', [t, b.constant('half', Float32Array.of(0.5), [])]); // a real add stays
  b.output(b.op1('TANH', [t]));
  const model = b.finish('no-ops');
  const { model: simple, report } = removeNoOps(model);
  assert.equal(report.changed, 5);
  assert.deepEqual(opTypes(simple), ['RELU', 'ADD', 'TANH']);
  await assertSameMeaning(model, simple);
});

test('removeNoOps keeps a graph-output no-op whose input is a graph input', () => {
  const b = new GraphBuilder();
  const x = b.input('x', [2, 2]);
  b.output(b.op1('RESHAPE', [x, b.ints('s', [2, 2])], { new_shape: [2, 2] }));
  assert.equal(removeNoOps(b.finish('keep')).report.changed, 0);
});

test('foldFp16Dequantize on MediaPipe face detection: no float16 DEQUANTIZE left, outputs bit-identical in TFLite', async () => {
  const model = readTflite(modelBytes('face_detection_short_range'));
  const before = opTypes(model).filter((t) => t === 'DEQUANTIZE').length;
  assert.ok(before > 0);
  const { model: folded, report } = foldFp16Dequantize(model);
  assert.equal(report.changed, before);
  assert.equal(opTypes(folded).filter((t) => t === 'DEQUANTIZE').length, 0);
  // Whole real models: edgefit vs XNNPACK differ by summation order over ~100 layers (≤ 1e-4, as measured before).
  const agreement = await assertSameMeaning(model, folded, 3, 0, 1e-4);
  assert.equal(agreement.exact, agreement.elements);
});

test('simplify on MediaPipe face detection keeps its outputs (real TFLite before and after)', async () => {
  const model = readTflite(modelBytes('face_detection_short_range'));
  const { model: simple, reports } = simplify(model, { foldFp16: true });
  assert.ok(simple.graphs[0]!.ops.length < model.graphs[0]!.ops.length);
  assert.ok(reports.every((r) => r.details.length === r.changed));
  await assertSameMeaning(model, simple, 5, 1e-5, 1e-4);
});
