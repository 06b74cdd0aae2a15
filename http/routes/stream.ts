import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppHandle } from '../../src/app/types.ts';
import type { HttpEnv } from '../env.ts';

/**
 * `GET /api/events/stream`: server-sent events. `ready` once with the latest event id, then a
 * small `update` whenever new event rows exist — woken by `app.onEvent` when the app offers
 * it (coalesced), else by polling `max(id)` — and a comment ping to keep proxies open.
 * Everything stops when the client goes away.
 */
export interface StreamOptions {
  pollMs?: number;
  pingMs?: number;
}

export function streamRoutes(app: AppHandle, options: StreamOptions = {}): Hono<HttpEnv> {
  const pollMs = options.pollMs ?? 1_000;
  const pingMs = options.pingMs ?? 15_000;
  const maxEventId = () =>
    (app.store.statement('select coalesce(max(id), 0) as id from events').get() as { id: number }).id;

  return new Hono<HttpEnv>().get('/api/events/stream', (c) =>
    streamSSE(c, async (stream) => {
      let last = maxEventId();
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ lastEventId: last }), retry: 3_000 });
      const log = c.get('log');
      await new Promise<void>((resolve) => {
        let writing = false;
        const check = async () => {
          if (writing || stream.aborted || stream.closed) return;
          writing = true;
          try {
            const id = maxEventId();
            if (id > last) {
              last = id;
              await stream.writeSSE({ event: 'update', data: JSON.stringify({ lastEventId: id }) });
            }
          } catch (error) {
            log.warn({ err: error }, 'event stream check failed');
          } finally {
            writing = false;
          }
        };
        let soon: ReturnType<typeof setTimeout> | undefined;
        const wake = () => {
          soon ??= setTimeout(() => {
            soon = undefined;
            void check();
          }, Math.min(pollMs, 250));
        };
        const unsubscribe = app.onEvent?.(wake);
        const poll = unsubscribe ? undefined : setInterval(() => void check(), pollMs);
        const ping = setInterval(() => void stream.write(': ping\n\n'), pingMs);
        let stopped = false;
        const stop = () => {
          if (stopped) return;
          stopped = true;
          if (poll) clearInterval(poll);
          clearInterval(ping);
          if (soon) clearTimeout(soon);
          unsubscribe?.();
          resolve();
        };
        stream.onAbort(stop);
        c.req.raw.signal?.addEventListener('abort', stop, { once: true });
      });
    }),
  );
}
