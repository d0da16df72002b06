/**
 * BatchNorm folding: a per-channel MUL and/or ADD/SUB by constants right after a float CONV_2D,
 * DEPTHWISE_CONV_2D or FULLY_CONNECTED (what inference-mode BatchNormalization lowers to) is folded into
 * that op's weights and bias: W'[c] = W[c]·s[c], b'[c] = b[c]·s[c] + t[c]. Arithmetic in float64, rounded
 * once to float32. Only when the op's result feeds nothing else, carries no fused activation, and the
 * constant varies along the output channel alone (or is a scalar).
 */
import { constantTensor } from '../../ir/graph-builder.js';
import { cloneModel, consumersOf, removeOps } from '../../ir/graph-edit.js';
import { elementCount, isConstant, opLabel, type Graph, type Model, type Op, type Tensor } from '../../ir/model.js';
import { constantValues } from '../../ir/tensor-data.js';
import { fusedActivationOf } from '../../ops/define.js';
import type { PassResult } from '../pass.js';

/** The output-channel axis of each foldable op's weights (input 1). */
const CHANNEL_AXIS: Record<string, (w: Tensor) => number> = {
  CONV_2D: () => 0,
  FULLY_CONNECTED: () => 0,
  DEPTHWISE_CONV_2D: (w) => w.shape.length - 1,
};

/** Per-channel values of `t` for `channels` output channels, or null when it varies along other axes. */
function perChannel(t: Tensor, channels: number, outputRank: number): Float64Array | null {
  if (t.dtype !== 'float32' || !isConstant(t) || t.quantization) return null;
  const n = elementCount(t.shape);
  const values = constantValues(t) as Float32Array;
  if (n === 1 && t.shape.length <= outputRank) return new Float64Array(channels).fill(values[0]!);
  if (t.shape.length > outputRank || t.shape.slice(0, -1).some((d) => d !== 1) || n !== channels) return null;
  return Float64Array.from(values);
}

function replaceConstant(graph: Graph, op: Op, index: number, values: Float32Array, shape: number[], name: string): void {
  const old = op.inputs[index];
  const t = constantTensor(old?.name ?? name, values, shape);
  graph.tensors.push(t);
  op.inputs[index] = t;
}

export function foldBatchNorm(input: Model): PassResult {
  const model = cloneModel(input);
  const details: string[] = [];
  for (const graph of model.graphs) {
    const removed = new Set<Op>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const producer of graph.ops) {
        const axisOf = CHANNEL_AXIS[producer.type];
        const [x, w] = producer.inputs;
        const y = producer.outputs[0];
        if (!axisOf || removed.has(producer) || producer.custom || !x || !w || !y || producer.outputs.length !== 1) continue;
        if (x.dtype !== 'float32' || w.dtype !== 'float32' || !isConstant(w) || w.quantization || fusedActivationOf(producer) !== 'NONE') continue;
        if (graph.outputs.includes(y)) continue;
        const users = consumersOf(graph, y);
        const next = users[0];
        if (users.length !== 1 || !next || removed.has(next) || !['MUL', 'ADD', 'SUB'].includes(next.type) || fusedActivationOf(next) !== 'NONE') continue;
        const other = next.inputs[0] === y ? next.inputs[1] : next.inputs[0];
        if (!other || (next.type === 'SUB' && next.inputs[0] !== y)) continue;
        const axis = axisOf(w);
        const channels = w.shape[axis]!;
        const values = perChannel(other, channels, y.shape.length);
        if (!values || y.shape[y.shape.length - 1] !== channels) continue;
        if (next.outputs[0]!.shape.join() !== y.shape.join()) continue; // the constant must not broadcast the result bigger
        const bias = producer.inputs[2];
        const oldBias = bias ? (constantValues(bias) as Float32Array | undefined) : new Float32Array(channels);
        if (!oldBias || (bias && (bias.dtype !== 'float32' || bias.quantization))) continue;
        const newBias = new Float32Array(channels);
        if (next.type === 'MUL') {
          const weights = constantValues(w) as Float32Array;
          const scaled = new Float32Array(weights.length);
          const inner = elementCount(w.shape.slice(axis + 1));
          for (let i = 0; i < weights.length; i++) scaled[i] = weights[i]! * values[Math.floor(i / inner) % channels]!;
          replaceConstant(graph, producer, 1, scaled, [...w.shape], `${w.name}_folded`);
          for (let c = 0; c < channels; c++) newBias[c] = oldBias[c]! * values[c]!;
        } else {
          const sign = next.type === 'SUB' ? -1 : 1;
          for (let c = 0; c < channels; c++) newBias[c] = oldBias[c]! + sign * values[c]!;
        }
        replaceConstant(graph, producer, 2, newBias, [channels], `${y.name}_bias`);
        if (producer.inputs.length < 3) producer.inputs.length = 3;
        producer.outputs = [next.outputs[0]!];
        removed.add(next);
        details.push(`${opLabel(graph, next)} folded into ${opLabel(graph, producer)}`);
        changed = true;
      }
    }
    removeOps(graph, removed);
  }
  return { model, report: { pass: 'foldBatchNorm', changed: details.length, details } };
}
