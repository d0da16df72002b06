/**
 * Rewrites on the GraphDef before lowering. TensorFlow expresses a dilated convolution as
 * SpaceToBatchND → Conv2D (VALID, stride 1) → BatchToSpaceND; TFLite convolutions take dilation
 * factors directly, so the three nodes become one convolution with dilations and explicit paddings
 * (padding top/left = the paddings minus the crops; lowering turns them back into SAME where they match).
 */
import type { DecodedWeight } from '../weights.js';
import { dataInputs, parseRef, type TfAttr, type TfNode } from './nodes.js';

const CONVS = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative']);

/** Returns the node list with every fusable SpaceToBatchND → conv → BatchToSpaceND replaced by a dilated conv. */
export function fuseDilatedConvs(nodes: TfNode[], weights: Map<string, DecodedWeight>): { nodes: TfNode[]; fused: number } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const uses = new Map<string, number>();
  for (const n of nodes) for (const r of dataInputs(n)) uses.set(r.node, (uses.get(r.node) ?? 0) + 1);
  const constInts = (ref: string | undefined): number[] | undefined => {
    const n = ref === undefined ? undefined : byName.get(parseRef(ref).node);
    const w = n?.op === 'Const' ? weights.get(n.name) : undefined;
    return w && w.values instanceof Int32Array ? Array.from(w.values) : undefined;
  };
  const ints = (n: TfNode, name: string) => (n.attr?.[name]?.list?.i ?? []).map(Number);
  const str = (n: TfNode, name: string) => (n.attr?.[name]?.s ? atob(n.attr[name]!.s!) : undefined);

  const replaced = new Map<string, TfNode>();
  const removed = new Set<string>();
  for (const b2s of nodes) {
    if (b2s.op !== 'BatchToSpaceND') continue;
    const [convRef] = dataInputs(b2s);
    const conv = convRef && convRef.index === 0 ? byName.get(convRef.node) : undefined;
    if (!conv || !CONVS.has(conv.op) || uses.get(conv.name) !== 1) continue;
    const [s2bRef] = dataInputs(conv);
    const s2b = s2bRef && s2bRef.index === 0 ? byName.get(s2bRef.node) : undefined;
    if (!s2b || s2b.op !== 'SpaceToBatchND' || uses.get(s2b.name) !== 1) continue;
    const block = constInts(b2s.input?.[1]);
    const crops = constInts(b2s.input?.[2]);
    const paddings = constInts(s2b.input?.[2]);
    if (!block || !crops || !paddings || block.length !== 2 || String(block) !== String(constInts(s2b.input?.[1]))) continue;
    if (str(conv, 'padding') !== 'VALID' || ints(conv, 'strides').some((s) => s !== 1) || ints(conv, 'dilations').some((d) => d !== 1)) continue;
    const pads = [paddings[0]! - crops[0]!, paddings[1]! - crops[1]!, paddings[2]! - crops[2]!, paddings[3]! - crops[3]!];
    if (pads.some((p) => p < 0)) continue;
    const attr: Record<string, TfAttr> = {
      ...conv.attr,
      dilations: { list: { i: [1, block[0]!, block[1]!, 1] } },
      padding: { s: btoa('EXPLICIT') },
      explicit_paddings: { list: { i: [0, 0, ...pads, 0, 0] } },
    };
    replaced.set(b2s.name, { ...conv, name: b2s.name, input: [s2b.input![0]!, ...conv.input!.slice(1)], attr });
    removed.add(conv.name).add(s2b.name);
  }
  return { nodes: nodes.filter((n) => !removed.has(n.name)).map((n) => replaced.get(n.name) ?? n), fused: replaced.size };
}
