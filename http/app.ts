import { Hono } from 'hono';
import type { AppHandle } from '../src/app/types.ts';
import { hostPolicy } from '../src/edge/hostAllowList.ts';
import { type ProofTargets, resolveTargets } from '../src/proof/targets.ts';
import { guardReads } from './auth.ts';
import { refuseOversizeBodies } from './bodyLimit.ts';
import type { HttpEnv } from './env.ts';
import { handleError, handleNotFound } from './errors.ts';
import { checkHost } from './hostCheck.ts';
import { requestContext } from './requestId.ts';
import { actorRoutes } from './routes/actors.ts';
import { controlRoutes } from './routes/control.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRoutes } from './routes/health.ts';
import { machineRoutes } from './routes/machines.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { statusRoutes } from './routes/status.ts';
import { type StreamOptions, streamRoutes } from './routes/stream.ts';
import { securityHeaders } from './securityHeaders.ts';

/**
 * The HTTP edge of a running replywright: JSON API, dashboard, Prometheus metrics, SSE.
 * `/healthz` is always open; reads (every method but POST, PUT, PATCH and DELETE) are open
 * unless REPLYWRIGHT_READ_TOKEN_REQUIRED=1; every POST needs
 * `Authorization: Bearer $REPLYWRIGHT_ADMIN_TOKEN`.
 *
 * @example
 * const http = createHttpApp(app);
 * const res = await http.request('/api/status?window=30m');
 */
export interface HttpOptions {
  /** Proof target overrides on top of the config's (REPLYWRIGHT_QUEUE_LOW_WATERMARK, REPLYWRIGHT_PROOF_TARGETS). */
  targets?: Partial<ProofTargets>;
  stream?: StreamOptions;
}

/** Always answered without the read token: the health check, and the pages that show the unlock page instead. */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/', '/proof']);

export function createHttpApp(app: AppHandle, options: HttpOptions = {}): Hono<HttpEnv> {
  const targets = resolveTargets(app.config, options.targets);
  const http = new Hono<HttpEnv>();
  http.use('*', requestContext(app.log));
  http.use('*', securityHeaders());
  http.use('*', checkHost(hostPolicy(app.config.HOST, app.config.REPLYWRIGHT_ALLOWED_HOSTS)));
  http.use('*', refuseOversizeBodies());
  http.use(
    '*',
    guardReads(app.config.REPLYWRIGHT_ADMIN_TOKEN, app.config.REPLYWRIGHT_READ_TOKEN_REQUIRED, OPEN_PATHS),
  );
  http.route('/', healthRoutes(app));
  http.route('/', statusRoutes(app, targets));
  http.route('/', actorRoutes(app));
  http.route('/', machineRoutes(app));
  http.route('/', metricsRoutes(app));
  http.route('/', streamRoutes(app, options.stream));
  http.route('/', controlRoutes(app));
  http.route('/', dashboardRoutes(app, targets));
  http.onError(handleError);
  http.notFound(handleNotFound);
  return http;
}
