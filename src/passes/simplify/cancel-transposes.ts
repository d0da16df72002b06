/**
 * Transpose / reshape cancellation: TRANSPOSE∘TRANSPOSE becomes one TRANSPOSE (none when the composed
 * permutation is the identity); a TRANSPOSE that only moves size-1 axes keeps the element order, so it
 * becomes a RESHAPE; RESHAPE∘RESHAPE (and SQUEEZE / EXPAND_DIMS chains) become one RESHAPE, none when the
 * final shape is the original one. What layout conversion leaves at its seams ends here.
 */
import { constantTensor } from '../../ir/graph-builder.js';
import { cloneModel, newOp, removeOps, replaceUses } from '../../ir/graph-edit.js';
import { opLabel, type Graph, type Model, type Op, type Tensor } from '../../ir/model.js';
import { constantInts } from '../../ir/tensor-data.js';
import { defaultsOf } from '../../ops/define.js';
import { ReshapeOptions } from '../../formats/tflite/schema.js';
import type { PassResult } from '../pass.js';

const RESHAPES = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS']);

const intConstant = (graph: Graph, name: string, values: number[]): Tensor => {
  const t = constantTensor(name, Int32Array.from(values), [values.length]);
  graph.tensors.push(t);
  return t;
};

/** A RESHAPE of `x` to `y`'s shape, replacing `op` in place. */
function becomeReshape(graph: Graph, op: Op, x: Tensor): void {
  const y = op.outputs[0]!;
  const shape = intConstant(graph, `${y.name}/shape`, y.shape);
  Object.assign(op, newOp('RESHAPE', [x, shape], [y], { options: { type: 'ReshapeOptions', value: { ...defaultsOf(ReshapeOptions), new_shape: [...y.shape] } } }));
}

/** Whether a permutation keeps every axis of size > 1 in order (then the data order is unchanged). */
function movesOnlyUnitAxes(shape: readonly number[], perm: readonly number[]): boolean {
  const big = perm.filter((p) => shape[p]! > 1);
  return big.every((p, i) => i === 0 || p > big[i - 1]!);
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export function cancelTransposes(input: Model): PassResult {
  const model = cloneModel(input);
  const details: string[] = [];
  for (const graph of model.graphs) {
    const removed = new Set<Op>();
    const producerOf = (t: Tensor) => graph.ops.find((p) => !removed.has(p) && p.outputs.includes(t));
    /** Drop `op`, its readers reading `x` instead (kept when that would leave a graph output without a producer). */
    const bypass = (op: Op, x: Tensor, why: string): boolean => {
      const y = op.outputs[0]!;
      if (graph.outputs.includes(y)) return false;
      replaceUses(graph, y, x, model);
      removed.add(op);
      details.push(`${opLabel(graph, op)} removed: ${why}`);
      return true;
    };
    for (const op of graph.ops) {
      if (removed.has(op) || op.custom) continue;
      const x = op.inputs[0];
      const y = op.outputs[0];
      if (!x || !y || x.quantization?.axis && x.quantization.scale.length > 1) continue;
      if (op.type === 'TRANSPOSE') {
        const perm = constantInts(op.inputs[1]);
        if (!perm) continue;
        const inner = producerOf(x);
        const innerPerm = inner?.type === 'TRANSPOSE' ? constantInts(inner.inputs[1]) : undefined;
        if (inner && innerPerm && inner.inputs[0]) {
          const source = inner.inputs[0];
          const composed = perm.map((p) => innerPerm[p]!);
          if (composed.every((p, i) => p === i)) {
            if (bypass(op, source, `cancels ${opLabel(graph, inner)}`)) continue;
          } else {
            op.inputs = [source, intConstant(graph, `${y.name}/perm`, composed)];
            details.push(`${opLabel(graph, op)} composed with ${opLabel(graph, inner)}`);
          }
        }
        const from = op.inputs[0]!;
        const p = constantInts(op.inputs[1])!;
        if (movesOnlyUnitAxes(from.shape, p) && !p.every((v, i) => v === i)) {
          becomeReshape(graph, op, from);
          details.push(`${opLabel(graph, op)} moves only size-1 axes: now a RESHAPE`);
        }
      }
      if (RESHAPES.has(op.type) && !removed.has(op)) {
        const inner = producerOf(x);
        const source = inner && RESHAPES.has(inner.type) ? inner.inputs[0] : null;
        if (source && !source.quantization === !x.quantization) {
          if (sameShape(source.shape, y.shape)) {
            if (bypass(op, source, `undoes ${opLabel(graph, inner!)}`)) continue;
          }
          if (op.type === 'RESHAPE' || inner!.type !== op.type) {
            becomeReshape(graph, op, source);
            details.push(`${opLabel(graph, op)} merged with ${opLabel(graph, inner!)} into one RESHAPE`);
          }
        }
      }
    }
    removeOps(graph, removed);
    // Ops whose outputs nobody reads any more (the inner halves of merged pairs).
    const live = new Set<Tensor>(graph.outputs);
    const kept = [...graph.ops].reverse().filter((o) => {
      const keep = o.outputs.some((t) => live.has(t) || t.isVariable) || !['TRANSPOSE', ...RESHAPES].includes(o.type);
      if (keep) for (const t of o.inputs) if (t) live.add(t);
      return keep;
    });
    removeOps(graph, new Set(graph.ops.filter((o) => !kept.includes(o))));
  }
  return { model, report: { pass: 'cancelTransposes', changed: details.length, details } };
}
