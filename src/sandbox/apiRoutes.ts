import type { IncomingMessage } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { z } from 'zod';
import { identify, type Requester } from './auth.ts';
import type { SandboxPlatform } from './platform.ts';
import type { PostPage, SandboxPost } from './types.ts';
import { jsonBody, validate } from './validation.ts';
import { toWire } from './wire.ts';

/** With @hono/node-server, `c.env.incoming` is the raw request; absent under `app.request()`. */
export type SandboxBindings = { incoming?: IncomingMessage };

const epochMs = z.coerce.number().int().nonnegative();
const groundTruthQuery = z.object({ author: z.string().min(1).optional(), since: epochMs.optional() });
const pageQuery = z.object({
  cursor: z.string().min(1).optional(),
  since: epochMs.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
const searchQuery = pageQuery.extend({ q: z.string().trim().min(1, 'q is required') });
const mentionsQuery = pageQuery.extend({ account: z.string().min(1).optional() });
const createBody = z.object({
  in_reply_to_id: z.string().min(1).max(64).nullable().optional(),
  text: z.string({ error: 'text must be a string' }),
});
const idempotencyKey = z.string().min(1).max(128).optional();

/**
 * The JSON API the pipeline (and tests) talk to. Faults apply to every route but the ground
 * truth (`GET /api/posts`), which is the oracle tests and proofs compare against.
 */
export function createApiRoutes(platform: SandboxPlatform, accountToken: string) {
  const api = new Hono<{ Bindings: SandboxBindings; Variables: { requester: Requester } }>();

  api.use('/api/*', async (c, next) => {
    if (!(c.req.method === 'GET' && c.req.path === '/api/posts')) {
      const { latencyMs } = platform.faults.config;
      if (latencyMs > 0) await platform.clock.sleep(latencyMs);
      const decision = platform.faults.admit();
      if (decision.kind === 'rate_limited') {
        const waitS = Math.max(0, Math.ceil((decision.resetAt - platform.clock.now()) / 1000));
        return c.json({ error: 'rate limited', reset_at: decision.resetAt }, 429, {
          'x-ratelimit-reset': String(decision.resetAt),
          'retry-after': String(waitS),
        });
      }
      if (decision.kind === 'error') return c.json({ error: 'internal error (injected fault)' }, 500);
    }
    const requester = identify(c, platform, accountToken);
    if (requester.kind === 'invalid') {
      return c.json({ error: 'invalid bearer token' }, 401, { 'www-authenticate': 'Bearer' });
    }
    c.set('requester', requester);
    await next();
  });

  const viewer = (r: Requester) => (r.kind === 'token' || r.kind === 'session' ? r.handle : null);
  const item = (post: SandboxPost, r: Requester) => toWire(post, { private: viewer(r) === post.author });
  const page = (p: PostPage, r: Requester) => ({
    posts: p.posts.map((post) => item(post, r)),
    next_cursor: p.nextCursor,
  });

  api.get('/api/posts', (c) => {
    const q = validate(groundTruthQuery, c.req.query(), 'query');
    return c.json(platform.groundTruth(q).map((post) => toWire(post, { private: true, origin: true })));
  });

  api.get('/api/posts/:id', (c) => {
    const post = platform.getPost(c.req.param('id'));
    if (!post) return c.json({ error: `post ${c.req.param('id')} not found` }, 404);
    return c.json(item(post, c.get('requester')));
  });

  api.get('/api/search', (c) => {
    const q = validate(searchQuery, c.req.query(), 'query');
    return c.json(page(platform.search(q.q, q.cursor ?? null, q.limit), c.get('requester')));
  });

  api.get('/api/mentions', (c) => {
    const q = validate(mentionsQuery, c.req.query(), 'query');
    const account = q.account ?? platform.account;
    return c.json(page(platform.mentionsOf(account, q.cursor ?? null, q.limit), c.get('requester')));
  });

  api.get('/api/users/:handle', (c) => {
    const user = platform.getUser(c.req.param('handle'));
    if (!user) return c.json({ error: `user ${c.req.param('handle')} not found` }, 404);
    return c.json({
      handle: user.handle,
      display_name: user.displayName,
      is_bot: user.isBot,
      is_parody: user.isParody,
      followers: user.followers,
    });
  });

  api.get('/api/users/:handle/posts', (c) => {
    const q = validate(pageQuery, c.req.query(), 'query');
    const result = platform.postsBy(c.req.param('handle'), {
      cursor: q.cursor ?? null,
      since: q.since,
      limit: q.limit,
    });
    return c.json(page(result, c.get('requester')));
  });

  api.post('/api/posts', async (c) => {
    const requester = c.get('requester');
    if (requester.kind !== 'token' && requester.kind !== 'session') {
      return c.json({ error: 'log in or send a bearer token to post' }, 401, {
        'www-authenticate': 'Bearer',
      });
    }
    const body = validate(createBody, await jsonBody(c));
    const key = validate(idempotencyKey, c.req.header('idempotency-key'), 'Idempotency-Key header');
    const { post, created } = platform.createPost({
      author: requester.handle,
      text: body.text,
      inReplyToId: body.in_reply_to_id ?? null,
      idempotencyKey: key ?? null,
      origin: requester.kind === 'session' ? 'web' : 'api',
    });
    if (platform.faults.dropResponse()) {
      const incoming = (c.env as SandboxBindings | undefined)?.incoming;
      if (incoming) {
        incoming.socket.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      return c.json({ error: 'response dropped (injected fault)' }, 504);
    }
    return c.json(
      toWire(post, { private: true }),
      created ? 201 : 200,
      created ? {} : { 'idempotent-replayed': 'true' },
    );
  });

  return api;
}
