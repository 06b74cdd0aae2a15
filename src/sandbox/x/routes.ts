import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { bearerToken } from '../../tokens.ts';
import type { SandboxBindings } from '../apiRoutes.ts';
import type { SandboxPlatform } from '../platform.ts';
import { SandboxError, type SandboxPost } from '../types.ts';
import { defaultRefreshToken, XTokens } from './oauth.ts';
import {
  DUPLICATE_CONTENT,
  forbidden,
  invalidParameter,
  NOT_SUMMONED,
  REPLY_TARGET_GONE,
  resourceNotFound,
  serviceUnavailable,
  tooManyRequests,
  unauthorized,
  XProblem,
} from './problems.ts';
import { type WindowLimit, X_ENDPOINT_LIMITS, XRateLimiter } from './rateLimits.ts';
import {
  DEFAULT_LOOKBACK_MS,
  parseTimelineQuery,
  type TimelinePage,
  timelinePage,
  visibleSince,
  walkAfter,
} from './timelines.ts';
import {
  type Fields,
  includesFor,
  parseFields,
  toXTweet,
  toXUser,
  weightedLength,
  X_MAX_WEIGHTED_LENGTH,
} from './tweetShape.ts';
import { XUserDirectory } from './userIds.ts';

export interface XDialectOptions {
  /** The refresh token `POST /2/oauth2/token` accepts first. Default: a dev token derived from the handle. */
  refreshToken?: string;
  /** Rate limits per endpoint; X's published ones by default. */
  limits?: Record<string, WindowLimit[]>;
}

const DAY_MS = 24 * 3_600_000;
const createBody = z.object({
  text: z.string({ error: 'text must be a string' }),
  reply: z.object({ in_reply_to_tweet_id: z.string().regex(/^\d{1,19}$/) }).optional(),
});

/**
 * The sandbox in X API v2's wire format, under `/2/…`, over the same `SandboxPlatform` as the
 * JSON API: the same posts, the same ground truth (`GET /api/posts`), the same faults. Bearer
 * auth with the bot's API token (or a token from `POST /2/oauth2/token`); no idempotency key
 * whatever the sandbox's own idempotency mode; the duplicate-content and not-summoned 403s; X's
 * rate limits with their `x-rate-limit-*` headers. What it serves is what the X adapter calls.
 *
 * "Summoned", on the sandbox: the post replied to @mentions the bot, or is itself a reply to one
 * of the bot's posts (on X such a reply carries the @mention too). The sandbox has no quotes.
 */
export function createXRoutes(
  platform: SandboxPlatform,
  accountToken: string,
  options: XDialectOptions = {},
) {
  const x = new Hono<{ Bindings: SandboxBindings }>();
  const users = new XUserDirectory(platform);
  const limiter = new XRateLimiter(platform.clock, options.limits ?? X_ENDPOINT_LIMITS);
  const tokens = new XTokens(
    platform.clock,
    accountToken,
    options.refreshToken ?? defaultRefreshToken(platform.account),
  );
  const account = platform.account;

  /** Faults, auth and the endpoint's rate limit, then `handler`; X's error shapes for every refusal. */
  const route =
    (
      endpoint: string,
      handler: (c: Context<{ Bindings: SandboxBindings }>) => Response | Promise<Response>,
    ) =>
    async (c: Context<{ Bindings: SandboxBindings }>) => {
      try {
        const { latencyMs } = platform.faults.config;
        if (latencyMs > 0) await platform.clock.sleep(latencyMs);
        const decision = platform.faults.admit();
        if (decision.kind === 'rate_limited') {
          const limit = (options.limits ?? X_ENDPOINT_LIMITS)[endpoint]?.[0]?.limit ?? 0;
          c.header('x-rate-limit-limit', String(limit));
          c.header('x-rate-limit-remaining', '0');
          c.header('x-rate-limit-reset', String(Math.ceil(decision.resetAt / 1000)));
          throw tooManyRequests();
        }
        if (decision.kind === 'error') throw serviceUnavailable();
        const token = bearerToken(c.req.header('authorization'));
        if (token === null || !tokens.accepts(token)) throw unauthorized();
        const admitted = limiter.take(endpoint);
        for (const [name, value] of Object.entries(admitted.headers)) c.header(name, value);
        if (!admitted.ok) throw tooManyRequests();
        return await handler(c);
      } catch (error) {
        return problemResponse(c, error);
      }
    };

  const userOf = (c: Context) => {
    const id = param(c, 'id') ?? '';
    if (!/^\d{1,19}$/.test(id))
      throw invalidParameter('id', id, `The \`id\` query parameter value [${id}] is not valid`);
    return users.handleOf(id);
  };
  const pageResponse = (c: Context, page: TimelinePage, fields: Fields) => {
    const body: Record<string, unknown> = {};
    if (page.posts.length) body.data = page.posts.map((p) => toXTweet(p, fields, platform));
    const includes = includesFor(page.posts, fields, platform);
    if (includes) body.includes = includes;
    body.meta = page.meta;
    return c.json(body);
  };
  const now = () => platform.clock.now();

  x.get(
    '/2/users/me',
    route('GET /2/users/me', (c) => {
      const fields = parseFields(c.req.query());
      return c.json({ data: toXUser(platform.getUser(account)!, fields) });
    }),
  );

  x.get(
    '/2/users/by/username/:username',
    route('GET /2/users/by/username/:username', (c) => {
      const fields = parseFields(c.req.query());
      const username = param(c, 'username');
      const user = platform.getUser(username);
      if (!user) return c.json({ errors: [resourceNotFound('user', 'username', username)] });
      return c.json({ data: toXUser(user, fields) });
    }),
  );

  x.get(
    '/2/tweets/search/recent',
    route('GET /2/tweets/search/recent', (c) => {
      const raw = c.req.query();
      const fields = parseFields(raw);
      const q = (raw.query ?? '').trim();
      if (q.length < 1 || q.length > 512) {
        throw invalidParameter('query', q, 'The `query` parameter must be between 1 and 512 characters');
      }
      const query = parseTimelineQuery(raw, { min: 10, max: 100, default: 10 });
      const floor = now() - DEFAULT_LOOKBACK_MS;
      const candidates =
        query.sinceId !== null
          ? walkAfter((cursor) => platform.search(q, cursor), query.sinceId)
          : visibleSince(platform, Math.max(floor, query.startTime ?? floor)).filter((p) =>
              p.text.toLowerCase().includes(q.toLowerCase()),
            );
      return pageResponse(c, timelinePage(candidates, query, Number.MAX_SAFE_INTEGER), fields);
    }),
  );

  x.get(
    '/2/tweets/:id',
    route('GET /2/tweets/:id', (c) => {
      const id = param(c, 'id');
      if (!/^\d{1,19}$/.test(id))
        throw invalidParameter('id', id, `The \`id\` query parameter value [${id}] is not valid`);
      const fields = parseFields(c.req.query());
      const post = platform.getPost(id);
      if (!post) return c.json({ errors: [resourceNotFound('tweet', 'id', id)] });
      const body: Record<string, unknown> = { data: toXTweet(post, fields, platform) };
      const includes = includesFor([post], fields, platform);
      if (includes) body.includes = includes;
      return c.json(body);
    }),
  );

  x.get(
    '/2/users/:id/mentions',
    route('GET /2/users/:id/mentions', (c) => {
      const raw = c.req.query();
      const fields = parseFields(raw);
      const query = parseTimelineQuery(raw, { min: 5, max: 100, default: 10 });
      const handle = userOf(c);
      if (!handle) return c.json({ errors: [resourceNotFound('user', 'id', param(c, 'id'))] });
      const mentions = (p: SandboxPost) =>
        p.author !== handle && (p.mentions.includes(handle) || p.inReplyToAuthor === handle);
      const candidates =
        query.sinceId !== null
          ? walkAfter((cursor) => platform.mentionsOf(handle, cursor), query.sinceId)
          : visibleSince(platform, query.startTime ?? now() - DEFAULT_LOOKBACK_MS).filter(mentions);
      return pageResponse(c, timelinePage(candidates, query, 800), fields);
    }),
  );

  x.get(
    '/2/users/:id/tweets',
    route('GET /2/users/:id/tweets', (c) => {
      const raw = c.req.query();
      const fields = parseFields(raw);
      const query = parseTimelineQuery(raw, { min: 5, max: 100, default: 10 });
      const exclude = (raw.exclude ?? '').split(',').filter(Boolean);
      for (const item of exclude) {
        if (item !== 'replies' && item !== 'retweets') {
          throw invalidParameter(
            'exclude',
            item,
            `The \`exclude\` query parameter value [${item}] is not one of [replies,retweets]`,
          );
        }
      }
      const handle = userOf(c);
      if (!handle) return c.json({ errors: [resourceNotFound('user', 'id', param(c, 'id'))] });
      const posts = platform
        .timeline(handle, query.startTime ?? 0)
        .filter((p) => !exclude.includes('replies') || p.inReplyToId === null);
      return pageResponse(c, timelinePage(posts, query, 3200), fields);
    }),
  );

  x.post(
    '/2/tweets',
    route('POST /2/tweets', async (c) => {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        throw invalidParameter('body', '', 'The request body is not valid JSON');
      }
      const parsed = createBody.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw invalidParameter(issue.path.join('.') || 'body', '', issue.message);
      }
      const { text } = parsed.data;
      if (text.trim() === '') throw invalidParameter('text', text, 'The `text` field must not be empty');
      if (weightedLength(text) > X_MAX_WEIGHTED_LENGTH) throw forbidden('Your Tweet text is too long.');
      const targetId = parsed.data.reply?.in_reply_to_tweet_id ?? null;
      if (targetId !== null) {
        const target = platform.getPost(targetId);
        if (!target) throw forbidden(REPLY_TARGET_GONE);
        if (!summoned(target, account)) throw forbidden(NOT_SUMMONED);
      }
      if (isDuplicate(platform, account, text, now())) throw forbidden(DUPLICATE_CONTENT);
      // No idempotency key on X, whatever the sandbox's own idempotency mode: every call posts.
      const { post } = platform.createPost({ author: account, text, inReplyToId: targetId, origin: 'api' });
      if (platform.faults.dropResponse()) {
        const incoming = (c.env as SandboxBindings | undefined)?.incoming;
        if (incoming) {
          incoming.socket.destroy();
          return RESPONSE_ALREADY_SENT;
        }
        throw serviceUnavailable();
      }
      return c.json({ data: { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] } }, 201);
    }),
  );

  x.post('/2/oauth2/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    const body = type.includes('application/json')
      ? ((await c.req.json().catch(() => ({}))) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(await c.req.text()));
    const invalid = (description: string) =>
      c.json({ error: 'invalid_request', error_description: description }, 400);
    if (body.grant_type !== 'refresh_token') return invalid('Only the refresh_token grant is served here.');
    if (typeof body.client_id !== 'string' && !c.req.header('authorization')?.startsWith('Basic ')) {
      return invalid('Missing required parameter [client_id].');
    }
    const issued = typeof body.refresh_token === 'string' ? tokens.refresh(body.refresh_token) : null;
    if (!issued) return invalid('Value passed for the token was invalid.');
    return c.json(issued);
  });

  return x;
}

/** The sandbox's reading of X's rule: the target @mentions the bot, or replies to one of its posts. */
export function summoned(target: SandboxPost, account: string): boolean {
  return target.author === account || target.mentions.includes(account) || target.inReplyToAuthor === account;
}

/** The author already has this exact text in a live post of the last 24 h. */
function isDuplicate(platform: SandboxPlatform, author: string, text: string, now: number): boolean {
  const normalized = text.normalize('NFC').trim();
  return platform
    .groundTruth({ author, since: now - DAY_MS })
    .some((p) => !p.deleted && p.text.normalize('NFC').trim() === normalized);
}

function param(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}

function problemResponse(c: Context, error: unknown): Response {
  if (error instanceof XProblem) return c.json(error.body, error.status);
  if (error instanceof SandboxError) {
    if (error.status >= 500) return c.json(serviceUnavailable().body, 503);
    return c.json(forbidden(error.message).body, 403);
  }
  console.error('sandbox x dialect: unhandled error', error);
  return c.json(
    { title: 'Internal Server Error', detail: 'internal error', type: 'about:blank', status: 500 },
    500,
  );
}
