/**
 * One entry point for every model format edgefit reads. The format is detected from the bytes (the
 * file name only breaks ties), then the format's importer lowers the model into the one IR (TFLite
 * semantics: NHWC, TFLite weight layouts, builtin ops).
 */
import { EdgefitError } from '../ir/errors.js';
import type { Model } from '../ir/model.js';
import { readTflite } from './tflite/reader.js';
import type { ReadRelative } from './tfjs/weights.js';
import { importKeras } from './keras/import.js';
import { importTfjs } from './tfjs/import.js';
import { importOnnx } from './onnx/import.js';

export type ModelFormat = 'tflite' | 'keras-h5' | 'keras-v3' | 'tfjs-layers' | 'tfjs-graph' | 'onnx';

export interface ImportOptions {
  /** Shapes for the graph inputs, in input order and in the source's own layout (NCHW for ONNX), where the source leaves dimensions unknown (an unknown batch alone becomes 1). */
  inputShapes?: number[][];
  /**
   * Layout at the graph boundary for sources in channels-first layout (ONNX): `channels-last` (default)
   * makes rank-3/4/5 activations at the inputs and outputs NWC/NHWC/NDHWC, what TFLite kernels and
   * device code expect; `source` keeps the source's own layout there (inner ops are NHWC either way).
   */
  ioLayout?: 'channels-last' | 'source';
  /** Reads a file the model names relative to itself (TF.js weight shards). */
  readRelative?: ReadRelative;
  /** The file name, used only when the content does not decide the format. */
  fileName?: string;
}

export interface ImportResult {
  model: Model;
  format: ModelFormat;
  /** What the importer did that a user should know: dropped layers, layout decisions, folded inputs. */
  notes: string[];
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  return bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
}

/** The format of a model file, from its content (HDF5 signature, zip, TFL3 identifier, JSON, protobuf). */
export function detectFormat(bytes: Uint8Array, fileName = ''): ModelFormat {
  // HDF5 may sit behind a user block of 512·2^k bytes.
  for (let at = 0; at <= Math.min(bytes.length, 1 << 20); at = at ? at * 2 : 512) if (startsWith(bytes, HDF5_SIGNATURE, at)) return 'keras-h5';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'keras-v3';
  if (startsWith(bytes, [0x54, 0x46, 0x4c, 0x33], 4)) return 'tflite';
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  if (bytes[i] === 0x7b /* { */) {
    let json: { format?: string; modelTopology?: { node?: unknown } };
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new EdgefitError('MALFORMED', `${fileName || 'input'} looks like JSON but does not parse: ${(e as Error).message}`);
    }
    if (json.format === 'graph-model' || json.modelTopology?.node) return 'tfjs-graph';
    if (json.modelTopology) return 'tfjs-layers';
    throw new EdgefitError('UNSUPPORTED', `${fileName || 'input'} is JSON but not a TF.js model.json (no modelTopology)`);
  }
  // ONNX ModelProto: field 1 ir_version (varint, tag 0x08) comes first in every exporter we know.
  if (bytes[0] === 0x08 || /\.onnx$/i.test(fileName)) return 'onnx';
  if (/\.tflite$/i.test(fileName)) return 'tflite';
  throw new EdgefitError('UNSUPPORTED', `${fileName || 'input'}: not a model edgefit reads (TFLite, Keras .h5/.keras, TF.js model.json, ONNX)`);
}

/** Reads any supported model into the IR. */
export async function importModel(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
  const format = detectFormat(bytes, options.fileName);
  switch (format) {
    case 'tflite':
      return { model: readTflite(bytes), format, notes: [] };
    case 'keras-h5':
    case 'keras-v3':
      return importKeras(bytes, format, options);
    case 'tfjs-layers':
    case 'tfjs-graph':
      return importTfjs(bytes, format, options);
    case 'onnx':
      return importOnnx(bytes, options);
  }
}
