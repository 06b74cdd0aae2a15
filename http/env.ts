import type { IncomingMessage } from 'node:http';
import type { Logger } from '../src/logging.ts';

/**
 * What every handler finds on the context: the request id and a logger bound to it; and, from
 * the server (absent for in-process `app.request`), the Node request or the local port.
 */
export interface HttpEnv {
  Bindings: {
    incoming?: IncomingMessage;
    localPort?: number;
  };
  Variables: {
    requestId: string;
    log: Logger;
  };
}
