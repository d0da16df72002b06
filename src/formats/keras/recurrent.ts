/** Recurrent Keras layers (LSTM, GRU, SimpleRNN), Embedding, TimeDistributed, Bidirectional. */
import type { LowerLayer } from './layer.js';

export const RECURRENT_LAYERS: Record<string, LowerLayer> = {};
