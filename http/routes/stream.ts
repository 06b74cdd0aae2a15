import { max } from 'drizzle-orm';
import { Hono } from 'hono';
import { prepared } from '../../db/prepared.ts';
import { events } from '../../db/schema.ts';
import type { AppHandle } from '../../src/app/types.ts';
import type { HttpEnv } from '../env.ts';
import { HttpError } from '../errors.ts';
import { eventStream, SSE_HEADERS } from '../sse.ts';

/**
 * `GET /api/events/stream`: server-sent events. `ready` once with the latest event id, then a
 * small `update` whenever new event rows exist — woken by `app.onEvent` when the app offers
 * it (coalesced), else by polling `max(id)` — and a comment ping to keep proxies open.
 *
 * Everything a stream holds (subscription, timers) is released when the client goes away,
 * when a write fails, or when the client stops reading. `HEAD` gets the headers and nothing
 * else: Hono would otherwise run this handler for it and open a stream no one can close.
 * At most `maxStreams` are open at once; one more is a 503.
 */
export interface StreamOptions {
  pollMs?: number;
  pingMs?: number;
  /** Concurrent streams served; above it a 503 with Retry-After (default 32). */
  maxStreams?: number;
}

export const DEFAULT_MAX_STREAMS = 32;

const latestEventId = prepared()((db) =>
  db
    .select({ id: max(events.id) })
    .from(events)
    .prepare(),
);
/** Unread chunks a stream may hold for a slow client before it is closed. */
const MAX_QUEUED_CHUNKS = 16;

export function streamRoutes(app: AppHandle, options: StreamOptions = {}): Hono<HttpEnv> {
  const pollMs = options.pollMs ?? 1_000;
  const pingMs = options.pingMs ?? 15_000;
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  const maxEventId = () => latestEventId.get(app.store, {})?.id ?? 0;
  let open = 0;

  return new Hono<HttpEnv>().get('/api/events/stream', (c) => {
    if (c.req.method === 'HEAD') return c.body(null, 200, SSE_HEADERS);
    if (open >= maxStreams) {
      throw new HttpError(503, 'too_many_streams', `at most ${maxStreams} event streams are served at once`, {
        headers: { 'retry-after': '5' },
      });
    }
    open++;
    const log = c.get('log');
    let last = maxEventId();
    let soon: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    let unsubscribe: (() => void) | undefined;
    const signal = c.req.raw.signal;
    const { body, sink } = eventStream({
      maxQueued: MAX_QUEUED_CHUNKS,
      onClose: () => {
        open--;
        if (poll) clearInterval(poll);
        if (ping) clearInterval(ping);
        if (soon) clearTimeout(soon);
        unsubscribe?.();
        signal?.removeEventListener('abort', sink.close);
      },
    });
    const check = () => {
      try {
        const id = maxEventId();
        if (id > last) {
          last = id;
          sink.send({ event: 'update', data: JSON.stringify({ lastEventId: id }) });
        }
      } catch (error) {
        log.warn({ err: error }, 'event stream check failed');
      }
    };
    const wake = () => {
      soon ??= setTimeout(
        () => {
          soon = undefined;
          check();
        },
        Math.min(pollMs, 250),
      );
    };
    sink.send({ event: 'ready', data: JSON.stringify({ lastEventId: last }), retry: 3_000 });
    if (!sink.closed) {
      unsubscribe = app.onEvent?.(wake);
      if (!unsubscribe) poll = setInterval(check, pollMs);
      ping = setInterval(() => sink.comment('ping'), pingMs);
      signal?.addEventListener('abort', sink.close, { once: true });
      if (signal?.aborted) sink.close();
    }
    return c.body(body, 200, SSE_HEADERS);
  });
}
