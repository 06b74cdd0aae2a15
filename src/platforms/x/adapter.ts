import {
  type CreateReplyRequest,
  OutcomeUnknown,
  type Page,
  type PlatformAdapter,
  type PlatformCapabilities,
  type PlatformLimits,
  type PlatformPost,
  PlatformUnavailable,
} from '../contract.ts';
import type { CallRecorder, PriceUnit } from '../usage.ts';
import type { XAuth } from './auth.ts';
import { XCalls } from './calls.ts';
import { isoSeconds, type Listing, toPage, walkListing } from './listing.ts';
import { hasUrl } from './text.ts';
import { XUsers } from './users.ts';
import { parseCreated, parseSingle, READ_FIELDS, type Viewer, type XPage } from './wire.ts';

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

/** X serves at most 800 mentions and 3,200 of a user's posts, 100 a page. */
const MENTION_PAGES = 8;
const TIMELINE_PAGES = 32;
const SEARCH_PAGES = 8;
/** Recent search covers seven days. */
const SEARCH_WINDOW_MS = 7 * 24 * 3_600_000;
const X_MAX_TEXT = 280;

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
  readonly #calls: XCalls;
  readonly #visibilityLagMs: number;
  readonly #rootTtlMs: number;
  readonly #firstLookbackMs: number;
  readonly #now: () => number;
  readonly #users: XUsers;
  readonly #roots = new Map<string, { post: PlatformPost; at: number }>();
  /** Targets known to have summoned the account: a reply to one is priced as a summoned reply. */
  readonly #summoned = new Set<string>();

  constructor(options: XAdapterOptions) {
    this.name = options.name ?? 'x';
    this.account = options.account.toLowerCase();
    this.#visibilityLagMs = options.visibilityLagMs ?? 15_000;
    this.#rootTtlMs = options.rootTtlMs ?? 5 * 60_000;
    this.#firstLookbackMs = options.firstLookbackMs ?? 3 * 3_600_000;
    this.#now = options.now ?? Date.now;
    this.#calls = new XCalls({
      base: options.baseUrl.replace(/\/+$/, ''),
      auth: options.auth,
      timeoutMs: options.timeoutMs ?? 10_000,
      onCall: options.onCall ?? (() => {}),
      now: this.#now,
      name: this.name,
    });
    this.#users = new XUsers(this.#calls, this.account);
  }

  capabilities(): PlatformCapabilities {
    return {
      idempotency: { kind: 'none' },
      visibilityLagMs: this.#visibilityLagMs,
      responseTimeoutMs: this.#calls.timeoutMs,
    };
  }

  limits(): PlatformLimits {
    return { maxTextLength: X_MAX_TEXT, rateLimitedUntil: this.#calls.rateLimitedUntil };
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
    return toPage(page, cursor);
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
    return toPage(page, cursor);
  }

  async authorPosts(author: string, cursor: string | null): Promise<Page> {
    const userId = await this.#users.userId(author);
    if (userId === null) return { posts: [], invalid: [], nextCursor: cursor };
    const own = author.toLowerCase() === this.account;
    const page = await this.#walk(
      'author_posts',
      `users/${userId}/tweets`,
      own ? 'ownedRead' : 'read',
      MENTION_PAGES,
      this.#since(cursor),
    );
    return toPage(page, cursor);
  }

  async getPost(id: string): Promise<PlatformPost | null> {
    const cached = this.#roots.get(id);
    if (cached && this.#now() - cached.at < this.#rootTtlMs) return cached.post;
    const me = await this.viewer();
    const body = await this.#calls.call(
      'get_post',
      'read',
      'read',
      (v2) =>
        v2.get(
          'tweets/:id',
          { ...READ_FIELDS },
          { params: { id }, fullResponse: true, timeout: this.#calls.timeoutMs, prefix: this.#calls.prefix },
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
    const body = await this.#calls.call('create_reply', 'create', unit, (v2) =>
      v2.post(
        'tweets',
        { text: request.text, reply: { in_reply_to_tweet_id: request.targetId } },
        { fullResponse: true, timeout: this.#calls.timeoutMs, prefix: this.#calls.prefix },
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
    return this.#users.viewer();
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

  /** Every page of a newest-first listing, oldest first; each post noticed for pricing. */
  async #walk(
    operation: string,
    path: string,
    unit: PriceUnit,
    maxPages: number,
    params: Record<string, string>,
  ): Promise<XPage> {
    const listing: Listing = { operation, path, unit, maxPages, params };
    const page = await walkListing(this.#calls, await this.viewer(), listing);
    for (const post of page.posts) this.#notice(post);
    return page;
  }

  /** Remembers which posts summoned the account (for pricing a reply to them). */
  #notice(post: PlatformPost): void {
    if (post.mentions.includes(this.account) || post.inReplyToAuthor === this.account)
      this.#summoned.add(post.id);
  }
}
