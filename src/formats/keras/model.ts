/**
 * Walks a Keras model config (Sequential or Functional; Keras 2, Keras 3 and TF.js spellings) and lowers
 * each layer call into the IR through the layer table. Nested models are inlined.
 */
import { EdgefitError, at } from '../../ir/errors.js';
import { GraphBuilder } from '../../ir/graph-builder.js';
import type { Graph, Model, Op, Tensor } from '../../ir/model.js';
import { applyActivation } from './activations.js';
import { CORE_LAYERS } from './core-layers.js';
import type { KerasLayer, KerasSource, KerasWeight, LayerContext, LowerLayer } from './layer.js';
import { recurrentLayers } from './recurrent.js';

// TimeDistributed may wrap any layer this table lowers (the recurrent table is given the whole table).
export const KERAS_LAYERS: Record<string, LowerLayer> = { ...CORE_LAYERS };
Object.assign(KERAS_LAYERS, recurrentLayers({ innerLayers: KERAS_LAYERS }));

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Where a layer's weights come from; nested models get a store of their own. */
export interface WeightStore {
  weights(layer: KerasLayer): KerasWeight[];
  nested(layer: KerasLayer): WeightStore;
}

export interface LowerModelOptions {
  source: KerasSource;
  inputShapes?: number[][] | undefined;
  description: string;
}

/** A layer entry of a config: class name without module prefixes, its name, config and inbound nodes. */
interface LayerEntry extends KerasLayer {
  inbound: unknown[];
}

type Ref = { layer: string; node: number; tensor: number };

function parseLayer(entry: any, where: string): LayerEntry {
  if (!entry || typeof entry !== 'object' || typeof entry.class_name !== 'string')
    throw new EdgefitError('MALFORMED', `${where} is not a layer config ({class_name, config})`);
  const registered = typeof entry.registered_name === 'string' ? entry.registered_name : '';
  const className = (registered.includes('>') ? registered : entry.class_name).split(/[>.]/).pop()!;
  const config = entry.config ?? {};
  return { className, name: String(entry.name ?? config.name ?? className), config, inbound: entry.inbound_nodes ?? [] };
}

const isRefTriple = (v: unknown): v is [string, number, number] =>
  Array.isArray(v) && v.length >= 3 && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number';

/** The tensors one inbound node reads, in order: Keras 2 / TF.js `[[layer, node, tensor, kwargs], …]`, Keras 3 `{args, kwargs}`. */
function nodeRefs(node: unknown): Ref[] {
  const refs: Ref[] = [];
  const visit = (v: unknown): void => {
    if (isRefTriple(v)) refs.push({ layer: v[0], node: v[1], tensor: v[2] });
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as { class_name?: string; config?: { keras_history?: unknown }; args?: unknown; kwargs?: unknown };
      if (o.class_name === '__keras_tensor__') {
        const h = o.config?.keras_history;
        if (isRefTriple(h)) refs.push({ layer: h[0], node: h[1], tensor: h[2] });
      } else if ('args' in o) {
        visit(o.args);
        visit(o.kwargs);
      } else Object.values(o).forEach(visit);
    }
  };
  visit(node);
  return refs;
}

/** input_layers / output_layers: one [layer, node, tensor] triple, a list of them, or a dict of them. */
function endpointRefs(value: unknown, what: string): Ref[] {
  if (isRefTriple(value)) return [{ layer: value[0], node: value[1], tensor: value[2] }];
  const list = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : null;
  if (!list) throw new EdgefitError('MALFORMED', `${what} ${JSON.stringify(value)} lists no tensors`);
  return list.flatMap((v) => endpointRefs(v, what));
}

const refKey = (r: Ref) => `${r.layer}:${r.node}:${r.tensor}`;
const describe = (t: Tensor) => `${t.name} [${t.shape.join(', ')}]`;

class Lowering {
  readonly b = new GraphBuilder();
  readonly notes: string[] = [];
  private graphInputs = 0;

  constructor(private readonly options: LowerModelOptions) {}

  /** A graph input from a Keras shape with unknown dimensions (batch → 1; others from options.inputShapes). */
  input(name: string, kerasShape: unknown): Tensor {
    const index = this.graphInputs++;
    if (!Array.isArray(kerasShape)) throw new EdgefitError('MALFORMED', `input '${name}' has no shape (batch_input_shape / batch_shape)`);
    const given = this.options.inputShapes?.[index];
    if (given) {
      if (given.length !== kerasShape.length || given.some((d, i) => kerasShape[i] != null && kerasShape[i] !== d))
        throw new EdgefitError('INVALID_ARGUMENT', `input '${name}': the given shape [${given}] does not fit the model's [${kerasShape.map((d) => d ?? '?').join(', ')}]`);
      return this.b.input(name, given);
    }
    const shape = kerasShape.map((d, i) => (d == null && i === 0 ? 1 : d));
    if (shape.some((d) => d == null))
      throw new EdgefitError('INVALID_ARGUMENT', `input '${name}' has unknown dimensions [${kerasShape.map((d) => d ?? '?').join(', ')}]: give its full shape with inputShapes (--input-shape), input ${index}`);
    return this.b.input(name, shape as number[]);
  }

  /** Lowers one call of a layer (a nested model is inlined); its outputs carry the layer's Keras name. */
  call(layer: LayerEntry, inputs: Tensor[], store: WeightStore): Tensor[] {
    const shapes = inputs.map((t) => `[${t.shape.join(', ')}]`).join(', ');
    return at(`layer '${layer.name}' (${layer.className}${inputs.length ? `, inputs ${shapes}` : ''})`, () => {
      const first = this.b.graph.tensors.length;
      const outputs = MODEL_CLASSES.has(layer.className) ? this.model(layer.className, layer.config, store.nested(layer), inputs) : this.lowerLayer(layer, inputs, store);
      outputs.forEach((t, i) => {
        if (this.b.graph.tensors.indexOf(t) >= first) t.name = this.b.uniqueName(outputs.length > 1 ? `${layer.name}:${i}` : layer.name);
      });
      return outputs;
    });
  }

  private lowerLayer(layer: LayerEntry, inputs: Tensor[], store: WeightStore): Tensor[] {
    const lower = KERAS_LAYERS[layer.className];
    if (!lower) {
      const hint = layer.className in RECURRENT_LAYER_NAMES ? ' (recurrent layers are not built into this edgefit)' : '';
      throw new EdgefitError('UNSUPPORTED', `layer type ${layer.className} is not supported${hint}; inputs ${inputs.map(describe).join(', ') || 'none'}`);
    }
    try {
      return lower(this.context(layer, store), inputs);
    } catch (e) {
      if (e instanceof EdgefitError) throw e;
      // A config the lowering did not expect (a missing or odd-typed field) is the file's problem, not a crash.
      throw new EdgefitError('MALFORMED', `config ${JSON.stringify(layer.config).slice(0, 200)} could not be lowered: ${(e as Error).message}`);
    }
  }

  private context(layer: LayerEntry, store: WeightStore): LayerContext {
    return {
      b: this.b,
      layer: { className: layer.className, name: layer.name, config: layer.config },
      weights: store.weights(layer),
      source: this.options.source,
      activation: (x, name) => applyActivation(this.b, x, name, layer.name, this.options.source),
      note: (m) => this.notes.push(m),
    };
  }

  /** Lowers a Sequential or Functional config; `given` are the tensors a nested model is called on. */
  model(className: string, config: any, store: WeightStore, given?: Tensor[]): Tensor[] {
    if (className === 'Sequential') return this.sequential(config, store, given);
    if (!config || !Array.isArray(config.layers)) throw new EdgefitError('MALFORMED', `${className} config has no layers list`);
    return this.functional(config, store, given);
  }

  private sequential(config: any, store: WeightStore, given?: Tensor[]): Tensor[] {
    const list: unknown[] = Array.isArray(config) ? config : config?.layers;
    if (!Array.isArray(list)) throw new EdgefitError('MALFORMED', 'Sequential config has no layers list');
    const layers = list.map((l, i) => parseLayer(l, `layers[${i}]`));
    if (!layers.length) throw new EdgefitError('MALFORMED', 'Sequential model has no layers');
    let x: Tensor[];
    const first = layers[0]!;
    if (given) x = given;
    else if (first.className === 'InputLayer') x = [this.input(first.name, first.config.batch_input_shape ?? first.config.batch_shape)];
    else {
      const shape = first.config.batch_input_shape ?? first.config.batch_shape ?? config.build_input_shape ?? (config.build_config?.input_shape);
      x = [this.input(`${first.name}_input`, shape)];
    }
    for (const layer of layers) if (layer.className !== 'InputLayer') x = this.call(layer, x, store);
    return x;
  }

  private functional(config: any, store: WeightStore, given?: Tensor[]): Tensor[] {
    const layers = (config.layers as unknown[]).map((l, i) => parseLayer(l, `layers[${i}]`));
    const byName = new Map(layers.map((l) => [l.name, l]));
    const produced = new Map<string, Tensor>();
    const inputRefs = endpointRefs(config.input_layers, 'input_layers');
    if (given && given.length !== inputRefs.length)
      throw new EdgefitError('MALFORMED', `nested model '${config.name}' takes ${inputRefs.length} inputs but is called with ${given.length}`);
    inputRefs.forEach((r, i) => {
      const layer = byName.get(r.layer);
      if (!layer) throw new EdgefitError('MALFORMED', `input_layers names '${r.layer}', which is not a layer of the model`);
      produced.set(refKey(r), given ? given[i]! : this.input(layer.name, layer.config.batch_input_shape ?? layer.config.batch_shape));
    });
    // Every (layer, node) call in config order, retried until its inputs exist (a shared layer may be called before its producers appear).
    const nodeOffset = (l: LayerEntry) => (MODEL_CLASSES.has(l.className) ? 1 : 0);
    let pending = layers.filter((l) => l.className !== 'InputLayer').flatMap((l) => l.inbound.map((node, k) => ({ layer: l, node, index: k + nodeOffset(l) })));
    for (const layer of layers) if (layer.inbound.length > 1 && layer.className !== 'InputLayer')
      this.notes.push(`layer '${layer.name}' is called ${layer.inbound.length} times: each call is lowered with its own copy of the weights`);
    while (pending.length) {
      const waiting: typeof pending = [];
      for (const call of pending) {
        const refs = nodeRefs(call.node);
        if (!refs.every((r) => produced.has(refKey(r)))) {
          waiting.push(call);
          continue;
        }
        const outputs = this.call(call.layer, refs.map((r) => produced.get(refKey(r))!), store);
        outputs.forEach((t, i) => produced.set(refKey({ layer: call.layer.name, node: call.index, tensor: i }), t));
      }
      if (waiting.length === pending.length) {
        const { layer, node } = waiting[0]!;
        const missing = nodeRefs(node).filter((r) => !produced.has(refKey(r))).map(refKey);
        throw new EdgefitError('MALFORMED', `layer '${layer.name}' (${layer.className}) reads tensors no layer produces: ${missing.join(', ')}`);
      }
      pending = waiting;
    }
    return endpointRefs(config.output_layers, 'output_layers').map((r) => {
      const t = produced.get(refKey(r));
      if (!t) throw new EdgefitError('MALFORMED', `output_layers names ${refKey(r)}, which no layer produces`);
      return t;
    });
  }
}

const RECURRENT_LAYER_NAMES = { LSTM: 1, GRU: 1, SimpleRNN: 1, Embedding: 1, TimeDistributed: 1, Bidirectional: 1, ConvLSTM2D: 1 };

/** Lowers a whole model config ({class_name, config}) into a single-graph IR model. */
export function lowerKerasModel(topology: any, store: WeightStore, options: LowerModelOptions): { model: Model; notes: string[] } {
  if (!topology || typeof topology !== 'object' || typeof topology.class_name !== 'string')
    throw new EdgefitError('MALFORMED', 'the model config is not {class_name, config}');
  const className = parseLayer(topology, 'model').className;
  if (!MODEL_CLASSES.has(className))
    throw new EdgefitError('UNSUPPORTED', `the model is a ${className}, not a Sequential or Functional model (subclassed models keep no config)`);
  const lowering = new Lowering(options);
  const outputs = lowering.model(className, topology.config, store);
  const seen = new Set<Tensor>();
  for (const t of outputs) {
    if (seen.has(t)) throw new EdgefitError('UNSUPPORTED', `output ${t.name} is listed twice`);
    seen.add(t);
    if (lowering.b.graph.inputs.includes(t)) throw new EdgefitError('UNSUPPORTED', `output ${t.name} is a model input passed straight through`);
    lowering.b.output(t);
  }
  pruneDeadOps(lowering.b.graph, lowering.notes);
  return { model: lowering.b.finish(options.description), notes: lowering.notes };
}

/** Drops ops whose results reach no output (layers off the output path): TFLite has been seen to fail on dead tensors. */
function pruneDeadOps(graph: Graph, notes: string[]): void {
  const live = new Set<Tensor>([...graph.outputs, ...graph.inputs]);
  const kept = graph.ops.reduceRight<Op[]>((acc, op) => {
    if (!op.outputs.some((t) => live.has(t))) return acc;
    for (const t of op.inputs) if (t) live.add(t);
    for (const t of op.outputs) live.add(t);
    return [op, ...acc];
  }, []);
  if (kept.length === graph.ops.length) return;
  notes.push(`${graph.ops.length - kept.length} ops that reach no model output were dropped`);
  graph.ops = kept;
  graph.tensors = graph.tensors.filter((t) => live.has(t));
}

/**
 * A store over weights listed by path (`dense/kernel`, `model/dense/kernel`): a layer's weights are those
 * under `<prefix><layer name>/`, in the order added; each keeps its path below the layer.
 */
export class NamedWeightStore implements WeightStore {
  constructor(private readonly byPrefix = new Map<string, KerasWeight[]>(), private readonly prefix = '') {}

  /** Adds a weight under every leading path of its name, so nested models and layers find it. */
  add(path: string[], shape: number[], values: Float32Array): void {
    for (let k = 1; k < path.length; k++) {
      const key = path.slice(0, k).join('/');
      const weight = { name: path[path.length - 1]!, shape, values, path: path.slice(k).join('/') };
      (this.byPrefix.get(key) ?? this.byPrefix.set(key, []).get(key)!).push(weight);
    }
  }

  /** Under the nested model's path (Keras 2 .h5), else by the bare layer name (TF.js names nested layers' weights without the model). */
  weights(layer: KerasLayer): KerasWeight[] {
    return this.byPrefix.get(this.prefix + layer.name) ?? this.byPrefix.get(layer.name) ?? [];
  }

  nested(layer: KerasLayer): WeightStore {
    return new NamedWeightStore(this.byPrefix, `${this.prefix}${layer.name}/`);
  }
}
