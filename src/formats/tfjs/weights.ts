/**
 * TF.js weight manifests (`weightsManifest` in model.json): groups of weights stored back to back across
 * the group's shard files, optionally quantized by tfjs-converter (uint8 / uint16 affine with `scale` and
 * `min`, or float16). Decoded here to plain typed arrays, shared by the layers and graph importers.
 */
import { EdgefitError } from '../../ir/errors.js';
import { halfToFloat } from '../../ir/tensor-data.js';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number; original_dtype?: string };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export type DecodedWeight = { name: string; shape: number[]; values: Float32Array | Int32Array | Uint8Array };

/** Reads a file named in the manifest, relative to model.json (the caller decides how: fs, fetch, a map). */
export type ReadRelative = (path: string) => Uint8Array | Promise<Uint8Array>;

const elementCount = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Decodes every weight of every group; weights are looked up by their manifest name. */
export async function decodeWeights(manifest: WeightGroup[], read: ReadRelative): Promise<Map<string, DecodedWeight>> {
  if (!Array.isArray(manifest)) throw new EdgefitError('MALFORMED', 'model.json: weightsManifest is not a list');
  const out = new Map<string, DecodedWeight>();
  for (const [g, group] of manifest.entries()) {
    const shards: Uint8Array[] = [];
    for (const path of group.paths ?? []) {
      try {
        shards.push(await read(path));
      } catch (e) {
        if (e instanceof EdgefitError) throw e.within(`weightsManifest[${g}]`);
        throw new EdgefitError('IO', `weight file ${path} (weightsManifest[${g}]) could not be read: ${(e as Error).message}`);
      }
    }
    const total = shards.reduce((n, s) => n + s.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const s of shards) bytes.set(s, at), (at += s.length);
    let offset = 0;
    for (const spec of group.weights ?? []) {
      const where = `weightsManifest[${g}] › ${spec.name}`;
      const count = elementCount(spec.shape);
      if (spec.dtype === 'string') {
        // Length-prefixed (uint32) strings: skipped, no TFLite op here consumes them as weights.
        for (let i = 0; i < count; i++) {
          if (offset + 4 > bytes.length) throw new EdgefitError('TRUNCATED', `${where}: string weights run past the shards' ${bytes.length} bytes`);
          offset += 4 + new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, true);
        }
        continue;
      }
      const q = spec.quantization;
      const elementBytes = q ? (q.dtype === 'uint8' ? 1 : 2) : spec.dtype === 'complex64' ? 8 : spec.dtype === 'bool' ? 1 : 4;
      const size = count * elementBytes;
      if (offset + size > bytes.length)
        throw new EdgefitError('TRUNCATED', `${where}: needs bytes ${offset}..${offset + size} but the shards hold ${bytes.length}`);
      const raw = bytes.slice(offset, offset + size);
      offset += size;
      let values: Float32Array | Int32Array | Uint8Array;
      if (q) {
        const isInt = (q.original_dtype ?? spec.dtype) === 'int32';
        const f = new Float32Array(count);
        if (q.dtype === 'float16') {
          const h = new Uint16Array(raw.buffer);
          for (let i = 0; i < count; i++) f[i] = halfToFloat(h[i]!);
        } else {
          if (q.scale === undefined || q.min === undefined) throw new EdgefitError('MALFORMED', `${where}: ${q.dtype} quantization without scale/min`);
          const src = q.dtype === 'uint8' ? raw : new Uint16Array(raw.buffer);
          for (let i = 0; i < count; i++) f[i] = src[i]! * q.scale + q.min;
        }
        values = isInt ? Int32Array.from(f, Math.round) : f;
      } else if (spec.dtype === 'float32') values = new Float32Array(raw.buffer);
      else if (spec.dtype === 'int32') values = new Int32Array(raw.buffer);
      else if (spec.dtype === 'bool') values = raw;
      else throw new EdgefitError('UNSUPPORTED', `${where}: weight dtype ${spec.dtype}`);
      out.set(spec.name, { name: spec.name, shape: [...spec.shape], values });
    }
    if (offset !== bytes.length)
      throw new EdgefitError('MALFORMED', `weightsManifest[${g}]: the shards hold ${bytes.length} bytes but the manifest describes ${offset}`);
  }
  return out;
}
