/**
 * Identity removal: ops that return their input unchanged — RESHAPE/SQUEEZE/EXPAND_DIMS to the same
 * shape, TRANSPOSE by the identity permutation, CAST to the same dtype, PAD by zeros, SLICE/STRIDED_SLICE
 * of the whole tensor, CONCATENATION of one input, ADD/SUB of zero and MUL/DIV by one (constants that do
 * not broadcast the result) — are dropped and their readers read the input. What importers leave of
 * Identity/Dropout nodes ends here. A no-op whose output is a graph output while its input is a graph
 * input (or a constant) is kept: the graph must still compute something.
 */
import { cloneModel, removeOps, replaceUses } from '../../ir/graph-edit.js';
import { isConstant, opLabel, type Model, type Op, type Tensor } from '../../ir/model.js';
import { constantInts, constantValues } from '../../ir/tensor-data.js';
import { fusedActivationOf } from '../../ops/define.js';
import type { PassResult } from '../pass.js';

const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function allEqual(t: Tensor | null | undefined, value: number): boolean {
  if (!t || !isConstant(t) || t.quantization || !['float32', 'int32'].includes(t.dtype)) return false;
  const values = constantValues(t)!;
  return Array.from(values as Float32Array).every((v) => v === value);
}

/** The input an op passes through unchanged (before the shape/dtype/quantization check), or null. */
function candidate(op: Op): Tensor | null {
  const x = op.inputs[0];
  if (!x) return null;
  switch (op.type) {
    case 'RESHAPE': case 'SQUEEZE': case 'EXPAND_DIMS': case 'CAST':
      return x;
    case 'TRANSPOSE':
      return constantInts(op.inputs[1])?.every((p, i) => p === i) ? x : null;
    case 'PAD': case 'PADV2': case 'MIRROR_PAD':
      return constantInts(op.inputs[1])?.every((p) => p === 0) ? x : null;
    case 'SLICE':
      return x; // same shape in and out: the whole tensor
    case 'STRIDED_SLICE':
      return (constantInts(op.inputs[3]) ?? []).some((s) => s < 0) ? null : x; // a negative stride reverses
    case 'CONCATENATION':
      return op.inputs.length === 1 ? x : null;
    case 'ADD': case 'SUB': case 'MUL': case 'DIV': {
      const [a, b] = op.inputs;
      const identity = op.type === 'MUL' || op.type === 'DIV' ? 1 : 0;
      if (b && allEqual(b, identity)) return a ?? null;
      if ((op.type === 'ADD' || op.type === 'MUL') && a && allEqual(a, identity)) return b ?? null;
      return null;
    }
    default:
      return null;
  }
}

/** The input an op passes through unchanged, or null. */
function passThrough(op: Op): Tensor | null {
  const x = candidate(op);
  const y = op.outputs[0];
  if (!x || !y || op.outputs.length !== 1 || op.custom || x.dtype !== y.dtype || !sameShape(x, y)) return null;
  if (x.quantization || y.quantization) {
    const q = x.quantization, r = y.quantization;
    if (!q || !r || q.scale.join() !== r.scale.join() || q.zeroPoint.join() !== r.zeroPoint.join()) return null;
  }
  return fusedActivationOf(op) === 'NONE' ? x : null;
}

export function removeNoOps(input: Model): PassResult {
  const model = cloneModel(input);
  const details: string[] = [];
  for (const graph of model.graphs) {
    const removed = new Set<Op>();
    for (const op of graph.ops) {
      const x = passThrough(op);
      if (!x) continue;
      const y = op.outputs[0]!;
      if (graph.outputs.includes(y) && (graph.inputs.includes(x) || isConstant(x) || graph.outputs.includes(x))) continue;
      if (graph.outputs.includes(y)) {
        // Keep the graph output's name and tensor: the producer of x writes y instead.
        const producer = graph.ops.find((p) => p.outputs.includes(x));
        if (!producer || graph.ops.some((o) => o !== op && o.inputs.includes(x))) continue;
        producer.outputs = producer.outputs.map((t) => (t === x ? y : t));
      } else replaceUses(graph, y, x, model);
      removed.add(op);
      details.push(`${opLabel(graph, op)} removed: it returns its input unchanged`);
    }
    removeOps(graph, removed);
  }
  return { model, report: { pass: 'removeNoOps', changed: details.length, details } };
}
