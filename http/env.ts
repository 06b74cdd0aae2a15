import type { Logger } from '../src/logging.ts';

/** What every handler finds on the context: the request id and a logger bound to it. */
export interface HttpEnv {
  Variables: {
    requestId: string;
    log: Logger;
  };
}
