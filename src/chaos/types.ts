import type { InvariantReport } from '../proof/invariants.ts';

export interface ChaosOptions {
  /** SIGKILLs of the pipeline process. */
  kills: number;
  /** Seeds every choice of the harness (kill instants, modes, ghosts, mutations) and the sandbox. */
  seed: number;
  /** Run in this directory and keep it; otherwise a temp dir, removed unless the run failed. */
  keepDir?: string;
  /** The sandbox's idempotency mode (`permanent`, `window:<seconds>`, `none`); default permanent. */
  keys?: string;
  /** The sandbox's visibility lag in listings (default 0). */
  visibilityLagMs?: number;
  /**
   * `x`: the pipeline runs with REPLYWRIGHT_PLATFORM=x against the sandbox's X v2 dialect (no
   * idempotency key there: keys are `none` whatever `keys` says). `mastodon`: REPLYWRIGHT_PLATFORM=mastodon
   * against its Mastodon dialect (Mastodon's one-hour key, narrowed by `keys`; the dialect's rate
   * limits ×100 for dev speed). Default `sandbox`.
   */
  platform?: 'sandbox' | 'x' | 'mastodon';
  /** Sandbox traffic, posts per minute (default 120). */
  trafficPerMin?: number;
  /** How long one boot may take to answer /healthz (default 90 s: the machine may be busy). */
  readyTimeoutMs?: number;
  /** How long a posting-mode kill waits for a permit in `posting` before killing anyway (default 20 s). */
  postingWaitMs?: number;
  /** How long the faults-off phase may wait for the pipeline to go quiet (default 180 s). */
  settleTimeoutMs?: number;
  /** Progress lines (default: none). */
  progress?: (line: string) => void;
}

/** What the harness did to the pipeline, counted as it went. */
export interface ChaosCounters {
  kills: number;
  /** Kills after which the DB still held a permit in `posting`: the platform call was cut. */
  killsInPosting: number;
  postingModeKills: number;
  ghostsInjected: number;
  lastGhostAt: number;
  targetsMutated: number;
  latencyChanges: number;
  /** Things that must not happen besides the invariants: a pipeline exiting on its own, a drain that hangs. */
  incidents: string[];
}

export interface JobBalance {
  job: string;
  started: number;
  completed: number;
  failed: number;
  running: number;
}

export interface ChaosResult {
  seed: number;
  /** Absent or `sandbox`: the sandbox's own API; `x`: its X dialect. */
  platform?: 'sandbox' | 'x' | 'mastodon';
  keys: string;
  visibilityLagMs: number;
  counters: ChaosCounters;
  replies: number;
  ghostsDetected: number;
  /** Permits that went `unconfirmed` at least once, how many ended terminal, how many of those were found posted. */
  unconfirmed: { total: number; resolved: number; found: number };
  jobs: JobBalance[];
  /** The pipeline went quiet (nothing approved/posting/unconfirmed, reconciler ran twice) before the timeout. */
  quiet: boolean;
  report: InvariantReport;
  durationMs: number;
  dir: string;
  ok: boolean;
}
