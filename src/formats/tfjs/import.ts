/** TF.js model.json: layers models lower through the Keras layer lowering; graph models op by op. */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';

export async function importTfjs(bytes: Uint8Array, format: 'tfjs-layers' | 'tfjs-graph', options: ImportOptions): Promise<ImportResult> {
  void bytes; void options;
  throw new EdgefitError('UNSUPPORTED', `${format} import is not built yet`);
}
