import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono } from 'hono';
import { readLimitedText } from '../../edge/limitedBody.ts';
import type { SandboxBindings } from '../apiRoutes.ts';
import type { SandboxPlatform } from '../platform.ts';
import { SandboxError, type SandboxPost } from '../types.ts';
import { BODY_LIMIT_BYTES } from '../validation.ts';
import { AccountDirectory } from './accountIds.ts';
import { INVALID_TOKEN, type MastodonCaller, mastodonCaller, requireAccount } from './auth.ts';
import { createStatus, createStatusParams } from './createStatus.ts';
import { MastodonEntities } from './entities.ts';
import { linkHeader, pageRange } from './paging.ts';
import { MASTODON_LIMITS, type MastodonLimits, MastodonRateLimits, rateLimitHeaders } from './rateLimits.ts';

type Env = { Bindings: SandboxBindings; Variables: { caller: MastodonCaller } };

const TOO_MANY = { error: 'Too many requests' };
const NOT_FOUND = 'Record not found';

/**
 * The sandbox in Mastodon's REST dialect: the subset of `/api/v1` and `/api/v2` a reply bot
 * uses, over the same platform (same posts, same ground truth at `GET /api/posts`, same
 * faults). Bearer auth with the bot's token; anonymous callers see public posts only.
 * Mount it before the native API: it answers every `/api/v1/*` and `/api/v2/*` path itself.
 *
 * @example app.route('/', createMastodonRoutes(platform, accountToken));
 */
export function createMastodonRoutes(
  platform: SandboxPlatform,
  accountToken: string,
  limits: MastodonLimits = MASTODON_LIMITS,
) {
  const api = new Hono<Env>();
  const directory = new AccountDirectory(platform);
  const rateLimits = new MastodonRateLimits(platform.meta, platform.clock, limits);
  const entities = (c: Context) => new MastodonEntities(platform, directory, new URL(c.req.url).origin);
  const viewer = (c: Context<Env>) => {
    const caller = c.get('caller');
    return caller.kind === 'account' ? caller.handle : '';
  };
  const visible = (c: Context<Env>, post: SandboxPost | null): post is SandboxPost =>
    post !== null &&
    (post.visibility === 'public' || post.visibility === 'unlisted' || platform.canSee(viewer(c), post));

  for (const prefix of ['/api/v1/*', '/api/v2/*']) {
    api.use(prefix, async (c, next) => {
      const { latencyMs } = platform.faults.config;
      if (latencyMs > 0) await platform.clock.sleep(latencyMs);
      const decision = platform.faults.admit();
      if (decision.kind === 'rate_limited') {
        const state = { ok: false, limit: limits.requests.limit, remaining: 0, resetAt: decision.resetAt };
        return c.json(TOO_MANY, 429, rateLimitHeaders(state));
      }
      if (decision.kind === 'error') return c.json({ error: 'internal error (injected fault)' }, 500);
      const caller = mastodonCaller(c, platform, accountToken);
      if (caller.kind === 'invalid') return c.json(INVALID_TOKEN.body, 401, INVALID_TOKEN.headers);
      const state = rateLimits.request(caller.kind === 'account' ? caller.handle : 'anonymous');
      if (!state.ok) return c.json(TOO_MANY, 429, rateLimitHeaders(state));
      c.set('caller', caller);
      await next();
      // A route's own limit (the statuses one) speaks for itself; otherwise the request limit's.
      for (const [name, value] of Object.entries(rateLimitHeaders(state)))
        if (!c.res.headers.has(name)) c.header(name, value);
    });
  }

  api.get('/api/v1/accounts/verify_credentials', (c) => {
    const handle = requireAccount(c.get('caller'));
    return c.json(entities(c).credentialAccount(platform.getUser(handle)!));
  });

  api.get('/api/v1/accounts/lookup', (c) => {
    const e = entities(c);
    const [username, domain] = (c.req.query('acct') ?? '').replace(/^@/, '').split('@');
    const local = domain === undefined || domain.toLowerCase() === e.domain.toLowerCase();
    const user = !username ? null : platform.getUser(local ? username : `${username}@${domain}`);
    if (!user) throw new SandboxError(404, NOT_FOUND);
    return c.json(e.account(user));
  });

  api.get('/api/v1/accounts/:id', (c) => {
    const user = directory.userById(c.req.param('id'));
    if (!user) throw new SandboxError(404, NOT_FOUND);
    return c.json(entities(c).account(user));
  });

  api.get('/api/v1/accounts/:id/statuses', (c) => {
    const user = directory.userById(c.req.param('id'));
    if (!user) throw new SandboxError(404, NOT_FOUND);
    const url = new URL(c.req.url);
    const flag = (name: string) => ['1', 'true'].includes(url.searchParams.get(name) ?? '');
    // The sandbox has no media, pins or boosts: those filters leave nothing or everything.
    const posts =
      flag('only_media') || flag('pinned')
        ? []
        : platform.statusesOf(user.handle, viewer(c), pageRange(url, 20), {
            excludeReplies: flag('exclude_replies'),
          });
    const e = entities(c);
    return c.json(
      posts.map((p) => e.status(p)),
      200,
      linkHeader(url, posts),
    );
  });

  api.get('/api/v1/notifications', (c) => {
    const handle = requireAccount(c.get('caller'));
    const url = new URL(c.req.url);
    const list = (name: string) => [
      ...url.searchParams.getAll(`${name}[]`),
      ...url.searchParams.getAll(name),
    ];
    const types = list('types');
    const wantsMentions =
      (types.length === 0 || types.includes('mention')) && !list('exclude_types').includes('mention');
    const posts = wantsMentions ? platform.notificationsOf(handle, pageRange(url, 40)) : [];
    const e = entities(c);
    return c.json(
      posts.map((p) => e.notification(p)),
      200,
      linkHeader(url, posts),
    );
  });

  api.get('/api/v1/statuses/:id', (c) => {
    const post = platform.getPost(c.req.param('id'));
    if (!visible(c, post)) throw new SandboxError(404, NOT_FOUND);
    return c.json(entities(c).status(post));
  });

  api.get('/api/v1/statuses/:id/source', (c) => {
    requireAccount(c.get('caller'));
    const post = platform.getPost(c.req.param('id'));
    if (!visible(c, post)) throw new SandboxError(404, NOT_FOUND);
    return c.json(entities(c).source(post));
  });

  api.post('/api/v1/statuses', async (c) => {
    const author = requireAccount(c.get('caller'));
    const params = createStatusParams.safeParse(await formOrJson(c.req.raw));
    if (!params.success) throw new SandboxError(422, `Validation failed: ${params.error.issues[0]?.message}`);
    const key = c.req.header('idempotency-key') ?? null;
    if (key !== null && (key === '' || key.length > 256))
      throw new SandboxError(422, 'Validation failed: Idempotency-Key must be 1 to 256 characters');
    const outcome = createStatus(platform, rateLimits, author, params.data, key);
    if (outcome.kind === 'rate_limited') return c.json(TOO_MANY, 429, rateLimitHeaders(outcome.state));
    if (outcome.kind === 'created' && platform.faults.dropResponse()) {
      const incoming = (c.env as SandboxBindings | undefined)?.incoming;
      if (incoming) {
        incoming.socket.destroy();
        return RESPONSE_ALREADY_SENT;
      }
      return c.json({ error: 'response dropped (injected fault)' }, 504);
    }
    // Mastodon answers 200 both for a new status and for a replayed key.
    return c.json(entities(c).status(outcome.post), 200);
  });

  api.get('/api/v2/instance', (c) => c.json(entities(c).instance()));

  api.get('/api/v2/search', (c) => {
    const url = new URL(c.req.url);
    const q = (url.searchParams.get('q') ?? '').trim();
    if (q === '') throw new SandboxError(400, 'q is required');
    const type = url.searchParams.get('type');
    const e = entities(c);
    const statuses =
      type === null || type === 'statuses' ? platform.searchVisible(q, viewer(c), pageRange(url, 20)) : [];
    const needle = q.replace(/^@/, '').toLowerCase();
    const accounts =
      type === null || type === 'accounts'
        ? platform
            .listUsers()
            .filter((u) => u.handle.includes(needle))
            .slice(0, 20)
        : [];
    return c.json({
      accounts: accounts.map((u) => e.account(u)),
      statuses: statuses.map((p) => e.status(p)),
      hashtags: [],
    });
  });

  // Everything else under the dialect's prefixes is Mastodon's 404, never the native API's.
  api.all('/api/v1/*', () => {
    throw new SandboxError(404, NOT_FOUND);
  });
  api.all('/api/v2/*', () => {
    throw new SandboxError(404, NOT_FOUND);
  });
  return api;
}

/** A JSON body, or a urlencoded / multipart form (Mastodon takes all three). */
async function formOrJson(request: Request): Promise<unknown> {
  const text = await readLimitedText(request, BODY_LIMIT_BYTES);
  const type = request.headers.get('content-type') ?? '';
  if (/^application\/json\b/i.test(type) || (type === '' && text.trim().startsWith('{'))) {
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SandboxError(400, 'invalid body: not valid JSON');
    }
  }
  if (/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    const data = await new Response(text, { headers: { 'content-type': type } }).formData();
    const fields: Record<string, string> = {};
    data.forEach((value, name) => {
      if (typeof value === 'string') fields[name] = value;
    });
    return fields;
  }
  return {};
}
