/** TF.js layers models: the Keras layer config JSON plus a weights manifest; lowered by the Keras lowering. */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';
import type { KerasSource } from '../keras/layer.js';
import { lowerKerasModel, NamedWeightStore } from '../keras/model.js';
import { decodeWeights, type WeightGroup } from './weights.js';

/** TF.js itself writes `tfjs-layers x.y.z`; models converted from Keras keep the Keras version. */
export function sourceOfVersion(version: unknown): KerasSource {
  const v = String(version ?? '');
  return v.startsWith('tfjs') || v === '' ? 'tfjs' : v.startsWith('3') ? 'keras3' : 'keras2';
}

export async function importTfjsLayers(json: Record<string, any>, options: ImportOptions): Promise<ImportResult> {
  const topology = json.modelTopology;
  if (!topology || typeof topology !== 'object') throw new EdgefitError('MALFORMED', 'model.json: modelTopology is missing');
  const modelConfig = topology.model_config ?? topology;
  const manifest: WeightGroup[] = json.weightsManifest ?? [];
  const shards = manifest.flatMap((g) => g.paths ?? []);
  if (shards.length && !options.readRelative)
    throw new EdgefitError('INVALID_ARGUMENT', `model.json names weight files (${shards.join(', ')}) but no way to read them was given (readRelative)`);
  const decoded = await decodeWeights(manifest, options.readRelative ?? (() => new Uint8Array()));
  const store = new NamedWeightStore();
  for (const w of decoded.values()) {
    if (!(w.values instanceof Float32Array)) continue; // int/bool weights (e.g. Normalization's count) feed no lowering
    store.add(w.name.split('/'), w.shape, w.values);
  }
  const version = topology.keras_version ?? modelConfig.keras_version ?? json.generatedBy;
  const { model, notes } = lowerKerasModel(modelConfig, store, {
    source: sourceOfVersion(version),
    inputShapes: options.inputShapes,
    description: `TF.js layers model (${version ?? 'unknown version'})`,
  });
  return { model, format: 'tfjs-layers', notes };
}
