/** ONNX models (what PyTorch exports), lowered to TFLite semantics with exact layout tracking. */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';

export async function importOnnx(bytes: Uint8Array, options: ImportOptions): Promise<ImportResult> {
  void bytes; void options;
  throw new EdgefitError('UNSUPPORTED', 'onnx import is not built yet');
}
