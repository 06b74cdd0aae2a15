import { Hono } from 'hono';
import { z } from 'zod';
import type { AppHandle } from '../../src/app/types.ts';
import type { ProofTargets } from '../../src/proof/targets.ts';
import { traceChain } from '../../src/proof/traceChain.ts';
import type { HttpEnv } from '../env.ts';
import { HttpError } from '../errors.ts';
import { memoize } from '../memo.ts';
import { idSchema, params, query, windowSchema } from '../validate.ts';
import { proofView, statusView } from '../views.ts';

/** `GET /api/status`, `GET /api/proof` and `GET /api/trace/:id`. */
const windowQuery = z.object({ window: windowSchema });

/** How long one computed status is served again. */
export const STATUS_TTL_MS = 250;

export function statusRoutes(app: AppHandle, targets: ProofTargets): Hono<HttpEnv> {
  const status = memoize((window: number) => statusView(app, window, targets), STATUS_TTL_MS);
  return new Hono<HttpEnv>()
    .get('/api/status', (c) => {
      const { window } = query(c, windowQuery);
      return c.json(status(window));
    })
    .get('/api/proof', (c) => {
      const { window } = query(c, windowQuery);
      return c.json(proofView(app, window, targets));
    })
    .get('/api/trace/:id', (c) => {
      const { id } = params(c, z.object({ id: idSchema }));
      const chain = traceChain(app.store, id);
      if (!chain) throw new HttpError(404, 'not_found', `no permit or posted post with id ${id}`);
      return c.json(chain);
    });
}
