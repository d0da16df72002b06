/**
 * float16 weight folding: DEQUANTIZE of a float16 constant (how TFLite stores half-size weights) becomes
 * a float32 constant. Twice the weight bytes, one op fewer per weight; what float32-only runtimes and the
 * integer quantizer need. Off by default in `simplify` (it grows the file).
 */
import type { Model } from '../../ir/model.js';
import { foldConstants } from '../fold-constants.js';
import type { PassResult } from '../pass.js';

export function foldFp16Dequantize(input: Model): PassResult {
  const { model, report } = foldConstants(input, { types: ['DEQUANTIZE'], dtypes: ['float16'] });
  return { model, report: { ...report, pass: 'foldFp16Dequantize' } };
}
