/** Keras models: Keras 2 HDF5 (.h5) and Keras 3 zip (.keras). */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';

export async function importKeras(bytes: Uint8Array, format: 'keras-h5' | 'keras-v3', options: ImportOptions): Promise<ImportResult> {
  void bytes; void options;
  throw new EdgefitError('UNSUPPORTED', `${format} import is not built yet`);
}
