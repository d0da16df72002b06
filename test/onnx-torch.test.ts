/**
 * Real PyTorch exports (scripts/make-onnx-fixtures.py: torch 1.13, opsets 11/13/14/17; plus one opset-18
 * graph built with onnx.helper, expected values from numpy) converted with the
 * default channels-last I/O, run in edgefit's Interpreter and in real TFLite, compared with PyTorch's own
 * outputs (|d| ≤ 1e-5·max(1,|ref|)). Inputs and expected outputs are moved to channels-last here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { importModel } from '../src/formats/import.js';
import { parseNpy } from '../src/formats/npy/npy.js';
import { writeTflite } from '../src/formats/tflite/writer.js';
import { EdgefitError } from '../src/ir/errors.js';
import { Interpreter } from '../src/runtime/interpreter.js';
import { compareOutputs } from './helpers/conformance.js';
import { loadTfliteOracle } from './helpers/tflite-oracle.js';

const { onnx } = onnxProto;
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/onnx/', import.meta.url));

interface Arr { shape: number[]; data: Float32Array }

/** NC… → N…C (what the converted model's rank-3/4/5 inputs and outputs hold). */
function channelsLast(a: Arr): Arr {
  if (a.shape.length < 3 || a.shape.length > 5) return a;
  const [n, c] = a.shape as [number, number];
  const inner = a.shape.slice(2).reduce((x, y) => x * y, 1);
  const out = new Float32Array(a.data.length);
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < inner; i++) out[(b * inner + i) * c + ch] = a.data[(b * c + ch) * inner + i]!;
  return { shape: [n, ...a.shape.slice(2), c], data: out };
}

function npy(name: string): Arr {
  const a = parseNpy(new Uint8Array(readFileSync(join(FIXTURES, name))), name);
  return { shape: a.shape, data: a.data as Float32Array };
}

function arrays(model: string, kind: 'input' | 'output'): Arr[] {
  const out: Arr[] = [];
  for (let k = 0; existsSync(join(FIXTURES, `${model}.${kind}${k}.npy`)); k++) out.push(npy(`${model}.${kind}${k}.npy`));
  return out;
}

/** Model → ioLayout (the sequence model's rank-3 [B,T,F] tensors are not channels-first images). */
const MODELS: Record<string, 'channels-last' | 'source'> = {
  cnn: 'channels-last', mobile_block: 'channels-last', mlp: 'channels-last', audio: 'channels-last', unet: 'channels-last',
  unet_opset17: 'channels-last', layout_mix: 'channels-last', sequence: 'source', transformer: 'source', transformer_opset17: 'source', opset18: 'source', opset20_gelu: 'source',
};

/** Lowerings the fixtures are there to exercise. */
const EXPECTED_OPS: Record<string, string[]> = {
  cnn: ['CONV_2D', 'DEPTHWISE_CONV_2D', 'MAX_POOL_2D', 'MEAN', 'FULLY_CONNECTED'],
  mobile_block: ['HARD_SWISH', 'RELU_0_TO_1', 'RELU6', 'SPLIT', 'CONCATENATION'],
  mlp: ['LOG_SOFTMAX', 'SOFTMAX', 'EXP', 'LOG', 'SUM'],
  audio: ['LEAKY_RELU', 'ELU', 'AVERAGE_POOL_2D', 'DEPTHWISE_CONV_2D'],
  unet: ['TRANSPOSE_CONV', 'MIRROR_PAD', 'RESIZE_NEAREST_NEIGHBOR', 'RESIZE_BILINEAR'],
  sequence: ['UNIDIRECTIONAL_SEQUENCE_LSTM', 'GATHER'],
  opset18: ['MEAN', 'SPLIT_V', 'PADV2', 'REDUCE_MAX'],
  opset20_gelu: ['GELU'],
  transformer: ['GELU', 'BATCH_MATMUL', 'SOFTMAX', 'SQRT', 'MEAN'],
  transformer_opset17: ['GELU', 'BATCH_MATMUL', 'RSQRT'],
};

for (const [name, ioLayout] of Object.entries(MODELS)) {
  test(`PyTorch ${name}: edgefit and TFLite match PyTorch`, async () => {
    const { model } = await importModel(new Uint8Array(readFileSync(join(FIXTURES, `${name}.onnx`))), { ioLayout });
    const io = (a: Arr) => (ioLayout === 'source' ? a : channelsLast(a));
    const inputs = arrays(name, 'input').map(io);
    const expected = arrays(name, 'output').map(io);
    const graph = model.graphs[0]!;
    for (const type of EXPECTED_OPS[name] ?? []) assert.ok(graph.ops.some((op) => op.type === type), `${name} has ${type}`);
    assert.deepEqual(graph.inputs.map((t) => t.shape), inputs.map((a) => a.shape));
    assert.deepEqual(graph.outputs.map((t) => t.shape), expected.map((a) => a.shape));
    const ours = compareOutputs(new Interpreter(model).invoke(inputs.map((a) => a.data)) as Float32Array[], expected.map((a) => a.data), {}, `${name} edgefit`);
    const oracle = await (await loadTfliteOracle()).load(writeTflite(model));
    try {
      const theirs = compareOutputs(oracle.run(inputs.map((a) => a.data)) as Float32Array[], expected.map((a) => a.data), {}, `${name} TFLite`);
      const transposes = graph.ops.filter((op) => op.type === 'TRANSPOSE').length;
      console.log(`# ${name}: ${graph.ops.length} ops, ${transposes} TRANSPOSE; worst diff vs expected: edgefit ${ours.worst.toExponential(2)}, TFLite ${theirs.worst.toExponential(2)}`);
    } finally {
      oracle.dispose();
    }
  });
}

test('the CNN converts without a single TRANSPOSE (layout tracked through BN, residual add, pools, flatten)', async () => {
  const { model } = await importModel(new Uint8Array(readFileSync(join(FIXTURES, 'cnn.onnx'))));
  const types = model.graphs[0]!.ops.map((op) => op.type);
  assert.equal(types.filter((t) => t === 'TRANSPOSE').length, 0, types.join(' '));
  assert.ok(types.includes('DEPTHWISE_CONV_2D') && types.includes('FULLY_CONNECTED') && types.includes('MEAN'));
});

test('ioLayout source keeps NCHW at the boundary (one transpose in, one out, none inside)', async () => {
  const { model } = await importModel(new Uint8Array(readFileSync(join(FIXTURES, 'cnn.onnx'))), { ioLayout: 'source' });
  const g = model.graphs[0]!;
  assert.deepEqual(g.inputs[0]!.shape, [1, 3, 32, 32]);
  assert.equal(g.ops.filter((op) => op.type === 'TRANSPOSE').length, 1);
  const x = npy('cnn.input0.npy');
  compareOutputs(new Interpreter(model).invoke([x.data]) as Float32Array[], [npy('cnn.output0.npy').data], {}, 'cnn source layout');
});

function editedCnn(edit: (g: onnxProto.onnx.GraphProto) => void): Uint8Array {
  const m = onnx.ModelProto.decode(new Uint8Array(readFileSync(join(FIXTURES, 'cnn.onnx'))));
  edit(m.graph as onnxProto.onnx.GraphProto);
  return onnx.ModelProto.encode(m).finish();
}

test('errors: truncated file, unsupported op, unknown dimensions', async () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'cnn.onnx')));
  await assert.rejects(importModel(bytes.subarray(0, bytes.length >> 1), { fileName: 'cnn.onnx' }), (e: unknown) =>
    e instanceof EdgefitError && (e.code === 'TRUNCATED' || e.code === 'MALFORMED'));

  const unsupported = editedCnn((g) => {
    const relu = g.node.find((n) => n.opType === 'Relu')!;
    relu.opType = 'Mish';
  });
  await assert.rejects(importModel(unsupported), (e: unknown) =>
    e instanceof EdgefitError && e.code === 'UNSUPPORTED' && /\(Mish\)/.test(e.message) && /operator Mish is not supported/.test(e.message) && /\[1,8,32,32\]/.test(e.message));

  const dynamic = editedCnn((g) => {
    const dims = g.input[0]!.type!.tensorType!.shape!.dim!;
    dims[2] = { dimParam: 'height' };
  });
  await assert.rejects(importModel(dynamic), (e: unknown) => e instanceof EdgefitError && e.code === 'UNSUPPORTED' && /unknown dimensions.*inputShapes/.test(e.message));
  // Given the shape, the same model converts.
  const { model } = await importModel(dynamic, { inputShapes: [[1, 3, 32, 32]] });
  assert.deepEqual(model.graphs[0]!.inputs[0]!.shape, [1, 32, 32, 3]);

  const batch = editedCnn((g) => (g.input[0]!.type!.tensorType!.shape!.dim![0] = { dimParam: 'batch' }));
  const { notes } = await importModel(batch);
  assert.ok(notes.some((n) => /unknown batch size set to 1/.test(n)));
});

test('damaged files: every byte-flipped copy converts or fails with an EdgefitError', async () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'cnn.onnx')));
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let k = 0; k < 200; k++) {
    const copy = bytes.slice();
    for (let f = 0; f < 4; f++) copy[next() % copy.length] = next() % 256;
    try {
      await importModel(copy, { fileName: 'cnn.onnx' });
    } catch (e) {
      assert.ok(e instanceof EdgefitError, `copy ${k}: ${(e as Error).stack}`);
    }
  }
});
