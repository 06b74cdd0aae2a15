import type { mastodon } from 'masto';
import { type Clock, systemClock } from '../../runtime/clock.ts';
import {
  type CreateReplyRequest,
  type Page,
  type PlatformAdapter,
  type PlatformCapabilities,
  type PlatformLimits,
  type PlatformPost,
  PlatformRejected,
  PlatformUnavailable,
} from '../contract.ts';
import { type AccountFacts, AccountState, DEFAULT_MAX_CHARACTERS } from './accountState.ts';
import { MASTODON_ID as ID, MastodonCalls } from './calls.ts';
import { createMastodonClient } from './client.ts';
import { isNotFound } from './errors.ts';
import { readOwnStatuses } from './ownStatuses.ts';
import { MENTION_RESERVE, replyText } from './replyText.ts';
import { firstIssue, type MastodonStatus, statusSchema } from './schemas.ts';
import { SourceTexts } from './sourceTexts.ts';
import { mentionsPage, statusPage } from './statusPages.ts';
import { toPlatformPost } from './toPlatformPost.ts';
import { narrowest, type Visibility } from './visibility.ts';

export interface MastodonAdapterOptions {
  /** The instance's base URL (or the sandbox's, which speaks the same dialect). */
  url: string;
  token: string;
  /** The account's username; the token must belong to it. */
  account: string;
  /** Per read request. Default 10 s. */
  timeoutMs?: number;
  /** The whole of one `createReply` (target lookup and the create). Default 15 s. */
  responseTimeoutMs?: number;
  /** Replies never go wider than this, whatever the mention's visibility. Default `public`. */
  maxVisibility?: Visibility;
  /** Mastodon keeps an Idempotency-Key one hour; a harness may declare less. */
  idempotency?: PlatformCapabilities['idempotency'];
  /** How long a new status may take to appear in the account's statuses (read replicas). Default 30 s. */
  visibilityLagMs?: number;
  /** Account and instance facts are re-read this often. Default 10 min. */
  refreshMs?: number;
  clock?: Clock;
  client?: mastodon.rest.Client;
  /** Called after every read of the account (its `bot` flag may change). */
  onAccountFacts?: (facts: AccountFacts) => void;
}

/** Mastodon's page sizes: notifications up to 80 (40 asked), statuses and search up to 40. */
const PAGE = 40;

/**
 * `PlatformAdapter` for Mastodon on the `masto` client. Mentions come from
 * `/api/v1/notifications?types[]=mention`, paged forward with `min_id` (gap-free; the cursor
 * is the newest notification id, stored by the pipeline). A reply keeps the mention's
 * visibility or narrower (looked up at create time, failing closed), starts with the
 * author's `@acct`, fits the instance's limit and carries the permit's key as
 * `Idempotency-Key` — which Mastodon honours for one hour; after that, `ownRepliesTo` (the
 * account's statuses replying to the target) is what stands between a retry and a duplicate.
 *
 * @example
 * const adapter = new MastodonAdapter({ url: 'https://mastodon.example', token, account: 'acmebot' });
 * const facts = await adapter.connect(); // verify_credentials + /api/v2/instance
 */
export class MastodonAdapter implements PlatformAdapter {
  readonly name = 'mastodon';
  readonly account: string;
  readonly #client: mastodon.rest.Client;
  readonly #clock: Clock;
  readonly #state: AccountState;
  readonly #capabilities: PlatformCapabilities;
  readonly #maxVisibility: Visibility;
  readonly #accountIds = new Map<string, string>();
  readonly #calls: MastodonCalls;
  readonly #sources: SourceTexts;

  constructor(options: MastodonAdapterOptions) {
    this.account = options.account.toLowerCase();
    this.#clock = options.clock ?? systemClock;
    this.#client =
      options.client ??
      createMastodonClient({
        url: options.url,
        token: options.token,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
    this.#calls = new MastodonCalls(this.#clock);
    this.#sources = new SourceTexts(this.#client, this.#calls);
    this.#state = new AccountState(
      this.#client,
      options.url,
      this.#clock,
      this.account,
      options.refreshMs ?? 600_000,
      options.onAccountFacts,
    );
    this.#maxVisibility = options.maxVisibility ?? 'public';
    this.#capabilities = {
      idempotency: options.idempotency ?? { kind: 'window', seconds: 3_600 },
      visibilityLagMs: options.visibilityLagMs ?? 30_000,
      responseTimeoutMs: options.responseTimeoutMs ?? 15_000,
    };
  }

  /** Reads the account and instance now: the token works, it is this account's, and its `bot` flag. */
  connect(): Promise<AccountFacts> {
    return this.#facts();
  }

  capabilities(): PlatformCapabilities {
    return this.#capabilities;
  }

  limits(): PlatformLimits {
    const max = this.#state.known?.maxCharacters ?? DEFAULT_MAX_CHARACTERS;
    return {
      maxTextLength: Math.max(1, max - MENTION_RESERVE),
      rateLimitedUntil: this.#calls.rateLimitedUntil,
    };
  }

  /** The account as last read (no I/O); null before the first read. */
  get accountFacts(): AccountFacts | null {
    return this.#state.known;
  }

  async mentions(cursor: string | null): Promise<Page> {
    const self = await this.#facts();
    const raw = await this.#read('GET /api/v1/notifications', () =>
      this.#client.v1.notifications.list({
        types: ['mention'],
        limit: PAGE,
        ...(cursor ? { minId: cursor } : {}),
      }),
    );
    return mentionsPage(raw, cursor, self, this.#sources);
  }

  async authorPosts(author: string, cursor: string | null): Promise<Page> {
    const self = await this.#facts();
    const accountId = await this.#accountId(author);
    if (accountId === null) return { posts: [], invalid: [], nextCursor: cursor };
    const raw = await this.#read('GET /api/v1/accounts/:id/statuses', () =>
      this.#client.v1.accounts
        .$select(accountId)
        .statuses.list({ limit: PAGE, excludeReblogs: true, ...(cursor ? { minId: cursor } : {}) }),
    );
    return statusPage(raw, self, cursor, this.#sources);
  }

  async search(query: string, cursor: string | null): Promise<Page> {
    const self = await this.#facts();
    const raw = await this.#read('GET /api/v2/search', () =>
      this.#client.v2.search.list({
        q: query,
        type: 'statuses',
        limit: PAGE,
        ...(cursor ? { minId: cursor } : {}),
      }),
    );
    return statusPage((raw as { statuses?: unknown } | null)?.statuses, self, cursor, this.#sources);
  }

  async getPost(id: string): Promise<PlatformPost | null> {
    if (!ID.test(id)) return null;
    const self = await this.#facts();
    let raw: unknown;
    try {
      raw = await this.#read('GET /api/v1/statuses/:id', () => this.#client.v1.statuses.$select(id).fetch(), {
        notFound: true,
      });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const status = statusSchema.safeParse(raw);
    if (!status.success)
      throw new PlatformUnavailable(
        `getPost ${id}: malformed status (${firstIssue(status.error, 'status')})`,
      );
    if (status.data.account.id === self.id) return this.#sources.ownPost(status.data, self);
    const converted = toPlatformPost(status.data, self, await this.#sources.sourceText(status.data));
    if (!converted.ok) throw new PlatformUnavailable(`getPost ${id}: ${converted.reason}`);
    return converted.post;
  }

  async ownTimeline(since: number): Promise<PlatformPost[]> {
    return this.#ownStatuses(since, () => true);
  }

  async ownRepliesTo(targetId: string, since: number): Promise<PlatformPost[]> {
    return (await this.#ownStatuses(since, (status) => status.inReplyToId === targetId)).reverse();
  }

  async createReply(request: CreateReplyRequest): Promise<{ postId: string }> {
    if (!ID.test(request.targetId)) throw new PlatformRejected(`invalid target id ${request.targetId}`, 404);
    const signal = AbortSignal.timeout(this.#capabilities.responseTimeoutMs);
    const facts = await this.#facts();
    let rawTarget: unknown;
    try {
      rawTarget = await this.#read(
        'GET /api/v1/statuses/:id',
        () =>
          this.#client.v1.statuses.$select(request.targetId).fetch(undefined, { requestInit: { signal } }),
        { notFound: true },
      );
    } catch (error) {
      if (isNotFound(error))
        throw new PlatformRejected(`target ${request.targetId} is gone or not visible`, 404);
      throw error;
    }
    const target = statusSchema.safeParse(rawTarget);
    if (!target.success)
      throw new PlatformUnavailable(`target ${request.targetId}: ${firstIssue(target.error, 'status')}`);
    const visibility = narrowest(target.data.visibility, this.#maxVisibility);
    const status = replyText(request.text, target.data.account.acct, visibility, facts);
    const created = await this.#calls.call('create', 'POST /api/v1/statuses', () =>
      this.#client.v1.statuses.create(
        { status, inReplyToId: request.targetId, visibility },
        { requestInit: { signal, headers: { 'Idempotency-Key': request.idempotencyKey } } },
      ),
    );
    const id = (created as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '')
      throw new PlatformUnavailable('createReply: Mastodon accepted the status but its answer has no id');
    const inReplyTo = (created as { inReplyToId?: unknown }).inReplyToId;
    if (inReplyTo !== request.targetId)
      throw new PlatformRejected(
        `Idempotency-Key ${request.idempotencyKey} already made status ${id}, a reply to ${String(inReplyTo)}`,
        409,
      );
    return { postId: id };
  }

  #ownStatuses(since: number, wanted: (status: MastodonStatus) => boolean): Promise<PlatformPost[]> {
    return readOwnStatuses(this.#client, this.#calls, this.#sources, () => this.#facts(), since, wanted);
  }

  async #accountId(acct: string): Promise<string | null> {
    const key = acct.replace(/^@/, '').toLowerCase();
    const known = this.#accountIds.get(key);
    if (known) return known;
    try {
      const raw = await this.#read(
        'GET /api/v1/accounts/lookup',
        () => this.#client.v1.accounts.lookup({ acct: key }),
        {
          notFound: true,
        },
      );
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !ID.test(id)) return null;
      this.#accountIds.set(key, id);
      return id;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  #facts(): Promise<AccountFacts> {
    return this.#state.get((what, call) => this.#read(what, call));
  }

  #read<T>(what: string, call: () => PromiseLike<T>, options: { notFound?: boolean } = {}): Promise<T> {
    return this.#calls.read(what, call, options);
  }
}
