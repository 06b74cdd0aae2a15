import type { Clock } from '../../runtime/clock.ts';
import type { SandboxPlatform } from '../../sandbox/platform.ts';
import { MAX_TEXT_LENGTH, type PostPage, SandboxError } from '../../sandbox/types.ts';
import { parseWirePost, toWire } from '../../sandbox/wire.ts';
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

export interface SandboxInProcessAdapterOptions {
  platform: SandboxPlatform;
  /** Defaults to the platform's bot account. */
  account?: string;
  /** Latency faults sleep on this clock; defaults to the platform's. Never a real timer otherwise. */
  clock?: Clock;
  name?: string;
  /** What a create may take before the caller gives up; declared, the call itself never times out. */
  responseTimeoutMs?: number;
}

/**
 * `PlatformAdapter` calling `SandboxPlatform` directly, with the same faults as over HTTP:
 * latency (slept on the injected clock), 429 → RateLimited, an injected error → PlatformUnavailable
 * (it strikes before anything is done), a dropped response → the post is stored, then
 * OutcomeUnknown. Deterministic simulations on a SimulatedClock use this one.
 *
 * @example
 * const adapter = createSandboxInProcessAdapter({ platform });
 * await adapter.createReply({ targetId: '1000001', text: 'Thanks!', idempotencyKey: 'permit-1' });
 */
export function createSandboxInProcessAdapter(options: SandboxInProcessAdapterOptions): PlatformAdapter {
  return new SandboxInProcessAdapter(options);
}

export class SandboxInProcessAdapter implements PlatformAdapter {
  readonly name: string;
  readonly account: string;
  readonly #platform: SandboxPlatform;
  readonly #clock: Clock;
  readonly #responseTimeoutMs: number;
  #rateLimitedUntil: number | null = null;

  constructor(options: SandboxInProcessAdapterOptions) {
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 10_000;
    this.#platform = options.platform;
    this.#clock = options.clock ?? options.platform.clock;
    this.account = (options.account ?? options.platform.account).toLowerCase();
    this.name = options.name ?? 'sandbox';
  }

  limits(): PlatformLimits {
    return {
      maxTextLength: MAX_TEXT_LENGTH,
      rateLimitedUntil: this.#rateLimitedUntil,
    };
  }

  /** What the sandbox plays right now (its behaviour), plus the declared response timeout. */
  capabilities(): PlatformCapabilities {
    return {
      idempotency: this.#platform.behaviour.idempotency,
      visibilityLagMs: this.#platform.behaviour.config.visibilityLagMs,
      responseTimeoutMs: this.#responseTimeoutMs,
    };
  }

  search(query: string, cursor: string | null): Promise<Page> {
    return this.#call('search', () => toPage(this.#platform.search(query, cursor)));
  }

  mentions(cursor: string | null): Promise<Page> {
    return this.#call('mentions', () => toPage(this.#platform.mentionsOf(this.account, cursor)));
  }

  authorPosts(author: string, cursor: string | null): Promise<Page> {
    return this.#call('authorPosts', () => toPage(this.#platform.postsBy(author, { cursor })));
  }

  getPost(id: string): Promise<PlatformPost | null> {
    return this.#call('getPost', () => {
      const post = this.#platform.getPost(id);
      if (!post) return null;
      const parsed = parseWirePost(toWire(post));
      if (!parsed.ok) throw new PlatformUnavailable(`getPost ${id}: malformed post (${parsed.reason})`);
      return parsed.post;
    });
  }

  ownTimeline(since: number): Promise<PlatformPost[]> {
    return this.#call(
      'ownTimeline',
      () => toPage({ posts: this.#platform.timeline(this.account, since), nextCursor: null }).posts,
    );
  }

  async createReply(request: CreateReplyRequest): Promise<{ postId: string }> {
    const post = await this.#call(
      'createReply',
      () =>
        this.#platform.createPost({
          author: this.account,
          text: request.text,
          inReplyToId: request.targetId,
          idempotencyKey: request.idempotencyKey,
          origin: 'api',
        }).post,
    );
    if (this.#platform.faults.dropResponse()) {
      throw new OutcomeUnknown(
        `createReply: response dropped after post ${post.id} was stored (injected fault)`,
      );
    }
    return { postId: post.id };
  }

  ownRepliesTo(targetId: string, since: number): Promise<PlatformPost[]> {
    return this.#call('ownRepliesTo', () => {
      const replies = this.#platform
        .timeline(this.account, since)
        .filter((p) => p.inReplyToId === targetId)
        .reverse();
      return toPage({ posts: replies, nextCursor: null }).posts;
    });
  }

  /** Applies the platform's faults, then runs `fn`, mapping refusals to contract errors. */
  async #call<T>(what: string, fn: () => T): Promise<T> {
    const { latencyMs } = this.#platform.faults.config;
    if (latencyMs > 0) await this.#clock.sleep(latencyMs);
    const decision = this.#platform.faults.admit();
    if (decision.kind === 'rate_limited') {
      this.#rateLimitedUntil = decision.resetAt;
      throw new RateLimited(decision.resetAt);
    }
    if (decision.kind === 'error') throw new PlatformUnavailable(`${what}: HTTP 500 (injected fault)`);
    this.#rateLimitedUntil = null;
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof SandboxError)) throw error;
      if (error.status >= 500) throw new PlatformUnavailable(`${what}: ${error.message}`, error);
      throw new PlatformRejected(`${what}: ${error.message}`, error.status, error);
    }
  }
}

function toPage(page: PostPage): Page {
  const result: Page = { posts: [], invalid: [], nextCursor: page.nextCursor };
  for (const post of page.posts) {
    const parsed = parseWirePost(toWire(post));
    if (parsed.ok) result.posts.push(parsed.post);
    else result.invalid.push({ raw: post, reason: parsed.reason });
  }
  return result;
}
