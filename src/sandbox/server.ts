import { Hono } from 'hono';
import { type HostPolicy, hostAllowed } from '../edge/hostAllowList.ts';
import { BodyTooLarge, declaresMoreThan, withCappedBody } from '../edge/limitedBody.ts';
import { createAdminRoutes } from './adminRoutes.ts';
import { createApiRoutes, type SandboxBindings } from './apiRoutes.ts';
import { defaultAccountToken, defaultPassword } from './auth.ts';
import type { MastodonLimits } from './mastodon/rateLimits.ts';
import { createMastodonRoutes } from './mastodon/routes.ts';
import type { SandboxPlatform } from './platform.ts';
import type { TrafficGenerator } from './traffic.ts';
import { SandboxError } from './types.ts';
import { BODY_LIMIT_BYTES } from './validation.ts';
import { createWebRoutes } from './webRoutes.ts';
import { createXRoutes, type XDialectOptions } from './x/routes.ts';

export interface SandboxAppOptions {
  /** The bot's API token (`Authorization: Bearer …`). Defaults to a dev token derived from the handle. */
  accountToken?: string;
  /** The bot's web login password. Defaults to a dev password derived from the handle. */
  password?: string;
  /** Enables /admin/*; without it every admin route answers 401. */
  adminToken?: string;
  /** Lets POST /admin/traffic generate posts and change the rate. */
  traffic?: TrafficGenerator;
  /** The Host names answered (DNS rebinding); every one by default, loopback only from startSandbox. */
  hosts?: HostPolicy;
  /** The X API v2 dialect under /2 (rate limits, the refresh token its token endpoint accepts first). */
  x?: XDialectOptions;
  /** The Mastodon dialect's rate limits; Mastodon's own (300 requests / 5 min, 300 statuses / 3 h) by default. */
  mastodonLimits?: MastodonLimits;
}

/**
 * The sandbox's HTTP face: JSON API under /api (and Mastodon's REST dialect under /api/v1 and
 * /api/v2), chaos controls under /admin, and a small
 * server-rendered web UI for a browser poster.
 *
 * @example
 * const app = createSandboxApp(platform, { adminToken: 'a-long-admin-token', traffic });
 * const res = await app.request('/api/posts');
 */
export function createSandboxApp(platform: SandboxPlatform, options: SandboxAppOptions = {}) {
  const app = new Hono<{ Bindings: SandboxBindings }>();
  const hosts = options.hosts ?? { kind: 'any' };
  app.use('*', async (c, next) => {
    const localPort = c.env?.incoming?.socket?.localPort;
    const names = [c.req.header('host'), new URL(c.req.url).host].filter((h) => h !== undefined);
    if (!names.every((name) => hostAllowed(hosts, name, localPort))) {
      return c.json({ error: 'this server does not answer to that Host' }, 403);
    }
    await next();
  });
  const tooLarge = { error: `request bodies are limited to ${BODY_LIMIT_BYTES} bytes` };
  // On the Content-Length alone, before any token check: a body announced too large is never
  // read. Any other body is capped, for every route however it reads it (the API and dialects).
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (declaresMoreThan(c.req.raw, BODY_LIMIT_BYTES)) return c.json(tooLarge, 413);
      c.req.raw = withCappedBody(c.req.raw, BODY_LIMIT_BYTES);
    }
    await next();
  });
  const accountToken = options.accountToken ?? defaultAccountToken(platform.account);
  // Mastodon's REST dialect (/api/v1, /api/v2) first: it answers all of its paths itself.
  app.route('/', createMastodonRoutes(platform, accountToken, options.mastodonLimits));
  app.route('/', createApiRoutes(platform, accountToken));
  app.route('/', createAdminRoutes(platform, options.adminToken, options.traffic));
  app.route('/', createWebRoutes(platform, options.password ?? defaultPassword(platform.account)));
  // X API v2's dialect under /2: same platform, same ground truth, same faults.
  app.route(
    '/',
    createXRoutes(platform, options.accountToken ?? defaultAccountToken(platform.account), options.x),
  );
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    if (error instanceof SandboxError) return c.json({ error: error.message }, error.status);
    if (error instanceof BodyTooLarge) return c.json(tooLarge, 413);
    console.error('sandbox: unhandled error', error);
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
