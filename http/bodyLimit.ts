import { createMiddleware } from 'hono/factory';
import { BodyTooLarge, declaresMoreThan, readLimitedText, withCappedBody } from '../src/edge/limitedBody.ts';
import { MUTATING_METHODS } from './auth.ts';
import type { HttpEnv } from './env.ts';
import { HttpError } from './errors.ts';

/**
 * The edge's body limit. The largest body any route takes is a reject's `{"reasonCode": …}`,
 * well under 100 bytes; 4 KB leaves room and keeps a flood of large bodies from costing memory.
 */
export const BODY_LIMIT_BYTES = 4 * 1024;

const tooLarge = (cause?: unknown) =>
  new HttpError(413, 'payload_too_large', `request bodies are limited to ${BODY_LIMIT_BYTES} bytes`, {
    cause,
  });

/**
 * Refuses, on the Content-Length header alone, a mutating request that announces more than
 * the limit — before the token check, so even an unauthenticated one is answered at once and
 * never read. A body without a length is capped instead: whoever reads it gets at most the
 * limit, then an error.
 */
export function refuseOversizeBodies() {
  return createMiddleware<HttpEnv>(async (c, next) => {
    if (MUTATING_METHODS.has(c.req.method)) {
      if (declaresMoreThan(c.req.raw, BODY_LIMIT_BYTES)) throw tooLarge();
      c.req.raw = withCappedBody(c.req.raw, BODY_LIMIT_BYTES);
    }
    await next();
  });
}

/** The body as text, at most BODY_LIMIT_BYTES of it; call only after the route's token check. */
export async function readBodyText(request: Request): Promise<string> {
  try {
    return await readLimitedText(request, BODY_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw tooLarge(error);
    throw error;
  }
}
