import type { Store } from '../../db/store.ts';
import type { ChildHealth } from '../../machines/supervisor.ts';
import type { Config } from '../config/config.ts';
import type { Controls } from '../jobs/controls.ts';
import type { Logger } from '../logging.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EntityHost } from '../runtime/entityHost.ts';

export interface SupervisorView {
  state: string;
  health: 'healthy' | 'degraded' | 'stopped';
  children: Record<string, ChildHealth & { machineState: string }>;
}

export interface HealthReport {
  live: boolean;
  ready: boolean;
  dbWritable: boolean;
  supervisor: SupervisorView;
}

/** What the HTTP layer and the proof report may use of a running replywright. */
export interface AppHandle {
  readonly config: Config;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly host: EntityHost;
  readonly controls: Controls;
  health(): HealthReport;
  /** Subscribe to every event row written (for SSE). Returns an unsubscribe function. */
  onEvent?(listener: () => void): () => void;
}
