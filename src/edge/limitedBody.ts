/**
 * Request bodies read with a ceiling, for both HTTP servers (replywright's edge and the
 * sandbox). A body that declares more than the limit is refused before a byte of it is read;
 * one that streams more (chunked, or lying about its length) is cut off at the limit. Either
 * way at most `maxBytes` are ever held in memory.
 *
 * `withCappedBody` makes the same true of any code that reads the body its own way: the
 * stream it reads from errors (BodyTooLarge) once the limit is passed.
 *
 * @example
 * if (declaresMoreThan(c.req.raw, LIMIT)) return c.json({ error: 'payload_too_large' }, 413);
 * c.req.raw = withCappedBody(c.req.raw, LIMIT);
 * const text = await readLimitedText(c.req.raw, LIMIT); // throws BodyTooLarge
 */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the request body is larger than ${maxBytes} bytes`);
  }
}

/** True when the request's Content-Length says it is larger than `maxBytes` (no body is read). */
export function declaresMoreThan(request: Request, maxBytes: number): boolean {
  const declared = request.headers.get('content-length');
  if (declared === null) return false;
  const n = Number(declared);
  // An unparsable length is refused too: the server must not guess how much will come.
  return !Number.isSafeInteger(n) || n < 0 || n > maxBytes;
}

export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  if (declaresMoreThan(request, maxBytes)) throw new BodyTooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The same request with a body that fails (BodyTooLarge) past `maxBytes`, for a mutating
 * request. Nothing is read here, nor when the request is built: the original body is opened
 * at the first read — by a handler, after its own token check — and pulled a chunk at a time.
 * (Opening it earlier would start @hono/node-server reading the socket into memory.) The copy
 * carries no abort signal, for the same reason; no mutating route listens to one.
 */
export function withCappedBody(request: Request, maxBytes: number): Request {
  let source: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let size = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!source) {
          const original = request.body;
          if (!original) return controller.close();
          source = original.getReader();
        }
        const { done, value } = await source.read();
        if (done) return controller.close();
        size += value.byteLength;
        if (size > maxBytes) {
          controller.error(new BodyTooLarge(maxBytes));
          await source.cancel().catch(() => {});
          return;
        }
        controller.enqueue(value);
      },
      cancel: (reason) => source?.cancel(reason),
    },
    // No read ahead: a chunk is pulled only when the reader asks for one.
    { highWaterMark: 0 },
  );
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
    duplex: 'half',
  } as RequestInit);
}
