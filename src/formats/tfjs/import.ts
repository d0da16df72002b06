/** TF.js model.json: layers models lower through the Keras layer lowering; graph models op by op. */
import { EdgefitError } from '../../ir/errors.js';
import type { ImportOptions, ImportResult } from '../import.js';
import { importTfjsGraph } from './graph-model.js';
import { importTfjsLayers } from './layers-model.js';

export async function importTfjs(bytes: Uint8Array, format: 'tfjs-layers' | 'tfjs-graph', options: ImportOptions): Promise<ImportResult> {
  let json: Record<string, any>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new EdgefitError('MALFORMED', `model.json does not parse: ${(e as Error).message}`);
  }
  return format === 'tfjs-graph' ? importTfjsGraph(json, options) : importTfjsLayers(json, options);
}
