import { planningJobSchema, queueDecisionOfError, type PlanningJob } from '@rd/domain';
import type { EnqueueOptions, PlanningHandler, PlanningQueue } from './planning-queue';

interface Pending {
  id: string;
  job: PlanningJob;
  attempt: number;
}

/**
 * The queue for embedded runs without Redis: jobs run one at a time in this process, with the
 * same retry count and job-id de-duplication as the Bull queue. Nothing survives a restart.
 */
export class InProcessPlanningQueue implements PlanningQueue {
  readonly kind = 'in-process' as const;
  private readonly pending: Pending[] = [];
  private readonly knownIds = new Set<string>();
  private handler?: PlanningHandler;
  private running = false;
  private closed = false;
  private stopped = false;
  private nextId = 1;
  private idle: Array<() => void> = [];
  /** Delayed jobs not yet due: they count as pending for `whenIdle`. */
  private scheduled = 0;

  constructor(private readonly attempts = 5) {}

  async enqueue(job: PlanningJob, options: EnqueueOptions = {}): Promise<string> {
    const id = options.jobId ?? String(this.nextId++);
    if (this.knownIds.has(id)) return id;
    this.knownIds.add(id);
    const pending = { id, job: planningJobSchema.parse(job), attempt: 1 };
    if (options.delayMs) {
      this.scheduled++;
      setTimeout(() => {
        this.scheduled--;
        this.push(pending);
      }, options.delayMs).unref();
    } else this.push(pending);
    return id;
  }

  process(handler: PlanningHandler): void {
    this.handler = handler;
    this.drain();
  }

  /**
   * Resolves when no job is pending or running (for the demo and tests); once this queue has
   * stopped consuming, when none is running (nothing here will run the rest).
   */
  whenIdle(): Promise<void> {
    if (!this.running && (this.stopped || (this.pending.length === 0 && this.scheduled === 0)))
      return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async stopConsuming(): Promise<void> {
    this.stopped = true;
    await this.whenIdle();
  }

  /** Runs what is pending (and due later) first, unless this queue has stopped consuming. */
  async close(): Promise<void> {
    this.closed = true;
    await this.whenIdle();
  }

  private push(pending: Pending): void {
    if (this.closed) {
      this.drain();
      return;
    }
    this.pending.push(pending);
    this.drain();
  }

  private drain(): void {
    if (this.running || !this.handler) return;
    const next = this.stopped ? undefined : this.pending.shift();
    if (!next) {
      if (this.stopped || this.scheduled === 0) this.idle.splice(0).forEach((resolve) => resolve());
      return;
    }
    this.running = true;
    const handler = this.handler;
    void handler(next.job, { jobId: next.id, attempt: next.attempt, reportProgress: async () => undefined })
      .then(
        () => this.knownIds.delete(next.id),
        (error: unknown) => {
          if (next.attempt < this.attempts && queueDecisionOfError(error) === 'retry')
            this.pending.push({ ...next, attempt: next.attempt + 1 });
          else this.knownIds.delete(next.id);
        },
      )
      .finally(() => {
        this.running = false;
        setImmediate(() => this.drain());
      });
  }
}
