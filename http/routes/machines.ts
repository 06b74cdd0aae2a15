import { Hono } from 'hono';
import { z } from 'zod';
import type { AppHandle } from '../../src/app/types.ts';
import type { HttpEnv } from '../env.ts';
import { HttpError } from '../errors.ts';
import { findMachine, listMachines, machineDetail } from '../machines/catalog.ts';
import { params } from '../validate.ts';

/** `GET /api/machines` (summaries with live counts) and `GET /api/machines/:name` (full definition). */
export function machineRoutes(app: AppHandle): Hono<HttpEnv> {
  return new Hono<HttpEnv>()
    .get('/api/machines', (c) => c.json({ machines: listMachines(app) }))
    .get('/api/machines/:name', (c) => {
      const { name } = params(
        c,
        z.object({ name: z.string().regex(/^[a-z_]{1,32}$/, 'expected a machine name') }),
      );
      const entry = findMachine(name);
      if (!entry) throw new HttpError(404, 'not_found', `no machine ${name}`);
      return c.json(machineDetail(app, entry));
    });
}
