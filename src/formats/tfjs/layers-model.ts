/** TF.js layers models: the Keras layer config JSON plus a weights manifest; lowered by the Keras lowering. */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';

export async function importTfjsLayers(json: Record<string, any>, options: ImportOptions): Promise<ImportResult> {
  void json; void options;
  throw new EdgefitError('UNSUPPORTED', 'TF.js layers-model import is not built yet');
}
