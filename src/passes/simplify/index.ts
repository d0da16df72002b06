/**
 * The simplification pipeline run after import (and by `edgefit convert`): each pass is its own module
 * and reports what it changed. Runs the list until nothing changes (at most a few rounds).
 */
import type { Model } from '../../ir/model.js';
import { foldConstants } from '../fold-constants.js';
import { fuseActivations } from '../fuse-activations.js';
import type { PassReport, PassResult } from '../pass.js';
import { removeDeadOps } from '../remove-dead.js';
import { cancelTransposes } from './cancel-transposes.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldFp16Dequantize } from './fold-fp16-dequantize.js';
import { removeNoOps } from './remove-no-ops.js';

export { cancelTransposes, foldBatchNorm, foldFp16Dequantize, removeNoOps };

export interface SimplifyOptions {
  /** Fold float16 weights behind DEQUANTIZE into float32 constants (default false: keeps files small). */
  foldFp16?: boolean;
}

export interface SimplifyResult {
  model: Model;
  /** One report per pass, summed over rounds, in pipeline order. */
  reports: PassReport[];
}

export function simplify(input: Model, options: SimplifyOptions = {}): SimplifyResult {
  const passes: [string, (m: Model) => PassResult][] = [
    ['removeNoOps', removeNoOps],
    ...(options.foldFp16 ? [['foldFp16Dequantize', foldFp16Dequantize] as [string, (m: Model) => PassResult]] : []),
    // float16 DEQUANTIZE stays unless asked: folding it doubles the weight bytes.
    ['foldConstants', (m) => foldConstants(m, { excludeTypes: ['DEQUANTIZE'] })],
    ['cancelTransposes', cancelTransposes],
    ['foldBatchNorm', foldBatchNorm],
    ['fuseActivations', fuseActivations],
    ['removeDeadOps', removeDeadOps],
  ];
  const totals = new Map<string, PassReport>(passes.map(([name]) => [name, { pass: name, changed: 0, details: [] }]));
  let model = input;
  for (let round = 0; round < 4; round++) {
    let changed = 0;
    for (const [name, pass] of passes) {
      const result = pass(model);
      model = result.model;
      const total = totals.get(name)!;
      total.changed += result.report.changed;
      total.details.push(...result.report.details);
      changed += result.report.changed;
    }
    if (!changed) break;
  }
  return { model, reports: [...totals.values()] };
}
