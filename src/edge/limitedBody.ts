/**
 * Request bodies read with a ceiling, for both HTTP servers (replywright's edge and the
 * sandbox). A body that declares more than the limit is refused before a byte of it is read;
 * one that streams more (chunked, or lying about its length) is cut off at the limit. Either
 * way at most `maxBytes` are ever held in memory.
 *
 * @example
 * if (declaresMoreThan(c.req.raw, LIMIT)) return c.json({ error: 'payload_too_large' }, 413);
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
