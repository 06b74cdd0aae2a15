import { describe, expect, it } from 'vitest';
import { eventStream } from '../../http/sse.ts';

/** The event-stream body closes itself, exactly once, whenever a write cannot land. */
describe('eventStream', () => {
  it('formats events, data lines, retry and comments', async () => {
    const { body, sink } = eventStream({ maxQueued: 16, onClose: () => {} });
    sink.send({ event: 'ready', data: 'a\nb', retry: 3000 });
    sink.comment('ping\r\nevent: forged');
    sink.close();
    expect(await new Response(body).text()).toBe(
      'event: ready\ndata: a\ndata: b\nretry: 3000\n\n: ping event: forged\n\n',
    );
  });

  it('closes once when the reader cancels, and later writes report failure', async () => {
    let closes = 0;
    const { body, sink } = eventStream({ maxQueued: 16, onClose: () => closes++ });
    const reader = body.getReader();
    expect(sink.send({ data: 'x' })).toBe(true);
    await reader.cancel();
    expect(sink.send({ data: 'y' })).toBe(false);
    expect(sink.comment('ping')).toBe(false);
    sink.close();
    expect(closes).toBe(1);
    expect(sink.closed).toBe(true);
  });

  it('closes when the client stops reading instead of queueing without end', () => {
    let closes = 0;
    const { sink } = eventStream({ maxQueued: 4, onClose: () => closes++ });
    const accepted = Array.from({ length: 50 }, () => sink.comment('ping')).filter(Boolean).length;
    expect(accepted).toBeLessThanOrEqual(6);
    expect(closes).toBe(1);
  });
});
