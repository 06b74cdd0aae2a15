/**
 * A server-sent-events body whose writes can fail. Hono's `streamSSE` swallows write errors
 * and leaves the caller blind to a client that stopped reading; here every write reports
 * whether it was queued, and the stream closes itself (calling `onClose` once) when the client
 * cancels, an enqueue throws, or more than `maxQueued` chunks wait unread — so a route's
 * timers and subscriptions never outlive the socket.
 *
 * @example
 * const { body, sink } = eventStream({ maxQueued: 16, onClose: cleanup });
 * sink.send({ event: 'ready', data: '{}' });
 * return c.body(body, 200, SSE_HEADERS);
 */
export interface SseMessage {
  event?: string;
  data: string;
  retry?: number;
}

export interface SseSink {
  /** False when the stream is closed (now or by this call). */
  send(message: SseMessage): boolean;
  /** A comment line (`: text`), e.g. a keep-alive ping. */
  comment(text: string): boolean;
  close(): void;
  readonly closed: boolean;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  // Proxies such as nginx would otherwise hold the events back in a buffer.
  'x-accel-buffering': 'no',
} as const;

export function eventStream(options: { maxQueued: number; onClose: () => void }): {
  body: ReadableStream<Uint8Array>;
  sink: SseSink;
} {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      controller?.close();
    } catch {
      // Already cancelled by the reader: nothing left to close.
    }
    options.onClose();
  };
  const push = (text: string): boolean => {
    if (closed || !controller) return false;
    // desiredSize is the high-water mark (1) minus the chunks queued: far below zero means the
    // client has stopped reading, and holding more for it only grows memory.
    if ((controller.desiredSize ?? 0) < -options.maxQueued) {
      close();
      return false;
    }
    try {
      controller.enqueue(encoder.encode(text));
      return true;
    } catch {
      close();
      return false;
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel: close,
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
  const sink: SseSink = {
    send: (message) => push(formatMessage(message)),
    comment: (text) => push(`: ${text.replace(/[\r\n]+/g, ' ')}\n\n`),
    close,
    get closed() {
      return closed;
    },
  };
  return { body, sink };
}

function formatMessage(message: SseMessage): string {
  const lines: string[] = [];
  if (message.event !== undefined) lines.push(`event: ${message.event.replace(/[\r\n]+/g, ' ')}`);
  for (const line of message.data.split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  if (message.retry !== undefined) lines.push(`retry: ${Math.max(0, Math.floor(message.retry))}`);
  return `${lines.join('\n')}\n\n`;
}
