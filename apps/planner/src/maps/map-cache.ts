import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { MAP_DATA_CHUNK_BYTES, MapDataRepository } from './map-data.repository';

/** A worker's local copy of stored map data: `<MAPS_DIR>/<sha256>.rdgraph`. */
export function cachedMapFile(mapsDir: string, hash: string): string {
  return join(resolve(mapsDir), `${hash}.rdgraph`);
}

/** A cache file's name: the hash of its bytes and the extension (temporary files end otherwise). */
const CACHED_FILE_NAME = /^([0-9a-f]{64})\.rdgraph$/;

/** SHA-256 (hex) of bytes, a slice at a time with the event loop let through between slices. */
export async function sha256Of(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += MAP_DATA_CHUNK_BYTES) {
    hash.update(bytes.subarray(at, at + MAP_DATA_CHUNK_BYTES));
    await new Promise((r) => setImmediate(r));
  }
  return hash.digest('hex');
}

/**
 * A whole file, read a slice at a time into page-aligned memory (the routing data's typed arrays view it
 * without a copy): `readFile` refuses files over 2 GiB, and a province's map is larger.
 */
export async function readFileInSlices(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafeSlow(size);
    for (let at = 0; at < size;) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(MAP_DATA_CHUNK_BYTES * 16, size - at), at);
      if (bytesRead === 0) throw new Error(`${file} ended at ${at} of ${size} bytes (changed while read?)`);
      at += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Preprocessed maps addressed by content hash: stored once in PostgreSQL, where every planner worker
 * reaches them, and cached per worker in MAPS_DIR. A cached file is used only when its bytes hash to
 * its name; a missing or damaged one is fetched again, written to a temporary file and renamed into
 * place, so a reader never sees half a file.
 */
@Injectable()
export class MapCache {
  private readonly logger = new Logger(MapCache.name);
  /** Fetches under way, so concurrent jobs of one worker fetch a map once. */
  private readonly fetching = new Map<string, Promise<Uint8Array>>();
  /** Hashes this worker is storing from imports (how many of each): prune() leaves their files alone. */
  private readonly adopting = new Map<string, number>();

  constructor(
    private readonly data: MapDataRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private dir(): string {
    const dir = resolve(this.config.MAPS_DIR);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Where an import writes its file before its hash is known. */
  importFile(mapId: string): string {
    return join(this.dir(), `import-${mapId}.rdgraph.tmp`);
  }

  /**
   * Takes a freshly written import: hashes it, stores it in the database for the map (which then names
   * it) and moves it to its cache name. Stored before it is renamed, so a pass that prunes this cache
   * (another worker's, when they share MAPS_DIR) sees its hash in use before the file appears.
   */
  async adopt(importFile: string, mapId: string): Promise<{ hash: string; sizeBytes: number }> {
    const bytes = await readFileInSlices(importFile);
    const hash = await sha256Of(bytes);
    this.adopting.set(hash, (this.adopting.get(hash) ?? 0) + 1);
    try {
      await this.data.store(hash, importFile, bytes.length, mapId);
      await rename(importFile, cachedMapFile(this.dir(), hash));
    } finally {
      const left = (this.adopting.get(hash) ?? 1) - 1;
      if (left > 0) this.adopting.set(hash, left);
      else this.adopting.delete(hash);
    }
    return { hash, sizeBytes: bytes.length };
  }

  /**
   * Deletes cached map files whose hash is not in `keep` (the data of maps in use), so a worker's cache
   * does not grow with every map it ever loaded. Files being fetched or adopted by this worker, and
   * temporary files, are left alone. Answers the hashes whose files were removed.
   */
  async prune(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await readdir(this.dir())) {
      const hash = CACHED_FILE_NAME.exec(name)?.[1];
      if (!hash || keep.has(hash) || this.fetching.has(hash) || this.adopting.has(hash)) continue;
      await unlink(join(this.dir(), name)).catch(() => undefined);
      removed.push(hash);
    }
    if (removed.length) this.logger.log(`removed ${removed.length} cached map file(s) no map in use names`);
    return removed;
  }

  /** The map data of a hash, verified: the local copy when intact, else fetched from the database. */
  bytes(hash: string): Promise<Uint8Array> {
    let pending = this.fetching.get(hash);
    if (!pending) {
      pending = this.localOrFetched(hash).finally(() => this.fetching.delete(hash));
      this.fetching.set(hash, pending);
    }
    return pending;
  }

  private async localOrFetched(hash: string): Promise<Uint8Array> {
    const file = cachedMapFile(this.dir(), hash);
    const local = await readFileInSlices(file).catch(() => null);
    if (local) {
      if ((await sha256Of(local)) === hash) return local;
      this.logger.warn(`cached map ${hash} is damaged (its bytes hash otherwise): fetching it again`);
      await unlink(file).catch(() => undefined);
    }
    return this.fetch(hash, file);
  }

  private async fetch(hash: string, file: string): Promise<Uint8Array> {
    const started = performance.now();
    const unavailable = (reason: string) =>
      new DomainError(DomainErrorCode.Unavailable, `map data ${hash} cannot be loaded: ${reason}`, [
        { field: 'map', reason },
      ]);
    const stored = await this.data.describe(hash);
    // Retention deletes the data of maps no longer in use: a worker that read the old active map just
    // before a newer one replaced it ends here (MapStore then loads the region's current map).
    if (!stored)
      throw unavailable('not stored in the database (removed with a superseded map, or never imported)');
    // Page-aligned (not pooled) memory: the routing data's typed arrays view it without a copy.
    const bytes = Buffer.allocUnsafeSlow(stored.sizeBytes);
    const digest = createHash('sha256');
    let filled = 0;
    for (let seq = 0; seq < stored.chunkCount; seq++) {
      const chunk = await this.data.chunk(hash, seq);
      if (!chunk || filled + chunk.length > bytes.length)
        throw unavailable(`chunk ${seq} is missing or too long (the data was removed while it was read?)`);
      chunk.copy(bytes, filled);
      digest.update(chunk);
      filled += chunk.length;
    }
    if (filled !== bytes.length || digest.digest('hex') !== hash)
      throw unavailable('the stored bytes do not match their hash');
    const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    this.logger.log(
      `fetched map ${hash} (${(await stat(file)).size} bytes) from the database in ${(performance.now() - started).toFixed(0)} ms`,
    );
    return bytes;
  }
}
