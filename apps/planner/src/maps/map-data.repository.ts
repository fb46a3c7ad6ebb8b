import { open } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Bytes per stored chunk: small enough for one bytea parameter and one row in memory at a time. */
export const MAP_DATA_CHUNK_BYTES = 4 * 1024 * 1024;

interface ChunkRow {
  data: Buffer;
}
interface MapDataRow {
  size_bytes: string;
  chunk_count: number;
}

/** Preprocessed map files stored in PostgreSQL by content hash, in chunks, for every planner worker. */
@Injectable()
export class MapDataRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Stores a file's bytes under its hash, once: an identical map stored before (or by another worker
   * at the same moment) is kept as it is. The file is read one chunk at a time.
   */
  async store(hash: string, file: string, sizeBytes: number): Promise<void> {
    const chunkCount = Math.ceil(sizeBytes / MAP_DATA_CHUNK_BYTES);
    await this.db.transaction(async (m) => {
      const inserted = (await m.query(
        `INSERT INTO map_data (hash, size_bytes, chunk_count) VALUES ($1, $2, $3)
         ON CONFLICT (hash) DO NOTHING RETURNING hash`,
        [hash, sizeBytes, chunkCount],
      )) as unknown[];
      if (!inserted.length) return;
      const handle = await open(file, 'r');
      try {
        const buffer = Buffer.alloc(MAP_DATA_CHUNK_BYTES);
        for (let seq = 0; seq < chunkCount; seq++) {
          const { bytesRead } = await handle.read(
            buffer,
            0,
            MAP_DATA_CHUNK_BYTES,
            seq * MAP_DATA_CHUNK_BYTES,
          );
          await m.query(`INSERT INTO map_data_chunks (hash, seq, data) VALUES ($1, $2, $3)`, [
            hash,
            seq,
            buffer.subarray(0, bytesRead),
          ]);
        }
      } finally {
        await handle.close();
      }
    });
  }

  /** Size and chunk count of stored data, or null when no such hash is stored. */
  async describe(hash: string): Promise<{ sizeBytes: number; chunkCount: number } | null> {
    const rows = (await this.db.query(`SELECT size_bytes, chunk_count FROM map_data WHERE hash = $1`, [
      hash,
    ])) as MapDataRow[];
    return rows.length ? { sizeBytes: Number(rows[0].size_bytes), chunkCount: rows[0].chunk_count } : null;
  }

  /** One stored chunk (a few MiB), so a worker never holds more than one row's result at a time. */
  async chunk(hash: string, seq: number): Promise<Buffer | null> {
    const rows = (await this.db.query(`SELECT data FROM map_data_chunks WHERE hash = $1 AND seq = $2`, [
      hash,
      seq,
    ])) as ChunkRow[];
    return rows[0]?.data ?? null;
  }
}
