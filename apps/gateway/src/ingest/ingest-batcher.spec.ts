import { IngestBatcher } from './ingest-batcher';

const options = {
  maxBatch: 4,
  maxDelayMs: 5,
  maxConcurrentWrites: 1,
  arrivalBound: () => 100,
  retryBaseMs: 1,
  retryMaxMs: 4,
};

describe('IngestBatcher', () => {
  it('settles each submit only after the write holding it, in batches no larger than the maximum', async () => {
    const written: number[][] = [];
    const batcher = new IngestBatcher<number>(async (items) => {
      written.push(items);
    }, options);
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    expect(written.flat().sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(Math.max(...written.map((b) => b.length))).toBeLessThanOrEqual(4);
  });

  it('retries a failing write, holding its items unsettled until it succeeds', async () => {
    let failures = 3;
    let settled = false;
    const batcher = new IngestBatcher<number>(async () => {
      if (failures-- > 0) throw new Error('database away');
    }, options);
    const done = batcher.submit(1).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 2));
    expect(settled).toBe(false);
    await done;
    expect(batcher.stats.retries).toBe(3);
  });

  it('rejects what it holds when stopped (left unacknowledged for redelivery)', async () => {
    const batcher = new IngestBatcher<number>(async () => {
      throw new Error('database away');
    }, options);
    const result = batcher.submit(1);
    await new Promise((r) => setTimeout(r, 10));
    batcher.stop();
    await expect(result).rejects.toThrow();
    await expect(batcher.submit(2)).rejects.toThrow(/stopped/);
  });

  it('writes at once when every possible sender is waiting', async () => {
    const written: number[][] = [];
    const batcher = new IngestBatcher<number>(
      async (items) => {
        written.push(items);
      },
      { ...options, maxDelayMs: 60_000, arrivalBound: () => 3 },
    );
    await Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    expect(written).toEqual([[1, 2, 3]]);
  });
});
