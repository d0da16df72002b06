/** Keras activations by name, as TFLite ops. */
import { EdgefitError } from '../../ir/errors.js';
import type { GraphBuilder } from '../../ir/graph-builder.js';
import type { Tensor } from '../../ir/model.js';

const scalar = (b: GraphBuilder, name: string, v: number) => b.constant(name, Float32Array.of(v), []);

export function applyActivation(b: GraphBuilder, x: Tensor, name: string, label = x.name): Tensor {
  switch (name) {
    case 'linear': case undefined: case null: return x;
    case 'relu': return b.op1('RELU', [x], {}, { names: [`${label}/relu`] });
    case 'relu6': return b.op1('RELU6', [x], {}, { names: [`${label}/relu6`] });
    case 'sigmoid': return b.op1('LOGISTIC', [x], {}, { names: [`${label}/sigmoid`] });
    case 'tanh': return b.op1('TANH', [x], {}, { names: [`${label}/tanh`] });
    case 'softmax': return b.op1('SOFTMAX', [x], { beta: 1 }, { names: [`${label}/softmax`] });
    case 'hard_swish': return b.op1('HARD_SWISH', [x], {}, { names: [`${label}/hard_swish`] });
    case 'swish': case 'silu': {
      const s = b.op1('LOGISTIC', [x], {}, { names: [`${label}/sigmoid`] });
      return b.op1('MUL', [x, s], {}, { names: [`${label}/swish`] });
    }
    case 'exponential': return b.op1('EXP', [x], {}, { names: [`${label}/exp`] });
    case 'leaky_relu': return b.op1('LEAKY_RELU', [x], { alpha: 0.2 }, { names: [`${label}/leaky_relu`] });
    case 'softsign': {
      const a = b.op1('ABS', [x]);
      const d = b.op1('ADD', [a, scalar(b, `${label}/one`, 1)]);
      return b.op1('DIV', [x, d], {}, { names: [`${label}/softsign`] });
    }
    case 'softplus': {
      const e = b.op1('EXP', [x]);
      const s = b.op1('ADD', [e, scalar(b, `${label}/one`, 1)]);
      return b.op1('LOG', [s], {}, { names: [`${label}/softplus`] });
    }
    default:
      throw new EdgefitError('UNSUPPORTED', `activation '${name}' is not supported`);
  }
}
