/** `edgefit convert` on real imported models: format from content, simplification report, verified output, refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers/cli.js';
import { readTflite } from '../src/formats/tflite/reader.js';
import { loadTfliteOracle } from './helpers/tflite-oracle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'onnx', name);
const tmp = () => mkdtempSync(join(tmpdir(), 'edgefit-convert-'));

test('convert a PyTorch-exported ONNX CNN: detected by content (no .onnx extension), simplified, NHWC, loads in real TFLite', async () => {
  const dir = tmp();
  const input = join(dir, 'exported-model.bin');
  copyFileSync(fixture('cnn.onnx'), input);
  const out = join(dir, 'cnn.tflite');
  const r = await runCli('convert', input, '-o', out, '--json');
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out);
  assert.equal(report.format, 'onnx');
  assert.ok(report.opsWritten <= report.opsImported);
  assert.equal(report.inputs[0].shape.length, 4);
  const model = readTflite(new Uint8Array(readFileSync(out)));
  assert.ok(!model.graphs[0]!.ops.some((o) => o.type === 'TRANSPOSE'), 'no layout transposes');
  assert.ok(model.graphs[0]!.ops.every((o) => o.type !== 'MUL' || !o.inputs.some((t) => t?.data)), 'BatchNorm folded away');
  const oracle = await loadTfliteOracle();
  const loaded = await oracle.load(new Uint8Array(readFileSync(out)));
  loaded.dispose();
  assert.deepEqual(readdirSync(dir).sort(), ['cnn.tflite', 'exported-model.bin']);
});

test('convert prints the simplification report and the import notes', async () => {
  const dir = tmp();
  const r = await runCli('convert', fixture('mobile_block.onnx'), '-o', join(dir, 'm.tflite'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\(onnx, [\d.]+ KiB\) →/);
  assert.match(r.out, /simplify: \d+ → \d+ ops/);
  assert.match(r.out, /foldBatchNorm/);
  assert.match(r.out, /verified/);
});

test('convert refuses a truncated ONNX file and an unknown format, writing nothing', async () => {
  const dir = tmp();
  const truncated = join(dir, 'cut.onnx');
  writeFileSync(truncated, readFileSync(fixture('cnn.onnx')).subarray(0, 300));
  const out = join(dir, 'out.tflite');
  const r = await runCli('convert', truncated, '-o', out);
  assert.equal(r.code, 1);
  assert.match(r.err, /error \[(TRUNCATED|MALFORMED)\]/);
  assert.ok(!existsSync(out));
  const junk = join(dir, 'notes.txt');
  writeFileSync(junk, 'hello');
  const j = await runCli('convert', junk, '-o', out);
  assert.equal(j.code, 1);
  assert.match(j.err, /not a model edgefit reads/);
  assert.ok(!existsSync(out));
  const bad = await runCli('convert', fixture('cnn.onnx'), '-o', out, '--input-shape', '1,x');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--input-shape/);
});
