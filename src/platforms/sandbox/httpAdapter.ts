import { MAX_TEXT_LENGTH } from '../../sandbox/types.ts';
import { parseWirePost } from '../../sandbox/wire.ts';
import {
  type CreateReplyRequest,
  OutcomeUnknown,
  type Page,
  type PlatformAdapter,
  type PlatformCapabilities,
  type PlatformLimits,
  type PlatformPost,
  PlatformUnavailable,
  RateLimited,
} from '../contract.ts';
import { type CallKind, fetchFailure, statusFailure } from '../httpErrors.ts';

export interface SandboxHttpAdapterOptions {
  baseUrl: string;
  account: string;
  /** The account's API token. */
  token: string;
  /** Per request, body included. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  name?: string;
  /**
   * What this sandbox guarantees (its `--keys` and `--visibility-lag-ms`). Declaring less
   * idempotency or more lag than it plays is safe; the reverse is not.
   */
  idempotency?: PlatformCapabilities['idempotency'];
  visibilityLagMs?: number;
}

interface Entry {
  post: PlatformPost;
  idempotencyKey: string | null;
}

interface RawPage {
  entries: Entry[];
  invalid: Page['invalid'];
  nextCursor: string | null;
}

/** Stops a misbehaving platform (a cursor that never ends) from looping forever. */
const MAX_PAGES = 1000;

/**
 * `PlatformAdapter` over the sandbox's JSON API. Every item is validated at the boundary;
 * a malformed one lands in `page.invalid`. A create whose outcome cannot be known (timeout,
 * dropped connection, 5xx) throws `OutcomeUnknown`: look with `ownRepliesTo` before any retry.
 *
 * @example
 * const adapter = createSandboxHttpAdapter({ baseUrl: sandbox.url, account: 'replywright_bot', token });
 * const { posts, nextCursor } = await adapter.mentions(null);
 */
export function createSandboxHttpAdapter(options: SandboxHttpAdapterOptions): PlatformAdapter {
  return new SandboxHttpAdapter(options);
}

export class SandboxHttpAdapter implements PlatformAdapter {
  readonly name: string;
  readonly account: string;
  readonly #base: string;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #capabilities: PlatformCapabilities;
  #rateLimitedUntil: number | null = null;

  constructor(options: SandboxHttpAdapterOptions) {
    this.name = options.name ?? 'sandbox';
    this.account = options.account.toLowerCase();
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#capabilities = {
      idempotency: options.idempotency ?? { kind: 'permanent' },
      visibilityLagMs: options.visibilityLagMs ?? 0,
      responseTimeoutMs: this.#timeoutMs,
    };
  }

  capabilities(): PlatformCapabilities {
    return this.#capabilities;
  }

  limits(): PlatformLimits {
    return {
      maxTextLength: MAX_TEXT_LENGTH,
      rateLimitedUntil: this.#rateLimitedUntil,
    };
  }

  async search(query: string, cursor: string | null): Promise<Page> {
    return toPage(await this.#page('/api/search', { q: query, cursor }));
  }

  async mentions(cursor: string | null): Promise<Page> {
    return toPage(await this.#page('/api/mentions', { account: this.account, cursor }));
  }

  async authorPosts(author: string, cursor: string | null): Promise<Page> {
    return toPage(await this.#page(`/api/users/${encodeURIComponent(author)}/posts`, { cursor }));
  }

  async getPost(id: string): Promise<PlatformPost | null> {
    const { status, body } = await this.#request('read', 'GET', `/api/posts/${encodeURIComponent(id)}`, {
      allowNotFound: true,
    });
    if (status === 404) return null;
    const parsed = parseWirePost(body);
    if (!parsed.ok)
      throw new PlatformUnavailable(`getPost ${id}: malformed post from platform (${parsed.reason})`);
    return parsed.post;
  }

  async ownTimeline(since: number): Promise<PlatformPost[]> {
    const posts: PlatformPost[] = [];
    await this.#eachOwnPost(since, (entry) => {
      posts.push(entry.post);
      return false;
    });
    return posts.reverse();
  }

  async createReply(request: CreateReplyRequest): Promise<{ postId: string }> {
    const { body } = await this.#request('create', 'POST', '/api/posts', {
      body: { in_reply_to_id: request.targetId, text: request.text },
      headers: { 'idempotency-key': request.idempotencyKey },
    });
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') {
      throw new OutcomeUnknown('createReply: the platform accepted the post but its response has no id');
    }
    return { postId: id };
  }

  async ownRepliesTo(targetId: string, since: number): Promise<PlatformPost[]> {
    const replies: PlatformPost[] = [];
    await this.#eachOwnPost(since, ({ post }) => {
      if (post.inReplyToId === targetId && post.createdAt >= since) replies.push(post);
      return false;
    });
    return replies;
  }

  /** Visits the account's posts since `since`, oldest first, until `visit` returns true. */
  async #eachOwnPost(since: number, visit: (entry: Entry) => boolean): Promise<void> {
    let cursor: string | null = null;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await this.#page(`/api/users/${encodeURIComponent(this.account)}/posts`, {
        cursor,
        since: String(since),
      });
      for (const entry of page.entries) if (visit(entry)) return;
      if (page.entries.length === 0 || page.nextCursor === null || page.nextCursor === cursor) return;
      cursor = page.nextCursor;
    }
  }

  async #page(path: string, params: Record<string, string | null>): Promise<RawPage> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== null) search.set(key, value);
    const { body } = await this.#request('read', 'GET', `${path}?${search}`);
    const cursor = params.cursor ?? null;
    const raw = body as { posts?: unknown; next_cursor?: unknown } | null;
    if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.posts)) {
      return {
        entries: [],
        invalid: [{ raw: body, reason: 'page: expected { posts: [...] }' }],
        nextCursor: cursor,
      };
    }
    const page: RawPage = { entries: [], invalid: [], nextCursor: cursor };
    for (const item of raw.posts) {
      const parsed = parseWirePost(item);
      if (parsed.ok) page.entries.push({ post: parsed.post, idempotencyKey: parsed.idempotencyKey });
      else page.invalid.push({ raw: item, reason: parsed.reason });
    }
    if (typeof raw.next_cursor === 'string' && raw.next_cursor !== '') page.nextCursor = raw.next_cursor;
    else if (raw.next_cursor !== null && raw.next_cursor !== undefined) {
      page.invalid.push({ raw: raw.next_cursor, reason: 'next_cursor: expected a string or null' });
    }
    return page;
  }

  async #request(
    kind: CallKind,
    method: 'GET' | 'POST',
    path: string,
    extra: { body?: unknown; headers?: Record<string, string>; allowNotFound?: boolean } = {},
  ): Promise<{ status: number; body: unknown }> {
    const what = `${method} ${path.split('?')[0]}`;
    const headers: Record<string, string> = { authorization: `Bearer ${this.#token}`, ...extra.headers };
    if (extra.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: extra.body === undefined ? undefined : JSON.stringify(extra.body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw fetchFailure(error, kind, what);
    }
    if (response.status === 404 && extra.allowNotFound) return { status: 404, body: null };
    if (!response.ok) {
      const failure = statusFailure(response, errorDetail(text), kind, what, Date.now());
      if (failure instanceof RateLimited) this.#rateLimitedUntil = failure.resetAt;
      throw failure;
    }
    this.#rateLimitedUntil = null;
    return { status: response.status, body: parseJson(text) };
  }
}

function toPage(raw: RawPage): Page {
  return { posts: raw.entries.map((e) => e.post), invalid: raw.invalid, nextCursor: raw.nextCursor };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorDetail(text: string): string {
  const body = parseJson(text) as { error?: unknown } | string;
  const detail =
    typeof body === 'object' && body && typeof body.error === 'string' ? body.error : String(body);
  return detail.slice(0, 200);
}
