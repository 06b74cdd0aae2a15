import { Agent } from 'node:http';
import { TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import { z } from 'zod';
import {
  type CreateReplyRequest,
  OutcomeUnknown,
  type Page,
  type PlatformAdapter,
  type PlatformCapabilities,
  type PlatformLimits,
  type PlatformPost,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../contract.ts';
import type { CallKind } from '../httpErrors.ts';
import type { CallRecorder, PriceUnit } from '../usage.ts';
import type { XAuth } from './auth.ts';
import { classifyXError, XCallTimedOut, XRejected } from './errors.ts';
import { hasUrl } from './text.ts';
import {
  compareIds,
  parseCreated,
  parsePage,
  parseSingle,
  parseUser,
  READ_FIELDS,
  type Viewer,
  type XPage,
} from './wire.ts';

export interface XAdapterOptions {
  /** `https://api.x.com`, or a sandbox serving the X dialect. */
  baseUrl: string;
  account: string;
  auth: XAuth;
  /** Per call; a create that takes longer is an unknown outcome. Default 10 s. */
  timeoutMs?: number;
  /** How long a new post may take to show in the account's timeline. Default 15 s. */
  visibilityLagMs?: number;
  /**
   * A root seen by `getPost` is served again from memory for this long (default 5 min): on X a
   * post's conversation never changes, and a reply to a deleted post is refused by the create.
   */
  rootTtlMs?: number;
  /** With no cursor yet, mentions and searches look back this far (default 3 h). */
  firstLookbackMs?: number;
  /** Every call made, for the spend ledger. */
  onCall?: CallRecorder;
  now?: () => number;
  name?: string;
}

/** X serves at most 800 mentions and 3,200 of a user's posts; 100 per page. */
const PAGE_SIZE = 100;
const MENTION_PAGES = 8;
const TIMELINE_PAGES = 32;
const SEARCH_PAGES = 8;
/** Recent search covers seven days. */
const SEARCH_WINDOW_MS = 7 * 24 * 3_600_000;
const X_MAX_TEXT = 280;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
});

/**
 * `PlatformAdapter` for X API v2 on twitter-api-v2. X has no idempotency key: exactly-once
 * rests on `ownRepliesTo` (GET /2/users/:id/tweets) and honest absence, and X's duplicate-content
 * 403 is an unknown outcome, never a reason to post again. Mentions carry a durable `since_id`
 * cursor; every item is validated at the boundary; every call is reported to `onCall` for pricing.
 *
 * @example
 * const adapter = createXAdapter({ baseUrl: 'https://api.x.com', account: 'my_bot', auth: new XAuth({ accessToken }) });
 * const { posts, nextCursor } = await adapter.mentions(null);
 */
export function createXAdapter(options: XAdapterOptions): XAdapter {
  return new XAdapter(options);
}

export class XAdapter implements PlatformAdapter {
  readonly name: string;
  readonly account: string;
  readonly #prefix: string;
  readonly #auth: XAuth;
  readonly #timeoutMs: number;
  readonly #visibilityLagMs: number;
  readonly #rootTtlMs: number;
  readonly #firstLookbackMs: number;
  readonly #onCall: CallRecorder;
  readonly #now: () => number;
  readonly #agent: Agent | undefined;
  #client: { token: string; v2: TwitterApiv2 } | null = null;
  #viewer: Promise<Viewer> | null = null;
  readonly #userIds = new Map<string, string>();
  readonly #roots = new Map<string, { post: PlatformPost; at: number }>();
  /** Targets known to have summoned the account: a reply to one is priced as a summoned reply. */
  readonly #summoned = new Set<string>();
  #rateLimitedUntil: number | null = null;

  constructor(options: XAdapterOptions) {
    this.name = options.name ?? 'x';
    this.account = options.account.toLowerCase();
    const base = options.baseUrl.replace(/\/+$/, '');
    this.#prefix = `${base}/2/`;
    this.#auth = options.auth;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#visibilityLagMs = options.visibilityLagMs ?? 15_000;
    this.#rootTtlMs = options.rootTtlMs ?? 5 * 60_000;
    this.#firstLookbackMs = options.firstLookbackMs ?? 3 * 3_600_000;
    this.#onCall = options.onCall ?? (() => {});
    this.#now = options.now ?? Date.now;
    // twitter-api-v2 calls https.request; a plain-http base (the sandbox) needs an http agent.
    this.#agent = base.startsWith('http:') ? new Agent({ keepAlive: false }) : undefined;
    this.#auth.useRefresh((request) => this.#refreshToken(request));
  }

  capabilities(): PlatformCapabilities {
    return {
      idempotency: { kind: 'none' },
      visibilityLagMs: this.#visibilityLagMs,
      responseTimeoutMs: this.#timeoutMs,
    };
  }

  limits(): PlatformLimits {
    return { maxTextLength: X_MAX_TEXT, rateLimitedUntil: this.#rateLimitedUntil };
  }

  async mentions(cursor: string | null): Promise<Page> {
    const me = await this.viewer();
    const page = await this.#walk(
      'mentions',
      `users/${me.id}/mentions`,
      'ownedRead',
      MENTION_PAGES,
      this.#since(cursor),
    );
    return this.#toPage(page, cursor);
  }

  async search(query: string, cursor: string | null): Promise<Page> {
    const since: Record<string, string> =
      cursor !== null
        ? { since_id: cursor }
        : {
            start_time: isoSeconds(this.#now() - Math.min(this.#firstLookbackMs, SEARCH_WINDOW_MS - 60_000)),
          };
    const page = await this.#walk('search', 'tweets/search/recent', 'read', SEARCH_PAGES, {
      query,
      ...since,
    });
    return this.#toPage(page, cursor);
  }

  async authorPosts(author: string, cursor: string | null): Promise<Page> {
    const userId = await this.#userId(author);
    if (userId === null) return { posts: [], invalid: [], nextCursor: cursor };
    const own = author.toLowerCase() === this.account;
    const page = await this.#walk(
      'author_posts',
      `users/${userId}/tweets`,
      own ? 'ownedRead' : 'read',
      MENTION_PAGES,
      this.#since(cursor),
    );
    return this.#toPage(page, cursor);
  }

  async getPost(id: string): Promise<PlatformPost | null> {
    const cached = this.#roots.get(id);
    if (cached && this.#now() - cached.at < this.#rootTtlMs) return cached.post;
    const me = await this.viewer();
    const body = await this.#call(
      'get_post',
      'read',
      'read',
      (v2) =>
        v2.get(
          'tweets/:id',
          { ...READ_FIELDS },
          { params: { id }, fullResponse: true, timeout: this.#timeoutMs, prefix: this.#prefix },
        ),
      (data) => (parseSingle(data, me).found ? [id] : []),
    );
    const single = parseSingle(body, me);
    if (!single.found) return null;
    if (!single.mapped.ok)
      throw new PlatformUnavailable(`getPost ${id}: malformed post from X (${single.mapped.reason})`);
    const post = single.mapped.post;
    this.#notice(post);
    if (post.inReplyToId === null && post.rootId === post.id) this.#roots.set(id, { post, at: this.#now() });
    return post;
  }

  async ownTimeline(since: number): Promise<PlatformPost[]> {
    return (await this.#ownPostsSince('own_timeline', since)).reverse();
  }

  async ownRepliesTo(targetId: string, since: number): Promise<PlatformPost[]> {
    return (await this.#ownPostsSince('own_replies', since)).filter((p) => p.inReplyToId === targetId);
  }

  async createReply(request: CreateReplyRequest): Promise<{ postId: string }> {
    const unit: PriceUnit = hasUrl(request.text)
      ? 'urlPost'
      : this.#summoned.has(request.targetId)
        ? 'reply'
        : 'post';
    const body = await this.#call('create_reply', 'create', unit, (v2) =>
      v2.post(
        'tweets',
        { text: request.text, reply: { in_reply_to_tweet_id: request.targetId } },
        { fullResponse: true, timeout: this.#timeoutMs, prefix: this.#prefix },
      ),
    );
    const postId = parseCreated(body);
    if (postId === null) {
      throw new OutcomeUnknown('createReply: X accepted the post but its response has no id');
    }
    return { postId };
  }

  /** The account behind the token (GET /2/users/me), once; it must be the configured account. */
  viewer(): Promise<Viewer> {
    this.#viewer ??= (async () => {
      const body = await this.#call(
        'me',
        'read',
        'userRead',
        (v2) =>
          v2.get('users/me', {}, { fullResponse: true, timeout: this.#timeoutMs, prefix: this.#prefix }),
        (data) => {
          const user = parseUser(data);
          return user ? [user.id] : [];
        },
      );
      const user = parseUser(body);
      if (!user) throw new PlatformUnavailable('GET /2/users/me: malformed user from X');
      if (user.username.toLowerCase() !== this.account) {
        throw new XRejected(
          `the X token belongs to @${user.username}, but REPLYWRIGHT_ACCOUNT is ${this.account}`,
          403,
          'x_wrong_account',
        );
      }
      this.#userIds.set(this.account, user.id);
      return { id: user.id, username: this.account };
    })().catch((error: unknown) => {
      this.#viewer = null;
      throw error;
    });
    return this.#viewer;
  }

  /** The account's posts made at or after `since`, oldest first, every page read. */
  async #ownPostsSince(operation: 'own_timeline' | 'own_replies', since: number): Promise<PlatformPost[]> {
    const me = await this.viewer();
    const page = await this.#walk(operation, `users/${me.id}/tweets`, 'ownedRead', TIMELINE_PAGES, {
      start_time: isoSeconds(since),
    });
    return page.posts.filter((p) => p.author === this.account && p.createdAt >= since);
  }

  #since(cursor: string | null): Record<string, string> {
    return cursor !== null
      ? { since_id: cursor }
      : { start_time: isoSeconds(this.#now() - this.#firstLookbackMs) };
  }

  async #userId(handle: string): Promise<string | null> {
    const key = handle.toLowerCase();
    const known = this.#userIds.get(key);
    if (known) return known;
    const body = await this.#call(
      'user_lookup',
      'read',
      'userRead',
      (v2) =>
        v2.get(
          'users/by/username/:username',
          {},
          { params: { username: key }, fullResponse: true, timeout: this.#timeoutMs, prefix: this.#prefix },
        ),
      (data) => {
        const user = parseUser(data);
        return user ? [user.id] : [];
      },
    );
    const user = parseUser(body);
    if (!user) return null;
    this.#userIds.set(key, user.id);
    return user.id;
  }

  /** Every page of a newest-first listing (up to `maxPages`), as one page oldest first. */
  async #walk(
    operation: string,
    path: string,
    unit: PriceUnit,
    maxPages: number,
    params: Record<string, string>,
  ): Promise<XPage> {
    const me = await this.viewer();
    const all: XPage = { posts: [], invalid: [], newestId: null, nextToken: null };
    let token: string | null = null;
    for (let i = 0; i < maxPages; i++) {
      const query: Record<string, string | number> = { ...READ_FIELDS, ...params, max_results: PAGE_SIZE };
      if (token !== null) query.pagination_token = token;
      const body = await this.#call(
        operation,
        'read',
        unit,
        (v2) => v2.get(path, query, { fullResponse: true, timeout: this.#timeoutMs, prefix: this.#prefix }),
        (data) => idsOf(data),
      );
      const page = parsePage(body, me);
      all.posts.push(...page.posts);
      all.invalid.push(...page.invalid);
      // The first page holds the newest post of the whole listing.
      if (i === 0) all.newestId = page.newestId;
      if (page.nextToken === null || page.nextToken === token) break;
      token = page.nextToken;
    }
    all.posts.sort((a, b) => compareIds(a.id, b.id));
    for (const post of all.posts) this.#notice(post);
    return all;
  }

  #toPage(page: XPage, cursor: string | null): Page {
    const newest = page.newestId;
    const nextCursor =
      newest !== null && (cursor === null || compareIds(newest, cursor) > 0) ? newest : cursor;
    return { posts: page.posts, invalid: page.invalid, nextCursor };
  }

  /** Remembers which posts summoned the account (for pricing a reply to them). */
  #notice(post: PlatformPost): void {
    if (post.mentions.includes(this.account) || post.inReplyToAuthor === this.account)
      this.#summoned.add(post.id);
  }

  /**
   * One request with the account's token: one retry after a 401 that a token refresh cured
   * (a 401 proves X did nothing, so even a create may be sent again).
   */
  async #call(
    operation: string,
    kind: CallKind,
    unit: PriceUnit,
    send: (v2: TwitterApiv2) => Promise<{ data: unknown }>,
    resources: (data: unknown) => string[] = () => [],
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const v2 = await this.#v2(operation);
      try {
        return await this.#exchange(operation, kind, unit, () => send(v2), resources);
      } catch (error) {
        const unauthorized = error instanceof PlatformRejected && error.status === 401;
        if (unauthorized && attempt === 1 && (await this.#tryRefresh())) continue;
        throw error;
      }
    }
  }

  /** One request: the adapter's deadline, errors classified, the call reported for pricing. */
  async #exchange(
    operation: string,
    kind: CallKind,
    unit: PriceUnit,
    send: () => Promise<{ data: unknown }>,
    resources: (data: unknown) => string[],
  ): Promise<unknown> {
    try {
      const response = await this.#withDeadline(send());
      this.#rateLimitedUntil = null;
      this.#record(operation, 'ok', unit, kind === 'create' ? [] : resources(response.data));
      return response.data;
    } catch (error) {
      const classified = classifyXError(error, kind, operation, this.#now());
      if (classified instanceof RateLimited) this.#rateLimitedUntil = classified.resetAt;
      this.#record(operation, classified instanceof OutcomeUnknown ? 'unknown' : 'failed', unit, []);
      throw classified;
    }
  }

  async #tryRefresh(): Promise<boolean> {
    try {
      return await this.#auth.refresh();
    } catch {
      return false;
    }
  }

  #record(
    operation: string,
    outcome: 'ok' | 'failed' | 'unknown',
    unit: PriceUnit,
    resources: string[],
  ): void {
    try {
      this.#onCall({ platform: this.name, operation, at: this.#now(), outcome, unit, resources });
    } catch {
      // Pricing must never break a call.
    }
  }

  async #withDeadline<T>(call: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    call.catch(() => {});
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new XCallTimedOut(`no answer in ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
      timer.unref?.();
    });
    try {
      return await Promise.race([call, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #v2(operation: string): Promise<TwitterApiv2> {
    let token: string;
    try {
      token = await this.#auth.accessToken();
    } catch (error) {
      // Nothing was sent: the request waits for a token (re-authorize the app if this lasts).
      throw new PlatformUnavailable(
        `${operation}: could not refresh the X token (${describe(error)})`,
        error,
      );
    }
    if (this.#client?.token !== token) {
      // Every call passes `prefix` (the base URL): cloneWithPrefix throws in twitter-api-v2 1.29.1.
      this.#client = { token, v2: new TwitterApi(token, { httpAgent: this.#agent }).v2 };
    }
    return this.#client.v2;
  }

  async #refreshToken(request: { refreshToken: string; clientId: string; clientSecret?: string }) {
    const init = request.clientSecret
      ? { clientId: request.clientId, clientSecret: request.clientSecret }
      : { clientId: request.clientId };
    const client = new TwitterApi(init, { httpAgent: this.#agent });
    const body = await this.#exchange(
      'token_refresh',
      'read',
      'free',
      () =>
        client.post(
          'oauth2/token',
          { grant_type: 'refresh_token', refresh_token: request.refreshToken, client_id: request.clientId },
          { prefix: this.#prefix, forceBodyMode: 'url', fullResponse: true, timeout: this.#timeoutMs },
        ),
      () => [],
    );
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new PlatformUnavailable('token refresh: malformed answer from X');
    return {
      accessToken: parsed.data.access_token,
      refreshToken: parsed.data.refresh_token ?? null,
      expiresInS: parsed.data.expires_in,
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function idsOf(data: unknown): string[] {
  const items = (data as { data?: unknown } | null)?.data;
  if (!Array.isArray(items)) return [];
  return items.map((t) => (t as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
}

/** X takes RFC 3339 times to the second; flooring keeps "at or after `ms`" inclusive. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
