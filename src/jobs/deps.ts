import type { Store } from '../../db/store.ts';
import type { Config } from '../config/config.ts';
import type { Intervals } from '../config/intervals.ts';
import type { ReplyGenerator } from '../generators/types.ts';
import type { Logger } from '../logging.ts';
import type { PlatformAdapter } from '../platforms/contract.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EntityHost } from '../runtime/entityHost.ts';
import type { IdSource } from '../runtime/ids.ts';
import type { Controls } from './controls.ts';

/** Everything the job effects are built from; tests and the simulator pass their own. */
export interface PipelineDeps {
  config: Config;
  intervals: Intervals;
  store: Store;
  host: EntityHost;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  platform: PlatformAdapter;
  generator: ReplyGenerator;
  controls: Controls;
}
