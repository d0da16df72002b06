/** ONNX models (what PyTorch exports), lowered to TFLite semantics with exact layout tracking. */
import { EdgefitError } from '../../ir/errors.js';
import type { Graph, Op, Tensor } from '../../ir/model.js';
import type { ImportOptions, ImportResult } from '../import.js';
import { channelsLast, identity, Lowering, type OnnxNode } from './context.js';
import { tryFold } from './fold.js';
import { NN_OPS } from './lower-nn.js';
import { RNN_OPS } from './lower-rnn.js';
import { lowerInt8, QUANT_OPS } from './lower-quant.js';
import { TENSOR_OPS, type Lower } from './lower-tensor.js';
import { Attributes, decodeModel, elemType, num, tensorValues } from './proto.js';

const LOWERINGS: Record<string, Lower> = { ...TENSOR_OPS, ...NN_OPS, ...RNN_OPS, ...QUANT_OPS };
/** ONNX operators this importer lowers (some only in the forms their lowering documents). */
export const SUPPORTED_ONNX_OPS: readonly string[] = [...new Set([...Object.keys(LOWERINGS), 'Shape', 'Size', 'ConstantOfShape', 'Range', 'Not'])].sort();

const MIN_OPSET = 1;
const MAX_OPSET = 21;

export async function importOnnx(bytes: Uint8Array, options: ImportOptions): Promise<ImportResult> {
  try {
    return convert(bytes, options);
  } catch (e) {
    // A damaged file can break invariants protobuf decoding does not check: still a typed error.
    if (e instanceof EdgefitError) throw e;
    throw new EdgefitError('MALFORMED', `ONNX model is inconsistent: ${(e as Error).message}`);
  }
}

function convert(bytes: Uint8Array, options: ImportOptions): ImportResult {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = opsetEntry ? num(opsetEntry.version) : 1;
  if (opset < MIN_OPSET || opset > MAX_OPSET)
    throw new EdgefitError('UNSUPPORTED', `ONNX opset ${opset} is not supported (at most ${MAX_OPSET})`);
  const notes: string[] = [];
  const cx = new Lowering(opset, notes);
  if (graph.sparseInitializer?.length) throw new EdgefitError('UNSUPPORTED', 'sparse initializers are not supported');
  for (const init of graph.initializer ?? []) cx.values.set(init.name ?? '', { kind: 'const', a: tensorValues(init, `initializer ${init.name}`) });

  const ioLayout = options.ioLayout ?? 'channels-last';
  const boundaryPerm = (rank: number) => (ioLayout === 'channels-last' && rank >= 3 && rank <= 5 ? channelsLast(rank) : identity(rank));
  let k = 0;
  for (const inp of graph.input ?? []) {
    const name = inp.name ?? '';
    if (cx.values.has(name)) continue; // an initializer with a default: a constant
    const where = `graph input ${name}`;
    const tensorType = inp.type?.tensorType;
    if (!tensorType) throw new EdgefitError('UNSUPPORTED', `${where}: only tensor inputs are supported`);
    const type = elemType(tensorType.elemType ?? 0, where);
    if (!['float32', 'bool', 'int8', 'uint8'].includes(type)) throw new EdgefitError('UNSUPPORTED', `${where}: ${type} inputs are not supported (float32, bool, int8, uint8)`);
    const dims = (tensorType.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0 ? num(d.dimValue) : null));
    const given = options.inputShapes?.[k];
    let shape: number[];
    if (given) {
      if (given.length !== dims.length || given.some((d, i) => dims[i] !== null && dims[i] !== d))
        throw new EdgefitError('INVALID_ARGUMENT', `${where}: given shape [${given}] does not fit the model's [${dims.map((d) => d ?? '?')}] (shapes are in ONNX layout)`);
      shape = given;
    } else {
      if (dims.slice(1).some((d) => d === null))
        throw new EdgefitError('UNSUPPORTED', `${where}: shape [${dims.map((d) => d ?? '?')}] has unknown dimensions; give them with inputShapes (ONNX layout)`);
      if (dims[0] === null) notes.push(`${where}: unknown batch size set to 1`);
      shape = dims.map((d) => d ?? 1);
    }
    const perm = boundaryPerm(shape.length);
    const t = cx.b.input(name, perm.map((p) => shape[p]!), type as 'float32' | 'bool' | 'int8' | 'uint8');
    // An integer input is quantized data: its DequantizeLinear gives it parameters.
    cx.values.set(name, { kind: 'rt', t, shape, perm, ...(type === 'int8' || type === 'uint8' ? { q: 'int' as const } : {}) });
    k++;
  }
  if (ioLayout === 'channels-last') notes.push('inputs and outputs of rank 3–5 are channels-last (N, spatial…, C)');

  const nodes: OnnxNode[] = (graph.node ?? []).map((proto, index) => {
    const name = proto.name || `#${index}`;
    if (proto.domain && proto.domain !== 'ai.onnx')
      throw new EdgefitError('UNSUPPORTED', `node ${name} (${proto.opType}): operator domain ${proto.domain} is not supported`);
    return { name, opType: proto.opType ?? '', inputs: proto.input ?? [], outputs: proto.output ?? [], attrs: new Attributes(proto.attribute, `node ${name} (${proto.opType})`) };
  });
  for (const n of nodes) {
    for (const i of n.inputs) cx.consumed.add(i), (cx.consumers.get(i) ?? cx.consumers.set(i, []).get(i)!).push(n);
    for (const o of n.outputs) cx.producers.set(o, n);
  }
  for (const o of graph.output ?? []) cx.consumed.add(o.name ?? '');
  for (const node of nodes) {
    if (cx.absorbed.has(node)) continue;
    cx.node = node;
    try {
      if (!tryFold(cx)) {
        const lower = LOWERINGS[node.opType];
        if (!lower) cx.fail(`operator ${node.opType} is not supported`);
        if (!lowerInt8(cx, lower)) lower(cx);
      }
    } catch (e) {
      if (e instanceof EdgefitError) throw e.message.includes(`(${node.opType})`) ? e : e.within(cx.describe());
      throw new EdgefitError('UNSUPPORTED', `${cx.describe()}: ${(e as Error).message}`);
    }
  }

  for (const out of graph.output ?? []) {
    const name = out.name ?? '';
    const v = cx.values.get(name);
    if (!v) throw new EdgefitError('MALFORMED', `graph output ${name} is produced by no node`);
    if (v.kind === 'const') throw new EdgefitError('UNSUPPORTED', `graph output ${name} is a constant (the model computes nothing from its inputs)`);
    cx.node = { name, opType: 'output', inputs: [name], outputs: [name], attrs: new Attributes([], name) };
    let t = cx.layout(v, boundaryPerm(v.shape.length));
    // An output that is an input or another output gets its own tensor (TFLite wants one producer each).
    if (cx.b.graph.inputs.includes(t) || cx.b.graph.outputs.includes(t))
      t = cx.b.op1('RESHAPE', [t, cx.b.ints(`${name}/shape`, t.shape)], { new_shape: [...t.shape] }, { names: [name] });
    cx.b.output(t);
  }
  simplify(cx.b.graph);
  nameOutputs(cx.b.graph, (graph.output ?? []).map((o) => o.name ?? ''));
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  return { model: cx.b.finish(`ONNX${producer ? ` (${producer})` : ''} opset ${opset}, converted by edgefit`), format: 'onnx', notes };
}

/** Collapses RESHAPE chains, drops identity RESHAPEs and every op and tensor no output needs. */
function simplify(g: Graph): void {
  const producer = new Map<Tensor, Op>();
  for (const op of g.ops) for (const t of op.outputs) producer.set(t, op);
  const replace = new Map<Tensor, Tensor>();
  const resolve = (t: Tensor): Tensor => replace.get(t) ?? t;
  for (const op of g.ops) {
    op.inputs = op.inputs.map((t) => (t ? resolve(t) : t));
    if (op.type !== 'RESHAPE') continue;
    const src = producer.get(op.inputs[0]!);
    if (src?.type === 'RESHAPE') op.inputs[0] = src.inputs[0]!;
    const x = op.inputs[0]!;
    const y = op.outputs[0]!;
    if (x.shape.length === y.shape.length && x.shape.every((d, i) => d === y.shape[i]) && !g.outputs.includes(y)) replace.set(y, x);
  }
  g.outputs = g.outputs.map(resolve);
  const live = new Set<Tensor>([...g.outputs, ...g.inputs]);
  const kept: Op[] = [];
  for (let i = g.ops.length - 1; i >= 0; i--) {
    const op = g.ops[i]!;
    if (!op.outputs.some((t) => live.has(t))) continue;
    kept.push(op);
    for (const t of op.inputs) if (t) live.add(t);
  }
  g.ops = kept.reverse();
  for (const op of g.ops) for (const t of op.outputs) live.add(t);
  g.tensors = g.tensors.filter((t) => live.has(t));
}

/** Graph outputs carry the ONNX output names (a tensor already holding the name yields it). */
function nameOutputs(g: Graph, names: string[]): void {
  g.outputs.forEach((t, i) => {
    const name = names[i]!;
    if (t.name === name) return;
    const holder = g.tensors.find((x) => x.name === name);
    if (holder) holder.name = `${name}/inner`;
    t.name = name;
  });
}
