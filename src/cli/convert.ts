import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import { importModel, type ImportOptions, type ModelFormat } from '../formats/import.js';
import { readTflite } from '../formats/tflite/reader.js';
import { writeTflite } from '../formats/tflite/writer.js';
import { diffModels } from '../ir/compare.js';
import { EdgefitError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import type { PassReport } from '../passes/pass.js';
import { simplify } from '../passes/simplify/index.js';

import { allocateTensorArray, Interpreter } from '../runtime/interpreter.js';
import { randomTensor } from '../runtime/random-input.js';
import { bytes, shape } from './format.js';
import { readInput, samePath, writeFileAtomic } from './io.js';

export const usage =
  'edgefit convert <model.h5|.keras|model.json|.onnx|.tflite> -o <out.tflite> [--no-simplify|--simplify] [--fold-fp16] [--input-shape 1,224,224,3]… [--io-layout channels-last|source] [--force] [--json]';

/** `1,224,224,3` → [1, 224, 224, 3]. */
function parseShape(text: string): number[] {
  const dims = text.split(/[,x]/).map((d) => Number(d.trim()));
  if (!dims.length || dims.some((d) => !Number.isInteger(d) || d <= 0))
    throw new EdgefitError('INVALID_ARGUMENT', `--input-shape ${text}: expected positive integers like 1,224,224,3`);
  return dims;
}

/** Reads a file a model names relative to itself (TF.js weight shards), refusing paths that leave its folder. */
function relativeReader(modelPath: string) {
  const base = dirname(modelPath);
  return (path: string): Uint8Array => {
    const clean = normalize(path);
    if (isAbsolute(clean) || clean.startsWith('..')) throw new EdgefitError('INVALID_ARGUMENT', `weight path ${path} leaves the model's folder`);
    const full = join(base, clean);
    try {
      return new Uint8Array(readFileSync(full));
    } catch {
      throw new EdgefitError('IO', `weight file not found: ${full} (named by ${modelPath})`);
    }
  };
}

export interface ConvertReport {
  input: string;
  output: string;
  format: ModelFormat;
  inputBytes: number;
  outputBytes: number;
  opsImported: number;
  opsWritten: number;
  inputs: { name: string; shape: number[]; dtype: string }[];
  outputs: { name: string; shape: number[]; dtype: string }[];
  notes: string[];
  passes: PassReport[];
}

const io = (m: Model, which: 'inputs' | 'outputs') => m.graphs[0]![which].map((t) => ({ name: t.name, shape: [...t.shape], dtype: t.dtype }));

export async function convertCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' },
      simplify: { type: 'boolean' }, 'no-simplify': { type: 'boolean' }, 'fold-fp16': { type: 'boolean' },
      'input-shape': { type: 'string', multiple: true }, 'io-layout': { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !values.output) throw new EdgefitError('INVALID_ARGUMENT', `usage: ${usage}`);
  if (values.simplify && values['no-simplify']) throw new EdgefitError('INVALID_ARGUMENT', '--simplify and --no-simplify contradict each other');
  const layout = values['io-layout'];
  if (layout !== undefined && layout !== 'channels-last' && layout !== 'source')
    throw new EdgefitError('INVALID_ARGUMENT', `--io-layout ${layout}: expected channels-last or source`);
  const input = positionals[0]!;
  const output = values.output;
  if (samePath(input, output) && !values.force)
    throw new EdgefitError('INVALID_ARGUMENT', `output ${output} is the input file; pass --force to replace it`);
  const data = readInput(input);
  const options: ImportOptions = {
    fileName: input,
    readRelative: relativeReader(input),
    ...(values['input-shape'] ? { inputShapes: values['input-shape'].map(parseShape) } : {}),
    ...(layout ? { ioLayout: layout } : {}),
  };
  const imported = await importModel(data, options);
  const isTflite = imported.format === 'tflite';
  // A .tflite is re-written losslessly unless simplification is asked for; other formats are simplified unless refused.
  const doSimplify = isTflite ? !!values.simplify || !!values['fold-fp16'] : !values['no-simplify'];
  const { model, reports } = doSimplify ? simplify(imported.model, { foldFp16: !!values['fold-fp16'] }) : { model: imported.model, reports: [] };
  const written = writeTflite(model);
  // Prove the file says what the IR says, and that an imported model loads and runs, before anything is written.
  const diffs = diffModels(model, readTflite(written));
  if (diffs.length) throw new EdgefitError('MALFORMED', `written model differs from the converted one:\n  ${diffs.join('\n  ')}`);
  if (!isTflite) {
    const interpreter = new Interpreter(model);
    // Random floats; integer inputs (token ids, indices) stay zero so they are in range.
    interpreter.invoke(model.graphs[0]!.inputs.map((t, k) => (t.dtype === 'float32' ? randomTensor(t, k + 1) : allocateTensorArray(t))));
  }
  writeFileAtomic(output, written);
  const report: ConvertReport = {
    input, output, format: imported.format, inputBytes: data.length, outputBytes: written.length,
    opsImported: imported.model.graphs[0]?.ops.length ?? 0, opsWritten: model.graphs[0]?.ops.length ?? 0,
    inputs: io(model, 'inputs'), outputs: io(model, 'outputs'), notes: imported.notes, passes: reports,
  };
  if (values.json) return out(JSON.stringify(report, null, 2));
  out(`${input} (${imported.format}, ${bytes(data.length)}) → ${output} (${bytes(written.length)}, ${report.opsWritten} ops)${isTflite && !doSimplify ? ', lossless' : ''}`);
  for (const t of report.inputs) out(`  input  ${t.name} ${shape(t.shape)} ${t.dtype}`);
  for (const t of report.outputs) out(`  output ${t.name} ${shape(t.shape)} ${t.dtype}`);
  for (const note of report.notes) out(`  note: ${note}`);
  if (doSimplify) {
    out(`  simplify: ${report.opsImported} → ${report.opsWritten} ops`);
    for (const r of reports) out(`    ${r.pass.padEnd(20)} ${r.changed}`);
  }
  if (!isTflite) out('  verified: the written file reads back identically and runs in edgefit\'s interpreter');
}
