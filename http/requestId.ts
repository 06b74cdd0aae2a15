import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../src/logging.ts';
import type { HttpEnv } from './env.ts';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Propagates a well-formed `x-request-id` (or makes one), echoes it in the response, binds a
 * pino child logger to it, and logs one line per request: method, path, status, duration.
 * Headers, query strings and bodies are never logged.
 */
export function requestContext(log: Logger, now: () => number = () => performance.now()) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    const child = log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', child);
    c.header('x-request-id', requestId);
    const started = now();
    await next();
    child.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(now() - started) },
      'http',
    );
  });
}
