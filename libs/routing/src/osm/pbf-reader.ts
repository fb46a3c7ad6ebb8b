import { inflateSync } from 'node:zlib';
import Pbf from 'pbf';
import { RoutingError } from '../errors';
import type { OsmTags } from '../profiles';
import { NODE_KEYS_KEPT, OsmCollector, restrictionFromMembers, type OsmData } from './osm-data';

/*
 * OSM PBF (https://wiki.openstreetmap.org/wiki/PBF_Format): a sequence of
 * [4-byte big-endian length][BlobHeader][Blob]; Blob holds a zlib'd (or raw) OSMHeader or
 * PrimitiveBlock. Field numbers from fileformat.proto and osmformat.proto.
 */

interface BlobHeader {
  type: string;
  datasize: number;
}

function readBlobHeader(tag: number, h: BlobHeader, pbf: Pbf): void {
  if (tag === 1) h.type = pbf.readString();
  else if (tag === 3) h.datasize = pbf.readVarint();
}

interface Blob {
  raw: Uint8Array | null;
  zlib: Uint8Array | null;
  rawSize: number;
  other: number;
}

function readBlob(tag: number, b: Blob, pbf: Pbf): void {
  if (tag === 1) b.raw = pbf.readBytes();
  else if (tag === 2) b.rawSize = pbf.readVarint();
  else if (tag === 3) b.zlib = pbf.readBytes();
  else if (tag >= 4) b.other = tag;
}

interface Block {
  strings: string[];
  granularity: number;
  latOffset: number;
  lonOffset: number;
  groups: Array<[number, number]>;
}

function readBlock(tag: number, blk: Block, pbf: Pbf): void {
  if (tag === 1) {
    const end = pbf.readVarint() + pbf.pos;
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      if (val >> 3 === 1) blk.strings.push(pbf.readString());
      else pbf.skip(val);
    }
  } else if (tag === 2) {
    const len = pbf.readVarint();
    blk.groups.push([pbf.pos, pbf.pos + len]);
    pbf.pos += len;
  } else if (tag === 17) blk.granularity = pbf.readVarint();
  else if (tag === 19) blk.latOffset = pbf.readVarint(true);
  else if (tag === 20) blk.lonOffset = pbf.readVarint(true);
}

function decodeBlock(data: Uint8Array, out: OsmCollector): void {
  const pbf = new Pbf(data);
  const blk = pbf.readFields<Block>(readBlock, {
    strings: [],
    granularity: 100,
    latOffset: 0,
    lonOffset: 0,
    groups: [],
  });
  for (const [start, end] of blk.groups) {
    pbf.pos = start;
    while (pbf.pos < end) {
      const val = pbf.readVarint();
      const tag = val >> 3;
      pbf.type = val & 7;
      if (tag === 2) {
        const len = pbf.readVarint();
        decodeDense(pbf, pbf.pos + len, blk, out);
      } else if (tag === 3) {
        const len = pbf.readVarint();
        decodeWay(pbf, pbf.pos + len, blk.strings, out);
      } else if (tag === 1) {
        const len = pbf.readVarint();
        decodeNode(pbf, pbf.pos + len, blk, out);
      } else if (tag === 4) {
        const len = pbf.readVarint();
        decodeRelation(pbf, pbf.pos + len, blk.strings, out);
      } else pbf.skip(val);
    }
  }
}

function decodeDense(pbf: Pbf, end: number, blk: Block, out: OsmCollector): void {
  let ids: number[] = [];
  let lats: number[] = [];
  let lons: number[] = [];
  let keysVals: number[] = [];
  while (pbf.pos < end) {
    const val = pbf.readVarint();
    const tag = val >> 3;
    pbf.type = val & 7;
    if (tag === 1) ids = pbf.readPackedSVarint(ids);
    else if (tag === 8) lats = pbf.readPackedSVarint(lats);
    else if (tag === 9) lons = pbf.readPackedSVarint(lons);
    else if (tag === 10) keysVals = pbf.readPackedVarint(keysVals);
    else pbf.skip(val);
  }
  if (ids.length !== lats.length || ids.length !== lons.length) {
    throw new RoutingError('corrupt-file', 'DenseNodes with mismatched id/lat/lon counts');
  }
  let id = 0;
  let lat = 0;
  let lon = 0;
  // keys_vals: per node, key/value string indexes, then 0; only barrier and limit nodes are kept
  const strings = blk.strings;
  let kv = 0;
  for (let i = 0; i < ids.length; i++) {
    id += ids[i];
    lat += lats[i];
    lon += lons[i];
    out.addNode(
      id,
      (blk.lonOffset + blk.granularity * lon) * 1e-9,
      (blk.latOffset + blk.granularity * lat) * 1e-9,
    );
    if (kv >= keysVals.length) continue;
    const start = kv;
    let barrier = false;
    while (kv < keysVals.length && keysVals[kv] !== 0) {
      if (NODE_KEYS_KEPT.has(strings[keysVals[kv]])) barrier = true;
      kv += 2;
    }
    if (barrier) {
      const tags: Record<string, string> = {};
      for (let k = start; k < kv; k += 2) tags[strings[keysVals[k]]] = strings[keysVals[k + 1]];
      out.addBarrier(id, tags);
    }
    kv++;
  }
}

function decodeNode(pbf: Pbf, end: number, blk: Block, out: OsmCollector): void {
  let id = 0;
  let lat = 0;
  let lon = 0;
  let keys: number[] = [];
  let vals: number[] = [];
  while (pbf.pos < end) {
    const val = pbf.readVarint();
    const tag = val >> 3;
    pbf.type = val & 7;
    if (tag === 1) id = pbf.readSVarint();
    else if (tag === 2) keys = pbf.readPackedVarint(keys);
    else if (tag === 3) vals = pbf.readPackedVarint(vals);
    else if (tag === 8) lat = pbf.readSVarint();
    else if (tag === 9) lon = pbf.readSVarint();
    else pbf.skip(val);
  }
  out.addNode(
    id,
    (blk.lonOffset + blk.granularity * lon) * 1e-9,
    (blk.latOffset + blk.granularity * lat) * 1e-9,
  );
  if (keys.some((k) => NODE_KEYS_KEPT.has(blk.strings[k]))) {
    out.addBarrier(id, tagsOf(keys, vals, blk.strings, `node ${id}`));
  }
}

function decodeWay(pbf: Pbf, end: number, strings: string[], out: OsmCollector): void {
  let id = 0;
  let keys: number[] = [];
  let vals: number[] = [];
  let refs: number[] = [];
  while (pbf.pos < end) {
    const val = pbf.readVarint();
    const tag = val >> 3;
    pbf.type = val & 7;
    if (tag === 1) id = pbf.readVarint();
    else if (tag === 2) keys = pbf.readPackedVarint(keys);
    else if (tag === 3) vals = pbf.readPackedVarint(vals);
    else if (tag === 8) refs = pbf.readPackedSVarint(refs);
    else pbf.skip(val);
  }
  let hasHighway = false;
  for (let i = 0; i < keys.length; i++) {
    if (strings[keys[i]] === 'highway') hasHighway = true;
  }
  if (!hasHighway) return;
  out.addWay(id, undelta(refs), tagsOf(keys, vals, strings, `way ${id}`) as OsmTags);
}

function decodeRelation(pbf: Pbf, end: number, strings: string[], out: OsmCollector): void {
  let id = 0;
  let keys: number[] = [];
  let vals: number[] = [];
  let roles: number[] = [];
  let memids: number[] = [];
  let types: number[] = [];
  while (pbf.pos < end) {
    const val = pbf.readVarint();
    const tag = val >> 3;
    pbf.type = val & 7;
    if (tag === 1) id = pbf.readVarint();
    else if (tag === 2) keys = pbf.readPackedVarint(keys);
    else if (tag === 3) vals = pbf.readPackedVarint(vals);
    else if (tag === 8) roles = pbf.readPackedVarint(roles);
    else if (tag === 9) memids = pbf.readPackedSVarint(memids);
    else if (tag === 10) types = pbf.readPackedVarint(types);
    else pbf.skip(val);
  }
  let isRestriction = false;
  for (let i = 0; i < keys.length; i++) {
    if (strings[keys[i]] === 'type' && strings[vals[i]] === 'restriction') isRestriction = true;
  }
  if (!isRestriction) return;
  const tags = tagsOf(keys, vals, strings, `relation ${id}`);
  undelta(memids);
  out.addRestriction(
    restrictionFromMembers(
      id,
      tags as OsmTags,
      memids,
      types,
      roles.map((r) => strings[r]),
    ),
  );
}

/** Decodes an OSM PBF file's nodes and highway ways. Throws RoutingError('corrupt-file') naming the byte offset on damage. */
export function readOsmPbf(bytes: Uint8Array, name = 'file'): OsmData {
  const out = new OsmCollector();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let sawHeader = false;
  while (pos < bytes.length) {
    const at = pos;
    if (pos + 4 > bytes.length) throw corrupt(name, at, 'truncated blob header length');
    const headerLen = view.getUint32(pos);
    pos += 4;
    if (headerLen > 64 * 1024 || pos + headerLen > bytes.length)
      throw corrupt(name, at, `bad or truncated BlobHeader (length ${headerLen})`);
    let header: BlobHeader;
    try {
      header = new Pbf(bytes.subarray(pos, pos + headerLen)).readFields<BlobHeader>(readBlobHeader, {
        type: '',
        datasize: -1,
      });
    } catch (e) {
      throw corrupt(name, at, `unreadable BlobHeader (${(e as Error).message})`);
    }
    pos += headerLen;
    if (header.datasize < 0 || header.datasize > 64 * 1024 * 1024)
      throw corrupt(name, at, `bad Blob size ${header.datasize}`);
    if (pos + header.datasize > bytes.length) {
      throw corrupt(
        name,
        at,
        `truncated: Blob of ${header.datasize} bytes but only ${bytes.length - pos} remain`,
      );
    }
    const blobBytes = bytes.subarray(pos, pos + header.datasize);
    pos += header.datasize;
    if (header.type !== 'OSMHeader' && header.type !== 'OSMData') {
      if (!sawHeader)
        throw corrupt(name, at, `not an OSM PBF file (first block type "${header.type.slice(0, 20)}")`);
      continue;
    }
    if (header.type === 'OSMHeader') {
      sawHeader = true;
      continue;
    }
    if (!sawHeader) throw corrupt(name, at, 'OSMData before OSMHeader');
    let data: Uint8Array;
    try {
      const blob = new Pbf(blobBytes).readFields<Blob>(readBlob, {
        raw: null,
        zlib: null,
        rawSize: 0,
        other: 0,
      });
      if (blob.raw) data = blob.raw;
      else if (blob.zlib) data = inflateSync(blob.zlib);
      else throw new Error(blob.other ? `unsupported compression (Blob field ${blob.other})` : 'empty Blob');
    } catch (e) {
      throw corrupt(name, at, `cannot decompress Blob: ${(e as Error).message}`);
    }
    try {
      decodeBlock(data, out);
    } catch (e) {
      if (e instanceof RoutingError) throw corrupt(name, at, e.message);
      throw corrupt(name, at, `cannot decode PrimitiveBlock: ${(e as Error).message}`);
    }
  }
  if (!sawHeader) throw new RoutingError('corrupt-file', `${name}: empty file, no OSMHeader block`);
  return out.finish();
}

function corrupt(name: string, at: number, what: string): RoutingError {
  return new RoutingError('corrupt-file', `${name}: corrupt or truncated OSM PBF at byte ${at}: ${what}`);
}

/** Key and value string-table indices → a tag object; an index outside the table means a corrupt block. */
function tagsOf(keys: number[], vals: number[], strings: string[], what: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = strings[keys[i]];
    const v = strings[vals[i]];
    if (k === undefined || v === undefined)
      throw new RoutingError('corrupt-file', `${what} has a tag outside the string table`);
    tags[k] = v;
  }
  return tags;
}

/** Delta-coded ids (ways' node refs, relations' member ids) → absolute ids, in place. */
function undelta(values: number[]): number[] {
  let acc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += values[i];
    values[i] = acc;
  }
  return values;
}
