import type { Config } from './config.ts';

/** How often each job ticks and how long one run may take, in milliseconds. */
export interface JobTiming {
  intervalMs: number;
  deadlineMs: number;
}

export interface Intervals {
  fetch: JobTiming;
  scheduler: JobTiming;
  poster: JobTiming;
  reconciler: JobTiming;
  /** A permit left in `posting` longer than this is treated as having an unknown outcome. */
  postingDeadlineMs: number;
}

const dev: Intervals = {
  fetch: { intervalMs: 4_000, deadlineMs: 10_000 },
  scheduler: { intervalMs: 3_000, deadlineMs: 20_000 },
  poster: { intervalMs: 1_000, deadlineMs: 30_000 },
  reconciler: { intervalMs: 5_000, deadlineMs: 15_000 },
  postingDeadlineMs: 30_000,
};

const prod: Intervals = {
  fetch: { intervalMs: 120_000, deadlineMs: 60_000 },
  scheduler: { intervalMs: 60_000, deadlineMs: 45_000 },
  poster: { intervalMs: 5_000, deadlineMs: 60_000 },
  reconciler: { intervalMs: 120_000, deadlineMs: 60_000 },
  postingDeadlineMs: 60_000,
};

export function intervalsFor(config: Pick<Config, 'REPLYWRIGHT_SPEED'>): Intervals {
  return config.REPLYWRIGHT_SPEED === 'dev' ? dev : prod;
}
