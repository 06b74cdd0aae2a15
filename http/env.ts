import type { IncomingMessage } from 'node:http';
import type { Logger } from '../src/logging.ts';

/** There is one credential, the admin token, so one principal: whoever holds it. */
export type Principal = 'admin-token';

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
    /** Who the request acts as, set by the token check; the audit trail records it. */
    principal?: Principal;
  };
}
