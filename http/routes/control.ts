import { Hono } from 'hono';
import { z } from 'zod';
import type { AppHandle } from '../../src/app/types.ts';
import { ActorNotFound, TransitionRejected } from '../../src/jobs/controls.ts';
import { operatorOf, requireAdmin } from '../auth.ts';
import type { HttpEnv } from '../env.ts';
import { HttpError } from '../errors.ts';
import { idSchema, optionalJsonBody, params } from '../validate.ts';

/**
 * The mutating routes, all behind the admin token: pause / resume (the kill switch) and
 * manual approval. 404 for an unknown permit, 409 when its state does not accept the action.
 */
const permitParams = z.object({ id: idSchema });
const rejectBody = z.object({
  reasonCode: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/, 'expected a reason code such as off_topic')
    .optional(),
});

export function controlRoutes(app: AppHandle): Hono<HttpEnv> {
  const admin = requireAdmin(app.config.REPLYWRIGHT_ADMIN_TOKEN);

  const permitAction = (id: string, action: () => void) => {
    if (!app.host.get('permit', id)) throw new HttpError(404, 'not_found', `no permit ${id}`);
    try {
      action();
    } catch (error) {
      if (error instanceof ActorNotFound)
        throw new HttpError(404, 'not_found', `no permit ${id}`, { cause: error });
      if (error instanceof TransitionRejected) {
        const state = app.host.get('permit', id)?.state ?? 'unknown';
        throw new HttpError(409, 'conflict', `permit ${id} is ${state} and cannot take this action`, {
          cause: error,
        });
      }
      throw error;
    }
    const permit = app.host.get('permit', id);
    return {
      permitId: id,
      state: permit?.state ?? 'unknown',
      reasonCode: permit?.context.reasonCode ?? null,
    };
  };

  return new Hono<HttpEnv>()
    .post('/api/control/pause', admin, (c) => {
      app.controls.pause(operatorOf(c));
      return c.json({ paused: app.controls.isPaused() });
    })
    .post('/api/control/resume', admin, (c) => {
      app.controls.resume(operatorOf(c));
      return c.json({ paused: app.controls.isPaused() });
    })
    .post('/api/permits/:id/approve', admin, (c) => {
      const { id } = params(c, permitParams);
      return c.json(permitAction(id, () => app.controls.approvePermit(id, operatorOf(c))));
    })
    .post('/api/permits/:id/reject', admin, async (c) => {
      const { id } = params(c, permitParams);
      const body = await optionalJsonBody(c, rejectBody);
      return c.json(permitAction(id, () => app.controls.rejectPermit(id, operatorOf(c), body.reasonCode)));
    });
}
