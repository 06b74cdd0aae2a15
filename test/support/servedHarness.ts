import type { HttpOptions } from '../../http/app.ts';
import { type Served, serveHttp } from '../../http/serve.ts';
import { ADMIN_TOKEN, type HttpHarness, httpHarness } from './httpHarness.ts';

/**
 * The HTTP harness behind a real socket on 127.0.0.1 (a free port), with an `onEvent` whose
 * subscribers can be counted: the stream route subscribes once per open stream, so
 * `listeners.size` is the number of streams the server still holds.
 */
export interface ServedHarness {
  h: HttpHarness;
  served: Served;
  url: string;
  /** Host header value of the served socket, e.g. `127.0.0.1:40123`. */
  host: string;
  listeners: Set<() => void>;
  close(): Promise<void>;
}

export async function servedHarness(
  env: Record<string, string> = { REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN },
  options: HttpOptions = {},
): Promise<ServedHarness> {
  const listeners = new Set<() => void>();
  const h = await httpHarness(env, {
    ...options,
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const served = await serveHttp(h.http, { port: 0, host: '127.0.0.1' });
  return {
    h,
    served,
    url: served.url,
    host: new URL(served.url).host,
    listeners,
    async close() {
      await served.close();
      h.cleanup();
    },
  };
}
