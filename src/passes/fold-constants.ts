/**
 * Constant folding: an op whose inputs are all constant is run once, now, with edgefit's own kernel, and
 * its outputs become constants (float16 weights behind DEQUANTIZE, sparse weights behind DENSIFY, shape
 * arithmetic). Ops without a kernel, with variable outputs, or outside `types` (when given) are left alone.
 */
import { cloneModel, removeOps } from '../ir/graph-edit.js';
import { isConstant, opLabel, type Graph, type Model, type Op } from '../ir/model.js';
import { findOp } from '../ops/registry.js';
import { bytesOf } from '../ir/tensor-data.js';
import { Interpreter } from '../runtime/interpreter.js';
import type { PassResult } from './pass.js';

export interface FoldConstantsOptions {
  /** Only fold these op types (e.g. ['DEQUANTIZE'] for float16 weights). Default: any op with a kernel. */
  types?: readonly string[];
  /** Never fold these op types. */
  excludeTypes?: readonly string[];
  /** Only fold ops whose constant input 0 has one of these dtypes. */
  dtypes?: readonly string[];
}

export function foldConstants(input: Model, options: FoldConstantsOptions = {}): PassResult {
  const model = cloneModel(input);
  const details: string[] = [];
  for (const graph of model.graphs) {
    const folded = new Set<Op>();
    for (const op of graph.ops) {
      const present = op.inputs.filter((t) => t !== null);
      if (!present.length || !present.every(isConstant) || op.outputs.some((t) => t.isVariable)) continue;
      if (options.types && !options.types.includes(op.type)) continue;
      if (options.excludeTypes?.includes(op.type)) continue;
      if (options.dtypes && !options.dtypes.includes(present[0]!.dtype)) continue;
      if (!findOp(op)?.kernel) continue;
      const label = opLabel(graph, op);
      const single: Graph = { tensors: [...present, ...op.outputs], inputs: [], outputs: op.outputs, ops: [op] };
      const values = new Interpreter({ version: 3, graphs: [single], signatures: [], metadata: [] }, { simd: false }).invoke([]);
      op.outputs.forEach((t, k) => {
        const v = values[k]!;
        t.data = bytesOf(v);
      });
      folded.add(op);
      details.push(`${label} → constant ${op.outputs.map((t) => `'${t.name}'`).join(', ')}`);
    }
    removeOps(graph, folded);
  }
  return { model, report: { pass: 'foldConstants', changed: details.length, details } };
}
