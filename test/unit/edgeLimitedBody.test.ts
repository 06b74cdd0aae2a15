import { describe, expect, it } from 'vitest';
import {
  BodyTooLarge,
  declaresMoreThan,
  readLimitedText,
  withCappedBody,
} from '../../src/edge/limitedBody.ts';

/** Bodies read with a ceiling: refused on the header, cut off in the stream, exact at the limit. */
const streamed = (bytes: number, chunk = 100) =>
  new Request('http://x/', {
    method: 'POST',
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes; i += chunk)
          controller.enqueue(new Uint8Array(Math.min(chunk, bytes - i)).fill(97));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);

describe('limited bodies', () => {
  it.each([
    ['10', false],
    ['11', true],
    ['-1', true],
    ['1e3', true],
    ['abc', true],
  ])('Content-Length %s declares more than 10: %s', (length, expected) => {
    expect(
      declaresMoreThan(
        new Request('http://x/', { method: 'POST', headers: { 'content-length': length } }),
        10,
      ),
    ).toBe(expected);
  });

  it('reads up to the limit exactly, and refuses one byte more', async () => {
    expect(await readLimitedText(streamed(1000), 1000)).toHaveLength(1000);
    await expect(readLimitedText(streamed(1001), 1000)).rejects.toBeInstanceOf(BodyTooLarge);
    await expect(
      readLimitedText(new Request('http://x/', { method: 'POST', body: 'x'.repeat(20) }), 10),
    ).rejects.toBeInstanceOf(BodyTooLarge);
  });

  it('caps a body for any reader', async () => {
    expect(await withCappedBody(streamed(1000), 1000).text()).toHaveLength(1000);
    await expect(withCappedBody(streamed(5000), 1000).text()).rejects.toBeInstanceOf(BodyTooLarge);
    await expect(withCappedBody(streamed(5000), 1000).json()).rejects.toThrow();
  });

  it('opens the original body only when the capped one is first read (a token check comes first)', async () => {
    let opened = 0;
    const original = streamed(10);
    const watched = new Proxy(original, {
      get(target, property) {
        if (property === 'body') opened++;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const capped = withCappedBody(watched, 100);
    expect(opened).toBe(0);
    expect(await capped.text()).toHaveLength(10);
    expect(opened).toBe(1);
  });
});
