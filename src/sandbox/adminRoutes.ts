import { Hono } from 'hono';
import { z } from 'zod';
import { bearerToken, tokenMatches } from '../tokens.ts';
import { behaviourPatchSchema } from './behaviour.ts';
import { faultPatchSchema } from './faults.ts';
import type { SandboxPlatform } from './platform.ts';
import { TRAFFIC_KINDS, type TrafficGenerator } from './traffic.ts';
import { SandboxError, type TrafficKind } from './types.ts';
import { jsonBody, validate } from './validation.ts';
import { toWire } from './wire.ts';

const ghostBody = z.object({ kind: z.enum(['root', 'reply']).optional() }).strict();
const mutateBody = z.object({ action: z.enum(['delete', 'make_reply']) }).strict();
const trafficBody = z
  .object({
    generate: z.number().int().min(1).max(1000).optional(),
    perMin: z.number().min(0).max(6000).optional(),
    /** Kinds to leave out of the mix from now on ([] restores the full mix). */
    exclude: z
      .array(z.enum(TRAFFIC_KINDS as [TrafficKind, ...TrafficKind[]]))
      .max(TRAFFIC_KINDS.length)
      .optional(),
  })
  .strict()
  .refine(
    (b) => (b.generate === undefined) !== (b.perMin === undefined),
    'give exactly one of generate or perMin',
  );

/**
 * Chaos controls for tests and demos, behind `Authorization: Bearer <adminToken>`.
 * Without an admin token configured, every admin route answers 401.
 */
export function createAdminRoutes(
  platform: SandboxPlatform,
  adminToken: string | undefined,
  traffic?: TrafficGenerator,
) {
  const admin = new Hono();
  const faultsView = () => ({
    ...platform.faults.config,
    rateLimitedUntil: platform.faults.rateLimitedUntil,
  });

  admin.use('/admin/*', async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (adminToken === undefined || token === null || !tokenMatches(token, adminToken)) {
      return c.json({ error: 'admin token required' }, 401, { 'www-authenticate': 'Bearer' });
    }
    await next();
  });

  admin.get('/admin/faults', (c) => c.json(faultsView()));

  admin.post('/admin/faults', async (c) => {
    platform.faults.update(validate(faultPatchSchema, await jsonBody(c)));
    return c.json(faultsView());
  });

  admin.get('/admin/behaviour', (c) => c.json(platform.behaviour.config));

  admin.post('/admin/behaviour', async (c) => {
    return c.json(platform.behaviour.update(validate(behaviourPatchSchema, await jsonBody(c))));
  });

  admin.post('/admin/ghost', async (c) => {
    const body = validate(ghostBody, await jsonBody(c));
    return c.json(toWire(platform.faults.ghost(body.kind), { private: true, origin: true }), 201);
  });

  admin.post('/admin/targets/:id/mutate', async (c) => {
    const body = validate(mutateBody, await jsonBody(c));
    const post = platform.faults.mutateTarget(c.req.param('id'), body.action);
    return c.json(toWire(post, { private: true, origin: true }));
  });

  admin.get('/admin/traffic', (c) => {
    if (!traffic) throw new SandboxError(409, 'no traffic generator attached');
    return c.json(trafficView(traffic));
  });

  admin.post('/admin/traffic', async (c) => {
    const body = validate(trafficBody, await jsonBody(c));
    if (!traffic) throw new SandboxError(409, 'no traffic generator attached');
    if (body.exclude !== undefined) traffic.exclude(body.exclude);
    if (body.generate !== undefined) {
      const posts = traffic.generate(body.generate);
      return c.json({ generated: posts.map((p) => toWire(p, { private: true, origin: true })) });
    }
    traffic.setRate(body.perMin!);
    traffic.start();
    return c.json(trafficView(traffic));
  });

  return admin;
}

/** The generator's rate, and the excluded kinds when there are any. */
function trafficView(traffic: TrafficGenerator) {
  const excluded = traffic.excluded;
  return { per_min: traffic.perMin, running: traffic.running, ...(excluded.length ? { excluded } : {}) };
}
