/**
 * TF.js graph models (model.json holding a GraphDef, as tfjs-converter writes it): Const nodes take their
 * values from the weights manifest, Placeholders become the inputs, and every node reachable from the
 * outputs is lowered to TFLite ops (graph/lower.ts), constant subexpressions folded on the way.
 */
import { EdgefitError } from '../../ir/errors.js';
import { GraphBuilder } from '../../ir/graph-builder.js';
import type { Tensor } from '../../ir/model.js';
import type { ImportOptions, ImportResult } from '../import.js';
import { decodeWeights, type DecodedWeight } from './weights.js';
import { NodeContext, materialize, type Value } from './graph/context.js';
import { host } from './graph/host.js';
import { LOWERINGS, type Lowered } from './graph/lower.js';
import { Attrs, dataInputs, dtypeOf, parseRef, shapeOf, type TensorRef, type TfNode } from './graph/nodes.js';
import { fuseDilatedConvs } from './graph/patterns.js';
import { removeDeadOps } from '../../passes/remove-dead.js';

interface SignatureEntry {
  name: string;
}

const where = (node: TfNode) => `node '${node.name}' (${node.op}, inputs: ${(node.input ?? []).join(', ') || 'none'})`;

/** TF1 control-flow ops: while loops are cycles through Merge and NextIteration. */
const CONTROL_FLOW = new Set(['Enter', 'Exit', 'Merge', 'Switch', 'NextIteration', 'LoopCond']);

/** Nodes the outputs depend on, producers first. */
function topologicalOrder(outputs: TensorRef[], byName: Map<string, TfNode>): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const need = (name: string, from: string): TfNode => {
    const n = byName.get(name);
    if (!n) throw new EdgefitError('MALFORMED', `${from} refers to node '${name}', which the graph does not have`);
    return n;
  };
  for (const out of outputs) {
    const stack: [TfNode, number][] = [[need(out.node, 'an output'), 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      if (next === 0) {
        if (state.get(node.name) === 'done') { stack.pop(); continue; }
        state.set(node.name, 'open');
      }
      const inputs = dataInputs(node);
      if (next < inputs.length) {
        top[1]++;
        const child = need(inputs[next]!.node, where(node));
        const s = state.get(child.name);
        if (s === 'open') {
          if (CONTROL_FLOW.has(child.op) || CONTROL_FLOW.has(node.op))
            throw new EdgefitError('UNSUPPORTED', `${where(node)} is part of a TensorFlow while loop (through ${child.op} '${child.name}'): control flow has no TFLite lowering in edgefit`);
          throw new EdgefitError('CYCLE', `${where(node)} depends on itself through '${child.name}'`);
        }
        if (s !== 'done') stack.push([child, 0]);
        continue;
      }
      state.set(node.name, 'done');
      order.push(node);
      stack.pop();
    }
  }
  return order;
}

/** A Placeholder's shape: -1 batch → 1; other unknown dimensions from options.inputShapes. */
function inputShape(node: TfNode, index: number, options: ImportOptions, notes: string[]): number[] {
  const declared = shapeOf(new Attrs(node).shape('shape'));
  const given = options.inputShapes?.[index];
  if (given) {
    if (declared && (declared.length !== given.length || declared.some((d, i) => d >= 0 && d !== given[i])))
      throw new EdgefitError('INVALID_ARGUMENT', `input ${index} ('${node.name}'): shape [${given}] does not match the model's [${declared}]`);
    return [...given];
  }
  if (!declared)
    throw new EdgefitError('INVALID_ARGUMENT', `input ${index} ('${node.name}') has an unknown rank: give its shape (inputShapes / --input-shape)`);
  const shape = declared.map((d, i) => (d < 0 && i === 0 ? 1 : d));
  if (declared[0] !== undefined && declared[0] < 0) notes.push(`input '${node.name}': unknown batch dimension taken as 1`);
  if (shape.some((d) => d < 0))
    throw new EdgefitError('INVALID_ARGUMENT', `input ${index} ('${node.name}') has unknown dimensions [${declared.join(', ')}] besides the batch: give its shape (inputShapes / --input-shape)`);
  return shape;
}

function constValue(node: TfNode, weights: Map<string, DecodedWeight>): Value {
  const w = weights.get(node.name);
  if (!w) throw new EdgefitError('MALFORMED', `Const node '${node.name}' has no entry in the weights manifest`);
  const dtype = w.values instanceof Float32Array ? 'float32' : w.values instanceof Int32Array ? 'int32' : 'bool';
  return { host: host(dtype, w.shape, w.values), name: node.name };
}

const isTensorLike = (x: Lowered): x is Tensor => 'isVariable' in x;
const toValue = (x: Lowered | undefined): Value | undefined => (x === undefined ? x : isTensorLike(x) ? { tensor: x } : 'values' in x ? { host: x } : x);

export async function importTfjsGraph(json: Record<string, any>, options: ImportOptions): Promise<ImportResult> {
  const rawNodes: unknown = json.modelTopology?.node;
  if (!Array.isArray(rawNodes)) throw new EdgefitError('MALFORMED', 'model.json: modelTopology.node is not a list');
  for (const [i, n] of rawNodes.entries())
    if (typeof n?.name !== 'string' || typeof n?.op !== 'string') throw new EdgefitError('MALFORMED', `model.json: modelTopology.node[${i}] has no name or op`);
  const read = options.readRelative ?? ((path: string) => {
    throw new EdgefitError('INVALID_ARGUMENT', `the model's weights are in ${path}: give readRelative to read files next to model.json`);
  });
  const weights = await decodeWeights(json.weightsManifest ?? [], read);
  const notes: string[] = [];
  const { nodes, fused } = fuseDilatedConvs(rawNodes as TfNode[], weights);
  if (fused) notes.push(`${fused} SpaceToBatchND → conv → BatchToSpaceND chain(s) became dilated convolutions`);
  const byName = new Map(nodes.map((n) => [n.name, n]));

  const signature = json.signature as { inputs?: Record<string, SignatureEntry>; outputs?: Record<string, SignatureEntry> } | undefined;
  const inputNames = signature?.inputs ? Object.values(signature.inputs).map((e) => parseRef(e.name).node) : nodes.filter((n) => n.op === 'Placeholder').map((n) => n.name);
  let outputs: { key: string; ref: TensorRef }[];
  if (signature?.outputs) outputs = Object.entries(signature.outputs).map(([key, e]) => ({ key, ref: parseRef(e.name) }));
  else {
    const consumed = new Set(nodes.flatMap((n) => dataInputs(n).map((r) => r.node)));
    outputs = nodes.filter((n) => !consumed.has(n.name) && !['Const', 'Placeholder', 'NoOp'].includes(n.op)).map((n) => ({ key: n.name, ref: parseRef(n.name) }));
  }
  if (!outputs.length) throw new EdgefitError('MALFORMED', 'model.json: the graph has no outputs');

  const b = new GraphBuilder();
  const values = new Map<string, (Value | undefined)[]>();
  inputNames.forEach((name, i) => {
    const node = byName.get(name);
    if (!node || node.op !== 'Placeholder') throw new EdgefitError('MALFORMED', `signature input '${name}' is not a Placeholder node of the graph`);
    values.set(name, [{ tensor: b.input(name, inputShape(node, i, options, notes), dtypeOf(new Attrs(node).type('dtype'), where(node))) }]);
  });

  const order = topologicalOrder(outputs.map((o) => o.ref), byName);
  const used = new Map<string, Set<number>>();
  for (const r of [...order.flatMap(dataInputs), ...outputs.map((o) => o.ref)]) (used.get(r.node) ?? used.set(r.node, new Set()).get(r.node)!).add(r.index);
  for (const node of order) {
    if (values.has(node.name)) continue;
    try {
      if (node.op === 'Placeholder') throw new EdgefitError('MALFORMED', 'a Placeholder the outputs need is not among the signature inputs');
      if (node.op === 'Const') {
        values.set(node.name, [constValue(node, weights)]);
        continue;
      }
      const lower = LOWERINGS[node.op];
      if (!lower) throw new EdgefitError('UNSUPPORTED', `TensorFlow op ${node.op} has no TFLite lowering in edgefit`);
      const inputs = dataInputs(node).map((r) => {
        const v = values.get(r.node)?.[r.index];
        if (!v) throw new EdgefitError('MALFORMED', `input '${r.node}:${r.index}' does not exist`);
        return v;
      });
      const out = lower(new NodeContext(b, node, inputs, used.get(node.name)));
      values.set(node.name, (Array.isArray(out) ? out : [out]).map(toValue));
    } catch (e) {
      if (e instanceof EdgefitError) throw e.within(where(node));
      throw new EdgefitError('MALFORMED', (e as Error).message, [where(node)]);
    }
  }

  for (const { key, ref } of outputs) {
    const v = values.get(ref.node)?.[ref.index];
    if (!v) throw new EdgefitError('MALFORMED', `output '${key}' refers to ${ref.node}:${ref.index}, which the graph does not produce`);
    if (v.host) notes.push(`output '${key}' is a constant`);
    b.output(materialize(b, v, key));
  }
  // Ops whose results only fed folded shape arithmetic (Shape, ZerosLike…) are dropped: TFLite fails on unread outputs.
  const { model, report } = removeDeadOps(b.finish(`TF.js graph model${json.convertedBy ? ` (${json.convertedBy})` : ''}`));
  if (report.changed) notes.push(`${report.changed} op(s) whose results only fed constant-folded shape arithmetic were dropped`);
  model.signatures[0]!.outputs.forEach((o, i) => (o.name = outputs[i]!.key));
  model.signatures[0]!.inputs.forEach((o, i) => (o.name = signature?.inputs ? Object.keys(signature.inputs)[i]! : o.name));
  return { model, format: 'tfjs-graph', notes };
}
