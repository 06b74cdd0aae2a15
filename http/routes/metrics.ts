import { Hono } from 'hono';
import type { AppHandle } from '../../src/app/types.ts';
import type { HttpEnv } from '../env.ts';
import { createMetrics } from '../metrics.ts';

/** `GET /metrics` in the Prometheus text format. */
export function metricsRoutes(app: AppHandle): Hono<HttpEnv> {
  const metrics = createMetrics(app);
  return new Hono<HttpEnv>().get('/metrics', async (c) => {
    const body = await metrics.render();
    return c.body(body, 200, { 'content-type': metrics.contentType });
  });
}
