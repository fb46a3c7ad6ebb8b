import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { ContractionHierarchy } from './ch/contract';
import { graphDataId } from './data-id';
import { RoutingError } from './errors';
import { GRAPH_ARRAYS, LIMIT_ARRAYS, TURN_ARRAYS, type RoadGraph, type Weighting } from './road-graph';
import type { ProfileRoutingData, RoutingData } from './routing-data';
import { SnapIndex } from './snap';

/*
 * One file, one ArrayBuffer: [magic "RDRT1\0\0\0"][u32 metadata length][u32 checksum][metadata JSON,
 * padded to 8][typed-array sections, each 8-byte aligned]. Loading checks the checksum and makes
 * typed-array views into the buffer: nothing is parsed but the small metadata.
 */

const MAGIC = 'RDRT3\0\0\0';
const HEADER = 16;

type Typed = Float64Array | Uint32Array | Int32Array | Uint8Array;
const CTORS = { f64: Float64Array, u32: Uint32Array, i32: Int32Array, u8: Uint8Array } as const;
type TypeName = keyof typeof CTORS;

function typeName(a: Typed): TypeName {
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  return 'u8';
}

interface Section {
  offset: number;
  length: number;
  type: TypeName;
}

interface ProfileMeta {
  name: string;
  nodeCount: number;
  edgeCount: number;
  refLat: number;
  /** graphDataId of the graph (files before it was saved get it computed on load). */
  dataId?: string;
  snapIndexBytes: number;
  ch: Array<{ weighting: Weighting; nodeCount: number; arcCount: number; shortcutCount: number }>;
  sections: Record<string, Section>;
}

const CH_ARRAYS = [
  'rank',
  'order',
  'upFirst',
  'upTarget',
  'upWeight',
  'upAux',
  'upArc',
  'downFirst',
  'downSource',
  'downWeight',
  'downAux',
  'downArc',
  'arcChildA',
  'arcChildB',
] as const;

const CHECKSUM_SEED = 0x811c9dc5;

/** Continues the file checksum (FNV-1a style, one multiply per 32-bit word) over `count` words. */
function checksumWords(h: number, words: Uint32Array, count: number): number {
  for (let i = 0; i < count; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h;
}

function checksum(words: Uint32Array): number {
  return checksumWords(CHECKSUM_SEED, words, words.length) >>> 0;
}

/** Where each array goes: the metadata block, then every section 8-byte aligned (offsets from `dataStart`). */
interface Layout {
  metaBytes: Uint8Array;
  dataStart: number;
  total: number;
  parts: Array<{ bytes: Uint8Array; at: number }>;
}

function layoutRoutingData(data: RoutingData): Layout {
  const parts: Array<{ profile: number; key: string; array: Typed }> = [];
  const metas: ProfileMeta[] = [];
  Object.entries(data.profiles).forEach(([name, pd], pi) => {
    const g = pd.graph as unknown as Record<string, Typed>;
    for (const k of GRAPH_ARRAYS) parts.push({ profile: pi, key: `graph.${k}`, array: g[k] });
    for (const k of [...TURN_ARRAYS, ...LIMIT_ARRAYS])
      if (g[k]) parts.push({ profile: pi, key: `graph.${k}`, array: g[k] });
    parts.push({ profile: pi, key: 'inMain', array: pd.inMain });
    parts.push({ profile: pi, key: 'snap.segStart', array: pd.snapIndex.segStart });
    parts.push({ profile: pi, key: 'snap.segEdge', array: pd.snapIndex.segEdge });
    // a loaded index views the whole file's buffer: its own bytes run from its offset to its last array's end
    const index = pd.snapIndex.index;
    const indexEnd = index._indices.byteOffset + index._indices.byteLength;
    const indexBytes = new Uint8Array(index.data, index.byteOffset, indexEnd - index.byteOffset);
    parts.push({ profile: pi, key: 'snap.index', array: indexBytes });
    const chMeta: ProfileMeta['ch'] = [];
    for (const [w, ch] of Object.entries(pd.ch) as Array<[Weighting, ContractionHierarchy]>) {
      const c = ch as unknown as Record<string, Typed>;
      for (const k of CH_ARRAYS) parts.push({ profile: pi, key: `ch.${w}.${k}`, array: c[k] });
      chMeta.push({
        weighting: w,
        nodeCount: ch.nodeCount,
        arcCount: ch.arcCount,
        shortcutCount: ch.shortcutCount,
      });
    }
    metas.push({
      name,
      nodeCount: pd.graph.nodeCount,
      edgeCount: pd.graph.edgeCount,
      refLat: pd.snapIndex.refLat,
      dataId: pd.dataId,
      snapIndexBytes: indexBytes.byteLength,
      ch: chMeta,
      sections: {},
    });
  });
  let offset = 0;
  const placed: Layout['parts'] = [];
  for (const p of parts) {
    if (!ArrayBuffer.isView(p.array)) throw new TypeError(`routing data: ${p.key} is not a typed array`);
    metas[p.profile].sections[p.key] = { offset, length: p.array.length, type: typeName(p.array) };
    placed.push({
      bytes: new Uint8Array(p.array.buffer, p.array.byteOffset, p.array.byteLength),
      at: offset,
    });
    offset += Math.ceil(p.array.byteLength / 8) * 8;
  }
  const metaBytes = new TextEncoder().encode(JSON.stringify({ profiles: metas }));
  const dataStart = HEADER + Math.ceil(metaBytes.length / 8) * 8;
  return { metaBytes, dataStart, total: dataStart + offset, parts: placed };
}

function headerBytes(metaLength: number): Uint8Array {
  const header = new Uint8Array(HEADER);
  for (let i = 0; i < 8; i++) header[i] = MAGIC.charCodeAt(i);
  new DataView(header.buffer).setUint32(8, metaLength, true);
  return header;
}

/** The routing data as one byte array (see saveRoutingData). */
export function serializeRoutingData(data: RoutingData): Uint8Array {
  const { metaBytes, dataStart, total, parts } = layoutRoutingData(data);
  const out = new Uint8Array(total);
  out.set(headerBytes(metaBytes.length), 0);
  out.set(metaBytes, HEADER);
  for (const p of parts) out.set(p.bytes, dataStart + p.at);
  new DataView(out.buffer).setUint32(
    12,
    checksum(new Uint32Array(out.buffer, HEADER, (total - HEADER) / 4)),
    true,
  );
  return out;
}

/** Node reads and writes at most 2 GiB per call; routing data of a province is larger. */
const IO_CHUNK = 64 * 2 ** 20;

/**
 * Saves the preprocessed graphs, hierarchies and snapping indexes to one binary file (the layout of
 * serializeRoutingData), streamed a slice at a time: no second copy of the data in memory and no limit
 * but the disk's. Written to a temporary file renamed into place, so a failed save leaves what was there.
 */
export function saveRoutingData(data: RoutingData, file: string): number {
  return saveRoutingDataInSlices(data, file, IO_CHUNK);
}

/** saveRoutingData with writes of `sliceBytes` (a multiple of 8) at a time; tests use small slices. */
export function saveRoutingDataInSlices(data: RoutingData, file: string, sliceBytes: number): number {
  const { metaBytes, dataStart, total, parts } = layoutRoutingData(data);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    try {
      // sequential: the metadata padded to 8, then each section padded to 8; the checksum follows the words
      const slice = new Uint8Array(sliceBytes);
      const words = new Uint32Array(slice.buffer);
      let position = HEADER;
      let sum = CHECKSUM_SEED;
      const put = (bytes: Uint8Array, paddedLength: number): void => {
        for (let at = 0; at < paddedLength; at += sliceBytes) {
          const n = Math.min(sliceBytes, paddedLength - at);
          const from = Math.min(at, bytes.length);
          const to = Math.min(at + n, bytes.length);
          slice.set(bytes.subarray(from, to), 0);
          slice.fill(0, to - from, n);
          sum = checksumWords(sum, words, n / 4);
          for (let done = 0; done < n;) done += writeSync(fd, slice, done, n - done, position + done);
          position += n;
        }
      };
      put(metaBytes, dataStart - HEADER);
      for (let i = 0; i < parts.length; i++) {
        const end = i + 1 < parts.length ? parts[i + 1].at : total - dataStart;
        put(parts[i].bytes, end - parts[i].at);
      }
      const header = headerBytes(metaBytes.length);
      new DataView(header.buffer).setUint32(12, sum >>> 0, true);
      writeSync(fd, header, 0, HEADER, 0);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return total;
}

export interface LoadOptions {
  /**
   * Read the file into a SharedArrayBuffer: every typed array is then shared memory, so worker
   * threads (MatrixThreads in @rd/road-router) use the hierarchy without any copy.
   */
  shared?: boolean;
}

/**
 * Loads a file written by saveRoutingData: typed-array views into one buffer, no parsing. The header
 * is checked before the rest is read (a foreign file is refused at once), then the file is read a
 * slice at a time (any size).
 */
export function loadRoutingData(file: string, options: LoadOptions = {}): RoutingData {
  return loadRoutingDataInSlices(file, options, IO_CHUNK);
}

/** loadRoutingData with reads of at most `sliceBytes` at a time; tests use small slices. */
export function loadRoutingDataInSlices(file: string, options: LoadOptions, sliceBytes: number): RoutingData {
  if (!existsSync(file)) throw new RoutingError('file-not-found', `routing data file not found: ${file}`);
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = new Uint8Array(Math.min(HEADER, size));
    readSync(fd, header, 0, header.length, 0);
    checkMagic(header, file);
    const bytes = new Uint8Array(options.shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
    for (let at = 0; at < size;) {
      const n = readSync(fd, bytes, at, Math.min(sliceBytes, size - at), at);
      if (n === 0) break;
      at += n;
    }
    return deserializeRoutingData(bytes, file);
  } finally {
    closeSync(fd);
  }
}

function badData(name: string, what: string): RoutingError {
  return new RoutingError('bad-routing-data', `${name}: ${what}; re-run the import and saveRoutingData()`);
}

function checkMagic(bytes: Uint8Array, name: string): void {
  if (bytes.length < HEADER) throw badData(name, 'file too short to be routing data');
  for (let i = 0; i < 8; i++)
    if (bytes[i] !== MAGIC.charCodeAt(i))
      throw badData(name, 'not a routing data file (bad magic) or an older format version');
}

export function deserializeRoutingData(bytes: Uint8Array, name = 'routing data'): RoutingData {
  const bad = (what: string): RoutingError => badData(name, what);
  checkMagic(bytes, name);
  // typed-array views need 8-byte alignment
  let buffer = bytes.buffer as ArrayBuffer;
  let base = bytes.byteOffset;
  if (base % 8 !== 0) {
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    buffer = copy.buffer;
    base = 0;
  }
  const view = new DataView(buffer, base, bytes.length);
  const metaLen = view.getUint32(8, true);
  if (bytes.length % 4 !== 0 || HEADER + metaLen > bytes.length) throw bad('truncated file');
  const sum = checksum(new Uint32Array(buffer, base + HEADER, (bytes.length - HEADER) / 4));
  if (sum !== view.getUint32(12, true)) throw bad('checksum mismatch (corrupt or truncated file)');
  let meta: { profiles: ProfileMeta[] };
  try {
    meta = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, base + HEADER, metaLen))) as {
      profiles: ProfileMeta[];
    };
  } catch {
    throw bad('unreadable metadata');
  }
  const dataStart = base + HEADER + Math.ceil(metaLen / 8) * 8;
  const profiles: Record<string, ProfileRoutingData> = {};
  for (const pm of meta.profiles) {
    const get = (key: string): Typed => {
      const s = pm.sections[key];
      if (!s) throw bad(`missing section ${key}`);
      const Ctor = CTORS[s.type];
      if (dataStart + s.offset + s.length * Ctor.BYTES_PER_ELEMENT > base + bytes.length)
        throw bad(`section ${key} runs past the end`);
      return new Ctor(buffer, dataStart + s.offset, s.length);
    };
    const g: Record<string, unknown> = { profile: pm.name, nodeCount: pm.nodeCount, edgeCount: pm.edgeCount };
    for (const k of GRAPH_ARRAYS) g[k] = get(`graph.${k}`);
    for (const k of [...TURN_ARRAYS, ...LIMIT_ARRAYS])
      if (pm.sections[`graph.${k}`]) g[k] = get(`graph.${k}`);
    const graph = g as unknown as RoadGraph;
    const ch: Partial<Record<Weighting, ContractionHierarchy>> = {};
    for (const c of pm.ch) {
      const h: Record<string, unknown> = {
        weighting: c.weighting,
        nodeCount: c.nodeCount,
        arcCount: c.arcCount,
        shortcutCount: c.shortcutCount,
      };
      for (const k of CH_ARRAYS) h[k] = get(`ch.${c.weighting}.${k}`);
      ch[c.weighting] = h as unknown as ContractionHierarchy;
    }
    const dataId = pm.dataId ?? graphDataId(graph);
    const idx = pm.sections['snap.index'];
    const snapIndex = SnapIndex.fromParts(
      graph,
      buffer,
      dataStart + idx.offset,
      get('snap.segStart') as Uint32Array,
      get('snap.segEdge') as Uint32Array,
      pm.refLat,
      dataId,
    );
    profiles[pm.name] = { graph, inMain: get('inMain') as Uint8Array, ch, snapIndex, dataId };
  }
  return { profiles };
}
