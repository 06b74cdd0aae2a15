import { afterEach, describe, expect, it } from 'vitest';
import { type HttpHarness, httpHarness } from '../support/httpHarness.ts';
import { waitFor } from '../support/waitFor.ts';

let h: HttpHarness | undefined;
afterEach(() => h?.cleanup());

/** Reads server-sent events from a response body, one message at a time. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 3_000): Promise<{ event: string; data: unknown }> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (raw.startsWith(':')) continue;
          const event = raw.match(/^event: (.*)$/m)?.[1] ?? 'message';
          const data = raw.match(/^data: (.*)$/m)?.[1] ?? 'null';
          return { event, data: JSON.parse(data) };
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error('no server-sent event in time');
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no server-sent event in time')), remaining),
          ),
        ]);
        if (chunk.done) throw new Error('stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('GET /api/events/stream', () => {
  it('says ready, then pushes an update when events are written (polling)', async () => {
    h = await httpHarness(undefined, { stream: { pollMs: 20 } });
    h.fixture.event('fetch_started', 1);
    const res = await h.request('/api/events/stream');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const sse = sseReader(res);
    const ready = await sse.next();
    expect(ready.event).toBe('ready');
    const last = (ready.data as { lastEventId: number }).lastEventId;
    h.fixture.event('fetch_completed', 2);
    const update = await sse.next();
    expect(update).toEqual({ event: 'update', data: { lastEventId: last + 1 } });
    await sse.cancel();
  });

  it('wakes on app.onEvent when the app offers it, and unsubscribes when the client leaves', async () => {
    const listeners = new Set<() => void>();
    h = await httpHarness(undefined, {
      stream: { pollMs: 60_000 },
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    const sse = sseReader(await h.request('/api/events/stream'));
    await sse.next();
    expect(listeners.size).toBe(1);
    h.fixture.event('scheduler_started', 3);
    for (const listener of listeners) listener();
    expect((await sse.next()).event).toBe('update');
    await sse.cancel();
    await waitFor(() => listeners.size === 0, { what: 'the stream to unsubscribe' });
  });
});

describe('concurrent event streams', () => {
  it('are capped: one more than maxStreams is a 503 with Retry-After, and a closed one frees its slot', async () => {
    h = await httpHarness(undefined, { stream: { pollMs: 60_000, maxStreams: 2 } });
    const first = sseReader(await h.request('/api/events/stream'));
    const second = sseReader(await h.request('/api/events/stream'));
    await first.next();
    await second.next();
    const refused = await h.request('/api/events/stream');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'too_many_streams' });
    await first.cancel();
    const third = sseReader(await h.request('/api/events/stream'));
    expect((await third.next()).event).toBe('ready');
    await second.cancel();
    await third.cancel();
  });
});
