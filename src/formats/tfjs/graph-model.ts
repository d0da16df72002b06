/** TF.js graph models (model.json holding a GraphDef): TensorFlow ops lowered to TFLite ops. */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';

export async function importTfjsGraph(json: Record<string, any>, options: ImportOptions): Promise<ImportResult> {
  void json; void options;
  throw new EdgefitError('UNSUPPORTED', 'TF.js graph-model import is not built yet');
}
