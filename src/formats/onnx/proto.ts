/**
 * The ONNX protobuf, decoded by onnx-proto (protobufjs) into plain records: nodes with typed attribute
 * access, and tensors as `NdArray`s (every element type held as float64 numbers; int64 beyond 2⁵³
 * loses only digits no shape or index needs).
 */
import onnxProto from 'onnx-proto';
import { EdgefitError } from '../../ir/errors.js';
import { halfToFloat } from '../../ir/tensor-data.js';
import { type NdArray, type ElemType } from './ndarray.js';

const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type Long = { low: number; high: number; unsigned?: boolean };

/** A protobufjs integer (number or Long) as a number. */
export function num(v: number | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const low = v.low >>> 0;
  return v.unsigned ? (v.high >>> 0) * 2 ** 32 + low : v.high * 2 ** 32 + low;
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    const truncated = /index out of range|invalid wire type|premature/i.test(msg);
    throw new EdgefitError(truncated ? 'TRUNCATED' : 'MALFORMED', `not a readable ONNX model: ${msg}`);
  }
  if (!model.graph) throw new EdgefitError('MALFORMED', 'ONNX model has no graph');
  return model;
}

const ELEM: Record<number, ElemType> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16',
  11: 'float64', 12: 'uint32', 13: 'uint64',
};

export function elemType(code: number, where: string): ElemType {
  const t = ELEM[code];
  if (!t) throw new EdgefitError('UNSUPPORTED', `${where}: ONNX element type ${code} (${onnx.TensorProto.DataType[code] ?? '?'}) is not supported`);
  return t;
}

const BYTES: Record<ElemType, number> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8, uint32: 4, uint64: 8,
};

function fromRaw(raw: Uint8Array, type: ElemType, count: number, where: string): Float64Array {
  if (raw.length !== count * BYTES[type])
    throw new EdgefitError('MALFORMED', `${where}: raw_data has ${raw.length} bytes, ${count} ${type} elements need ${count * BYTES[type]}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 'float32': out[i] = v.getFloat32(i * 4, true); break;
      case 'float64': out[i] = v.getFloat64(i * 8, true); break;
      case 'float16': out[i] = halfToFloat(v.getUint16(i * 2, true)); break;
      case 'int8': out[i] = v.getInt8(i); break;
      case 'uint8': case 'bool': out[i] = v.getUint8(i); break;
      case 'int16': out[i] = v.getInt16(i * 2, true); break;
      case 'uint16': out[i] = v.getUint16(i * 2, true); break;
      case 'int32': out[i] = v.getInt32(i * 4, true); break;
      case 'uint32': out[i] = v.getUint32(i * 4, true); break;
      case 'int64': out[i] = Number(v.getBigInt64(i * 8, true)); break;
      case 'uint64': out[i] = Number(v.getBigUint64(i * 8, true)); break;
    }
  }
  return out;
}

/** A TensorProto's values (raw_data or the typed repeated fields), in ONNX (row-major) order. */
export function tensorValues(t: TensorProto, where = `tensor ${t.name ?? ''}`): NdArray {
  const type = elemType(t.dataType ?? 0, where);
  const shape = (t.dims ?? []).map(num);
  const count = shape.reduce((a, b) => a * b, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || t.externalData?.length)
    throw new EdgefitError('UNSUPPORTED', `${where}: weights stored in an external file are not supported (save the model with all tensors inside it)`);
  let data: Float64Array;
  if (t.rawData && t.rawData.length) data = fromRaw(t.rawData, type, count, where);
  else {
    const list: ArrayLike<number | Long> =
      type === 'float32' ? t.floatData ?? [] :
      type === 'float64' ? t.doubleData ?? [] :
      type === 'int64' ? t.int64Data ?? [] :
      type === 'uint32' || type === 'uint64' ? t.uint64Data ?? [] :
      t.int32Data ?? [];
    data = Float64Array.from(Array.from(list, (x) => num(x)));
    // float16 travels as its bit pattern in int32_data.
    if (type === 'float16') data = data.map(halfToFloat);
    if (data.length !== count)
      throw new EdgefitError('MALFORMED', `${where}: ${data.length} values for shape [${shape.join(', ')}] (${count} elements)`);
  }
  return { type, shape, data };
}

export type AttrValue = number | number[] | string | NdArray | string[];

/** A node's attributes by name, with typed accessors that name the node in errors. */
export class Attributes {
  private readonly map = new Map<string, AttributeProto>();
  constructor(list: readonly AttributeProto[] | null | undefined, private readonly where: string) {
    for (const a of list ?? []) this.map.set(a.name ?? '', a);
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
  names(): string[] {
    return [...this.map.keys()];
  }
  private get(name: string): AttributeProto | undefined {
    const a = this.map.get(name);
    if (a?.refAttrName) throw new EdgefitError('UNSUPPORTED', `${this.where}: attribute ${name} refers to a function attribute`);
    return a;
  }
  int(name: string, def: number): number;
  int(name: string): number | undefined;
  int(name: string, def?: number): number | undefined {
    const a = this.get(name);
    return a ? num(a.i) : def;
  }
  float(name: string, def: number): number {
    const a = this.get(name);
    return a ? Math.fround(a.f ?? 0) : def;
  }
  string(name: string, def: string): string {
    const a = this.get(name);
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array()) : def;
  }
  ints(name: string): number[] | undefined {
    const a = this.get(name);
    return a ? (a.ints ?? []).map(num) : undefined;
  }
  floats(name: string): number[] | undefined {
    const a = this.get(name);
    return a ? (a.floats ?? []).map(Math.fround) : undefined;
  }
  strings(name: string): string[] | undefined {
    const a = this.get(name);
    return a ? (a.strings ?? []).map((b) => new TextDecoder().decode(b)) : undefined;
  }
  tensor(name: string): NdArray | undefined {
    const a = this.get(name);
    return a?.t ? tensorValues(a.t, `${this.where} attribute ${name}`) : undefined;
  }
  /** Rejects attributes the lowering does not read (so none is silently ignored). */
  only(known: readonly string[]): void {
    for (const n of this.map.keys())
      if (!known.includes(n)) throw new EdgefitError('UNSUPPORTED', `${this.where}: attribute ${n} is not supported`);
  }
}
