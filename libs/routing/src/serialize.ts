import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
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

function checksum(words: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

/** The routing data as one byte array (see saveRoutingData). */
export function serializeRoutingData(data: RoutingData): Uint8Array {
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
    parts.push({ profile: pi, key: 'snap.index', array: new Uint8Array(pd.snapIndex.index.data) });
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
      snapIndexBytes: pd.snapIndex.index.data.byteLength,
      ch: chMeta,
      sections: {},
    });
  });
  // lay out sections after a metadata block whose size we fix first (offsets are relative to the data start)
  let offset = 0;
  for (const p of parts) {
    metas[p.profile].sections[p.key] = { offset, length: p.array.length, type: typeName(p.array) };
    offset += Math.ceil(p.array.byteLength / 8) * 8;
  }
  const metaBytes = new TextEncoder().encode(JSON.stringify({ profiles: metas }));
  const metaPadded = Math.ceil(metaBytes.length / 8) * 8;
  const dataStart = HEADER + metaPadded;
  const out = new Uint8Array(dataStart + offset);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, metaBytes.length, true);
  out.set(metaBytes, HEADER);
  for (const p of parts) {
    const s = metas[p.profile].sections[p.key];
    out.set(new Uint8Array(p.array.buffer, p.array.byteOffset, p.array.byteLength), dataStart + s.offset);
  }
  view.setUint32(12, checksum(new Uint32Array(out.buffer, HEADER, (out.length - HEADER) / 4)), true);
  return out;
}

/** Saves the preprocessed graphs, hierarchies and snapping indexes to one binary file. */
export function saveRoutingData(data: RoutingData, file: string): number {
  const bytes = serializeRoutingData(data);
  writeFileSync(file, bytes);
  return bytes.length;
}

export interface LoadOptions {
  /**
   * Read the file into a SharedArrayBuffer: every typed array is then shared memory, so worker
   * threads (MatrixThreads in @rd/road-router) use the hierarchy without any copy.
   */
  shared?: boolean;
}

/** Loads a file written by saveRoutingData: typed-array views into one buffer, no parsing. */
export function loadRoutingData(file: string, options: LoadOptions = {}): RoutingData {
  if (!existsSync(file)) throw new RoutingError('file-not-found', `routing data file not found: ${file}`);
  if (!options.shared) return deserializeRoutingData(readFileSync(file), file);
  const bytes = new Uint8Array(new SharedArrayBuffer(statSync(file).size));
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at < bytes.length;) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return deserializeRoutingData(bytes, file);
}

export function deserializeRoutingData(bytes: Uint8Array, name = 'routing data'): RoutingData {
  const bad = (what: string): RoutingError =>
    new RoutingError('bad-routing-data', `${name}: ${what}; re-run the import and saveRoutingData()`);
  if (bytes.length < HEADER) throw bad('file too short to be routing data');
  for (let i = 0; i < 8; i++)
    if (bytes[i] !== MAGIC.charCodeAt(i))
      throw bad('not a routing data file (bad magic) or an older format version');
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
