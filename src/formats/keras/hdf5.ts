/**
 * HDF5 through h5wasm (the HDF5 C library in WebAssembly; runs in Node and browsers). The bytes are written
 * to a uniquely named file in h5wasm's in-memory file system, read, then closed and removed.
 */
import { EdgefitError } from '../../ir/errors.js';
import { halfToFloat } from '../../ir/tensor-data.js';

type H5 = typeof import('h5wasm').default;
export type H5Group = InstanceType<H5['Group']>;
export type H5Dataset = InstanceType<H5['Dataset']>;

let opened = 0;

/** Opens `bytes` as HDF5 for the duration of `read`. */
export async function withHdf5<T>(bytes: Uint8Array, what: string, read: (root: H5Group, h5: H5) => T): Promise<T> {
  const h5 = (await import('h5wasm')).default;
  const { FS } = await h5.ready;
  const path = `/edgefit-${Date.now()}-${opened++}.h5`;
  FS!.writeFile(path, bytes);
  let file: InstanceType<H5['File']> | undefined;
  try {
    let problem = 'the HDF5 library refused it';
    try {
      file = new h5.File(path, 'r');
    } catch (e) {
      problem = (e as Error).message;
    }
    // h5wasm reports a failed open as a negative file id rather than an exception.
    if (!file || (file as unknown as { file_id: bigint }).file_id < 0n) {
      file = undefined;
      throw new EdgefitError('TRUNCATED', `${what} is not a readable HDF5 file (truncated or corrupt: ${problem})`);
    }
    try {
      return read(file, h5);
    } catch (e) {
      if (e instanceof EdgefitError) throw e;
      throw new EdgefitError('MALFORMED', `${what}: HDF5 content could not be read (${(e as Error).message})`);
    }
  } finally {
    file?.close();
    FS!.unlink(path);
  }
}

/** A string attribute (h5py writes them as fixed or variable-length strings, sometimes as bytes). */
export function stringAttr(node: H5Group, name: string): string | undefined {
  const v = node.attrs[name]?.value;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return String(v);
}

/** A string-list attribute (`layer_names`, `weight_names`). */
export function stringListAttr(node: H5Group, name: string): string[] {
  const v = node.attrs[name]?.value;
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<unknown>) : [];
  return list.map((s) => (s instanceof Uint8Array ? new TextDecoder().decode(s) : String(s)));
}

/** A numeric dataset as float32 (float16, float64 and integer datasets converted). */
export function datasetFloats(ds: H5Dataset, where: string): { shape: number[]; values: Float32Array } {
  const shape = ds.shape ?? [];
  const meta = ds.metadata;
  const value = ds.value as unknown;
  let values: Float32Array;
  if (meta.type === 1 && meta.size === 2) values = Float32Array.from(value as Uint16Array, halfToFloat);
  else if (value instanceof Float32Array) values = value;
  else if (ArrayBuffer.isView(value)) values = Float32Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  else if (typeof value === 'number' || typeof value === 'bigint') values = Float32Array.of(Number(value));
  else throw new EdgefitError('UNSUPPORTED', `${where}: dataset of type ${JSON.stringify(ds.dtype)} is not numeric`);
  if (ds.attrs.dtype && String(ds.attrs.dtype.value) === 'bfloat16') throw new EdgefitError('UNSUPPORTED', `${where}: bfloat16 weights`);
  return { shape, values };
}
