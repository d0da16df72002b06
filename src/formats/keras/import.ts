/**
 * Keras models: Keras 2 HDF5 (.h5: `model_config` attribute + `model_weights/<layer>` groups whose
 * `weight_names` name the datasets) and Keras 3 zip (.keras: config.json, metadata.json and
 * model.weights.h5 with `layers/<snake_case class>[_n]/vars/<index>`, nesting further for sub-layers).
 */
import { unzipSync } from 'fflate';
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';
import { sourceOfVersion } from '../tfjs/layers-model.js';
import { datasetFloats, stringAttr, stringListAttr, withHdf5, type H5Dataset, type H5Group } from './hdf5.js';
import type { KerasLayer, KerasWeight } from './layer.js';
import { lowerKerasModel, NamedWeightStore, type WeightStore } from './model.js';

function parseJson(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EdgefitError('MALFORMED', `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

async function importH5(bytes: Uint8Array, options: ImportOptions): Promise<ImportResult> {
  const { topology, version, store } = await withHdf5(bytes, 'Keras .h5', (root, h5) => {
    const configText = stringAttr(root, 'model_config');
    if (!configText)
      throw new EdgefitError('UNSUPPORTED', 'this .h5 has no model_config: it holds weights only (save_weights) or is not a Keras model; save the whole model with model.save');
    const weightsRoot = root.get('model_weights') ?? root;
    if (!(weightsRoot instanceof h5.Group)) throw new EdgefitError('MALFORMED', 'model_weights is not a group');
    const store = new NamedWeightStore();
    for (const layerName of stringListAttr(weightsRoot, 'layer_names')) {
      const group = weightsRoot.get(layerName);
      if (!(group instanceof h5.Group)) throw new EdgefitError('MALFORMED', `model_weights/${layerName} is listed in layer_names but missing`);
      for (const weightName of stringListAttr(group, 'weight_names')) {
        const where = `model_weights/${layerName}/${weightName}`;
        const ds = group.get(weightName);
        if (!(ds instanceof h5.Dataset)) throw new EdgefitError('MALFORMED', `${where} is listed in weight_names but missing`);
        const { shape, values } = datasetFloats(ds, where);
        const path = weightName.replace(/:\d+$/, '').split('/');
        store.add(path[0] === layerName ? path : [layerName, ...path], shape, values);
      }
    }
    return { topology: parseJson(configText, 'model_config'), version: stringAttr(root, 'keras_version') ?? stringAttr(weightsRoot, 'keras_version'), store };
  });
  const { model, notes } = lowerKerasModel(topology, store, {
    source: sourceOfVersion(version ?? '2'),
    inputShapes: options.inputShapes,
    description: `Keras ${version ?? '2'} model (.h5)`,
  });
  return { model, format: 'keras-h5', notes };
}

/** Keras 3 addresses a layer's variables by its snake_case class name, numbered per class in layer order (saving_lib). */
function snakeCase(name: string): string {
  return name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Variables of a Keras 3 weights file by the path of their `vars` group's parent (`layers/dense_1`). */
type VarsByPath = Map<string, KerasWeight[]>;

class Keras3Store implements WeightStore {
  private readonly paths = new Map<string, string>();

  constructor(private readonly vars: VarsByPath, private readonly base: string, layers: unknown) {
    const used = new Map<string, number>();
    for (const entry of Array.isArray(layers) ? layers : []) {
      const className = String(entry?.class_name ?? '');
      const snake = snakeCase(className);
      const n = used.get(snake);
      used.set(snake, (n ?? -1) + 1);
      this.paths.set(String(entry?.name ?? entry?.config?.name), `${base}/${n === undefined ? snake : `${snake}_${n + 1}`}`);
    }
  }

  private path(layer: KerasLayer): string {
    return this.paths.get(layer.name) ?? `${this.base}/${snakeCase(layer.className)}`;
  }

  /** The layer's own variables, then its sub-objects' (a forward RNN before its backward twin, as Keras lists them). */
  weights(layer: KerasLayer): KerasWeight[] {
    const path = this.path(layer);
    const order = (p: string) => p.replace('/forward_layer', '/0').replace('/backward_layer', '/1');
    const keys = [...this.vars.keys()].filter((k) => k === path || k.startsWith(`${path}/`)).sort((a, b) => (order(a) < order(b) ? -1 : 1));
    return keys.flatMap((k) => this.vars.get(k)!.map((w) => ({ ...w, path: `${k.slice(path.length + 1)}${k === path ? '' : '/'}vars/${w.name}` })));
  }

  nested(layer: KerasLayer): WeightStore {
    return new Keras3Store(this.vars, `${this.path(layer)}/layers`, layer.config.layers);
  }
}

function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes);
  } catch (e) {
    throw new EdgefitError('TRUNCATED', `.keras archive is not a readable zip (${(e as Error).message})`);
  }
}

async function importKeras3(bytes: Uint8Array, options: ImportOptions): Promise<ImportResult> {
  const files = unzip(bytes);
  const text = (name: string) => (files[name] ? new TextDecoder().decode(files[name]) : undefined);
  const configText = text('config.json');
  if (!configText) throw new EdgefitError('MALFORMED', `.keras archive has no config.json (it holds ${Object.keys(files).join(', ') || 'nothing'})`);
  const topology = parseJson(configText, 'config.json');
  const metadata = text('metadata.json');
  const version: string = (metadata ? parseJson(metadata, 'metadata.json').keras_version : undefined) ?? '3';
  const weightsFile = files['model.weights.h5'];
  if (!weightsFile && files['model.weights.npz']) throw new EdgefitError('UNSUPPORTED', '.keras archive stores its weights as npz; only model.weights.h5 is read');
  const vars: VarsByPath = new Map();
  if (weightsFile) {
    await withHdf5(weightsFile, 'model.weights.h5', (root, h5) => {
      const walk = (group: H5Group, path: string) => {
        for (const key of group.keys()) {
          const child = group.get(key);
          if (!(child instanceof h5.Group)) continue;
          if (key === 'vars') {
            const names = child.keys().sort((a, b) => Number(a) - Number(b));
            vars.set(path, names.map((name) => {
              const ds = child.get(name);
              if (!(ds instanceof h5.Dataset)) throw new EdgefitError('MALFORMED', `${path}/vars/${name} is not a dataset`);
              return { name, ...datasetFloats(ds as H5Dataset, `${path}/vars/${name}`) };
            }));
          } else walk(child, path ? `${path}/${key}` : key);
        }
      };
      walk(root, '');
    });
  }
  const store = new Keras3Store(vars, 'layers', topology?.config?.layers);
  const { model, notes } = lowerKerasModel(topology, store, {
    source: sourceOfVersion(version),
    inputShapes: options.inputShapes,
    description: `Keras ${version} model (.keras)`,
  });
  return { model, format: 'keras-v3', notes };
}

export async function importKeras(bytes: Uint8Array, format: 'keras-h5' | 'keras-v3', options: ImportOptions): Promise<ImportResult> {
  return format === 'keras-h5' ? importH5(bytes, options) : importKeras3(bytes, options);
}
