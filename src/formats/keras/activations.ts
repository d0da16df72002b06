/** Keras activations by name, as TFLite ops (builtins where TFLite has one, else a few primitive ops). */
import { EdgefitError } from '../../ir/errors.js';
import type { GraphBuilder } from '../../ir/graph-builder.js';
import type { Tensor } from '../../ir/model.js';
import type { KerasSource } from './layer.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const scalar = (b: GraphBuilder, name: string, v: number) => b.constant(name, Float32Array.of(v), []);

/** x·k + c with scalar constants (either step skipped when it is the identity). */
export function affine(b: GraphBuilder, x: Tensor, k: number, c: number, label: string): Tensor {
  const scaled = k === 1 ? x : b.op1('MUL', [x, scalar(b, `${label}/scale`, k)], {}, { names: [`${label}/mul`] });
  return c === 0 ? scaled : b.op1('ADD', [scaled, scalar(b, `${label}/offset`, c)], {}, { names: [`${label}/add`] });
}

/** min(max(x, lo), hi). */
export function clip(b: GraphBuilder, x: Tensor, lo: number, hi: number, label: string): Tensor {
  if (lo === 0 && hi === 6) return b.op1('RELU6', [x], {}, { names: [`${label}/relu6`] });
  if (lo === -1 && hi === 1) return b.op1('RELU_N1_TO_1', [x], {}, { names: [`${label}/clip`] });
  const low = lo === 0 ? b.op1('RELU', [x], {}, { names: [`${label}/relu`] }) : b.op1('MAXIMUM', [x, scalar(b, `${label}/lo`, lo)]);
  return b.op1('MINIMUM', [low, scalar(b, `${label}/hi`, hi)], {}, { names: [`${label}/clip`] });
}

/** elu(x) = x for x > 0, alpha·(exp(x) − 1) otherwise: TFLite's ELU for alpha 1, else max(x,0) + alpha·(exp(min(x,0)) − 1). */
export function elu(b: GraphBuilder, x: Tensor, alpha: number, label: string): Tensor {
  if (alpha === 1) return b.op1('ELU', [x], {}, { names: [`${label}/elu`] });
  const zero = scalar(b, `${label}/zero`, 0);
  const pos = b.op1('MAXIMUM', [x, zero]);
  const e = b.op1('EXP', [b.op1('MINIMUM', [x, zero])]);
  const neg = affine(b, e, alpha, -alpha, `${label}/neg`);
  return b.op1('ADD', [pos, neg], {}, { names: [`${label}/elu`] });
}

/** softplus(x) = log(1 + exp(x)), written as max(x,0) + log(1 + exp(−|x|)) so large |x| cannot overflow. */
function softplus(b: GraphBuilder, x: Tensor, label: string): Tensor {
  const e = b.op1('EXP', [b.op1('NEG', [b.op1('ABS', [x])])]);
  const l = b.op1('LOG', [b.op1('ADD', [e, scalar(b, `${label}/one`, 1)])]);
  return b.op1('ADD', [b.op1('RELU', [x]), l], {}, { names: [`${label}/softplus`] });
}

/** The activation's name from a config value: a string, or a Keras 3 serialized function object. */
export function activationName(value: unknown): string {
  if (value === undefined || value === null) return 'linear';
  if (typeof value === 'string') return value;
  const v = value as { class_name?: string; config?: unknown };
  if (typeof v.config === 'string') return v.config;
  if (typeof v.class_name === 'string') return v.class_name;
  throw new EdgefitError('MALFORMED', `activation ${JSON.stringify(value)} is neither a name nor a serialized function`);
}

/**
 * Applies the named activation. `source` decides hard_sigmoid: clip(0.2x + 0.5, 0, 1) in Keras 2 and TF.js,
 * relu6(x + 3)/6 in Keras 3.
 */
export function applyActivation(b: GraphBuilder, x: Tensor, name: string, label = x.name, source: KerasSource = 'keras2'): Tensor {
  switch (name) {
    case 'linear': case undefined: case null: return x;
    case 'relu': return b.op1('RELU', [x], {}, { names: [`${label}/relu`] });
    case 'relu6': return b.op1('RELU6', [x], {}, { names: [`${label}/relu6`] });
    case 'sigmoid': return b.op1('LOGISTIC', [x], {}, { names: [`${label}/sigmoid`] });
    case 'tanh': return b.op1('TANH', [x], {}, { names: [`${label}/tanh`] });
    case 'softmax': return b.op1('SOFTMAX', [x], { beta: 1 }, { names: [`${label}/softmax`] });
    case 'hard_swish': case 'hard_silu': return b.op1('HARD_SWISH', [x], {}, { names: [`${label}/hard_swish`] });
    case 'hard_sigmoid':
      return source === 'keras3' ? affine(b, clip(b, affine(b, x, 1, 3, label), 0, 6, label), 1 / 6, 0, `${label}/div6`)
        : clip(b, affine(b, x, 0.2, 0.5, label), 0, 1, label);
    case 'swish': case 'silu': {
      const s = b.op1('LOGISTIC', [x], {}, { names: [`${label}/sigmoid`] });
      return b.op1('MUL', [x, s], {}, { names: [`${label}/swish`] });
    }
    case 'exponential': return b.op1('EXP', [x], {}, { names: [`${label}/exp`] });
    case 'leaky_relu': return b.op1('LEAKY_RELU', [x], { alpha: 0.2 }, { names: [`${label}/leaky_relu`] });
    case 'elu': return elu(b, x, 1, label);
    case 'gelu': return b.op1('GELU', [x], { approximate: false }, { names: [`${label}/gelu`] });
    case 'log_softmax': return b.op1('LOG_SOFTMAX', [x], {}, { names: [`${label}/log_softmax`] });
    case 'selu': return affine(b, elu(b, x, SELU_ALPHA, label), SELU_SCALE, 0, `${label}/selu`);
    case 'softsign': {
      const d = b.op1('ADD', [b.op1('ABS', [x]), scalar(b, `${label}/one`, 1)]);
      return b.op1('DIV', [x, d], {}, { names: [`${label}/softsign`] });
    }
    case 'softplus': return softplus(b, x, label);
    case 'mish': return b.op1('MUL', [x, b.op1('TANH', [softplus(b, x, label)])], {}, { names: [`${label}/mish`] });
    default:
      throw new EdgefitError('UNSUPPORTED', `activation '${name}' is not supported`);
  }
}
