import type { PlanningJob } from '@rd/domain';

export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  reportProgress(progress: Record<string, unknown> | number): Promise<void>;
}

export type PlanningHandler = (job: PlanningJob, context: JobContext) => Promise<unknown>;

export interface EnqueueOptions {
  /** Jobs with the same id are enqueued once (Bull semantics), e.g. one pending job per region. */
  jobId?: string;
  delayMs?: number;
}

/** The `planning` queue: Bull on Redis in production, in-process when no Redis is configured. */
export interface PlanningQueue {
  readonly kind: 'bull' | 'in-process';
  enqueue(job: PlanningJob, options?: EnqueueOptions): Promise<string>;
  process(handler: PlanningHandler): void;
  /** This process takes no more jobs; resolves once the one it is running (if any) has ended. */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}

export const PLANNING_QUEUE_TOKEN = Symbol('PLANNING_QUEUE');
