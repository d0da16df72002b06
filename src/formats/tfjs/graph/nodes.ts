/**
 * The GraphDef as tfjs-converter writes it into model.json (protobuf JSON: int64 as strings, bytes as
 * base64, default values often omitted), and typed readers for node attributes.
 */
import { EdgefitError } from '../../../ir/errors.js';
import type { DType } from '../../../ir/model.js';

export interface TfShape {
  dim?: { size?: string | number }[];
  unknownRank?: boolean;
}

export interface TfAttr {
  i?: string | number;
  f?: number | string;
  b?: boolean;
  s?: string;
  type?: string;
  shape?: TfShape;
  list?: { i?: (string | number)[]; f?: (number | string)[]; s?: string[]; b?: boolean[]; type?: string[]; shape?: TfShape[] };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

/** `name`, `name:1` (output 1), `^name` (control dependency: ordering only, no data). */
export interface TensorRef {
  node: string;
  index: number;
  control: boolean;
}

export function parseRef(ref: string): TensorRef {
  if (ref.startsWith('^')) return { node: ref.slice(1), index: 0, control: true };
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? { node: m[1]!, index: Number(m[2]), control: false } : { node: ref, index: 0, control: false };
}

/** The data inputs of a node (control inputs dropped). */
export const dataInputs = (node: TfNode): TensorRef[] => (node.input ?? []).map(parseRef).filter((r) => !r.control);

const TF_DTYPES: Record<string, DType> = {
  DT_FLOAT: 'float32', DT_INT32: 'int32', DT_BOOL: 'bool', DT_UINT8: 'uint8', DT_INT64: 'int32', DT_HALF: 'float32', DT_DOUBLE: 'float32',
};

/** The IR dtype of a TensorFlow DataType (int64 and half/double are computed as int32 and float32, as tfjs does). */
export function dtypeOf(tfType: string | undefined, where: string): DType {
  const d = TF_DTYPES[tfType ?? ''];
  if (!d) throw new EdgefitError('UNSUPPORTED', `${where}: TensorFlow dtype ${tfType ?? '(none)'} is not supported`);
  return d;
}

/** A shape attribute with -1 for unknown dimensions; undefined for an unknown rank. */
export function shapeOf(shape: TfShape | undefined): number[] | undefined {
  if (!shape || shape.unknownRank) return undefined;
  return (shape.dim ?? []).map((d) => Number(d.size ?? -1));
}

const decodeString = (b64: string): string => {
  try {
    return atob(b64);
  } catch {
    return b64;
  }
};

/** Typed access to a node's attributes; a missing attribute takes the given default or is an error. */
export class Attrs {
  constructor(private readonly node: TfNode) {}

  private get(name: string): TfAttr | undefined {
    return this.node.attr?.[name];
  }

  private missing(name: string): never {
    throw new EdgefitError('MALFORMED', `attribute ${name} is missing`);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  int(name: string, fallback?: number): number {
    const a = this.get(name);
    return a?.i !== undefined ? Number(a.i) : a && Object.keys(a).length === 0 ? 0 : fallback ?? this.missing(name);
  }

  float(name: string, fallback?: number): number {
    const a = this.get(name);
    return a?.f !== undefined ? Number(a.f) : a && Object.keys(a).length === 0 ? 0 : fallback ?? this.missing(name);
  }

  bool(name: string, fallback = false): boolean {
    return this.get(name)?.b ?? fallback;
  }

  str(name: string, fallback?: string): string {
    const s = this.get(name)?.s;
    return s !== undefined ? decodeString(s) : fallback ?? this.missing(name);
  }

  ints(name: string, fallback?: number[]): number[] {
    const a = this.get(name);
    if (a?.list) return (a.list.i ?? []).map(Number);
    return fallback ?? this.missing(name);
  }

  strs(name: string): string[] {
    return (this.get(name)?.list?.s ?? []).map(decodeString);
  }

  type(name: string): string | undefined {
    return this.get(name)?.type;
  }

  shape(name: string): TfShape | undefined {
    return this.get(name)?.shape;
  }
}
