/**
 * The contract between the Keras model walker (Keras 2 .h5, Keras 3 .keras, TF.js layers models: all
 * the same layer config JSON) and the per-layer lowerings. A lowering turns one layer, given its input
 * tensors (batch dimension included, static shapes) and its weights, into TFLite ops on the builder and
 * returns the layer's output tensors.
 */
import type { GraphBuilder } from '../../ir/graph-builder.js';
import type { Tensor } from '../../ir/model.js';

export interface KerasLayer {
  /** `Dense`, `Conv2D`, … (Keras 3 module prefixes removed). */
  className: string;
  name: string;
  /** The layer's `config` object as saved (snake_case keys, as Keras and TF.js write them). */
  config: Record<string, any>;
}

export interface KerasWeight {
  /** Short name: `kernel`, `bias`, `recurrent_kernel`, `gamma`, `moving_mean`… (or the index as a string when the file has no names). */
  name: string;
  shape: number[];
  values: Float32Array;
  /** Where the weight sits below the layer (`forward_lstm/kernel`, `cell/vars/0`): tells nested weights apart. */
  path?: string;
}

/** Which writer saved the config: decides the few layers whose math differs between them (hard_sigmoid, UpSampling2D bilinear). */
export type KerasSource = 'keras2' | 'keras3' | 'tfjs';

export interface LayerContext {
  readonly b: GraphBuilder;
  readonly layer: KerasLayer;
  /** The layer's weights in Keras order (e.g. Dense: kernel, bias; LSTM: kernel, recurrent_kernel, bias). */
  readonly weights: KerasWeight[];
  /** Which writer saved the model (absent: Keras 2 semantics). */
  readonly source?: KerasSource;
  /** Applies a Keras activation given by name (`linear` returns x). */
  activation(x: Tensor, name: string): Tensor;
  /** Records something the user should know (a dropped layer, an approximation). */
  note(message: string): void;
}

export type LowerLayer = (ctx: LayerContext, inputs: Tensor[]) => Tensor[];
