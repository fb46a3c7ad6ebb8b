export interface BatcherOptions {
  /** Most items per write. */
  maxBatch: number;
  /** Longest an item waits for companions before its batch is written. */
  maxDelayMs: number;
  /** Writes in flight at once. */
  maxConcurrentWrites: number;
  /** Items that can arrive at most while nothing is acknowledged (one per subscriber lane): flush when all have. */
  arrivalBound: () => number;
  retryBaseMs: number;
  retryMaxMs: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects items and writes them in batches; each submitter's promise settles when its batch is
 * committed. A failed write is retried with back-off until it succeeds or the batcher stops, holding
 * its items (and so their acknowledgements): memory stays bounded by the senders' in-flight window.
 */
export class IngestBatcher<T> {
  private pending: Array<Pending<T>> = [];
  private inFlightItems = 0;
  private writes = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly stats = { batches: 0, items: 0, retries: 0, maxBatch: 0, writeMs: 0 };

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: BatcherOptions,
  ) {}

  get waiting(): number {
    return this.pending.length + this.inFlightItems;
  }

  submit(item: T): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('ingest stopped'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.maybeFlush();
    });
  }

  /** Stops taking items; pending ones are rejected (left unacknowledged, so the broker redelivers them). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const left = this.pending;
    this.pending = [];
    for (const p of left) p.reject(new Error('ingest stopped'));
  }

  private maybeFlush(): void {
    if (!this.pending.length || this.writes >= this.options.maxConcurrentWrites) return;
    // Senders wait for their acknowledgement, so no more than `arrivalBound` items can be outstanding:
    // a share of them per writer makes a full batch, and when all have arrived nobody else will.
    const bound = this.options.arrivalBound();
    const share = Math.ceil(bound / this.options.maxConcurrentWrites);
    const everyoneWaiting = this.pending.length >= Math.max(1, bound - this.inFlightItems);
    if (this.pending.length >= Math.min(this.options.maxBatch, share) || everyoneWaiting) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.options.maxDelayMs);
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.pending.length || this.writes >= this.options.maxConcurrentWrites) return;
    const batch = this.pending.splice(0, this.options.maxBatch);
    this.writes++;
    this.inFlightItems += batch.length;
    void this.writeWithRetry(batch).finally(() => {
      this.writes--;
      this.inFlightItems -= batch.length;
      this.maybeFlush();
    });
  }

  private async writeWithRetry(batch: Array<Pending<T>>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const started = performance.now();
        await this.write(batch.map((p) => p.item));
        this.stats.writeMs += performance.now() - started;
        this.stats.batches++;
        this.stats.items += batch.length;
        this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
        for (const p of batch) p.resolve();
        return;
      } catch (error) {
        if (this.stopped) {
          for (const p of batch) p.reject(error);
          return;
        }
        this.stats.retries++;
        const delayMs = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
        this.options.onRetry?.(error, attempt, delayMs);
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }
}
