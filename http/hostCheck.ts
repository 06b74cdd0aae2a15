import { createMiddleware } from 'hono/factory';
import { type HostPolicy, hostAllowed } from '../src/edge/hostAllowList.ts';
import type { HttpEnv } from './env.ts';
import { HttpError } from './errors.ts';

/**
 * Refuses (403) a request whose Host — or the host of an absolute request target — the
 * policy does not allow (see src/edge/hostAllowList.ts). `/healthz` is exempt: it shows no data,
 * and load balancers and container checks probe it by whatever name they use.
 */
export function checkHost(policy: HostPolicy) {
  return createMiddleware<HttpEnv>(async (c, next) => {
    if (policy.kind === 'any' || c.req.path === '/healthz') return next();
    const localPort = localPortOf(c.env);
    const header = c.req.header('host');
    const target = new URL(c.req.url).host;
    const hosts = header === undefined ? [target] : [header, target];
    if (!hosts.every((host) => hostAllowed(policy, host, localPort))) {
      throw new HttpError(
        403,
        'host_not_allowed',
        'this server does not answer to that Host; see REPLYWRIGHT_ALLOWED_HOSTS',
      );
    }
    await next();
  });
}

/** The port the request arrived on: from the Node socket, or as serveHttp passes it under Deno. */
function localPortOf(env: HttpEnv['Bindings'] | undefined): number | undefined {
  return env?.incoming?.socket?.localPort ?? env?.localPort;
}
