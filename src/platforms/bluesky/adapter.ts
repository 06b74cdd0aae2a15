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
import { addBotLabel, type BotLabelStatus, readBotLabel } from './botLabel.ts';
import { BlueskyCalls } from './calls.ts';
import { authorFeedList, type ListReader, notificationsList, pageNewerThan, searchList } from './lists.ts';
import { POST_COLLECTION, parsePostId, postIdOf, postUri } from './postIds.ts';
import { eachOwnPost, getOwnRecord, type PostView, readPostView } from './postReads.ts';
import { planReply } from './replyPlan.ts';
import { MAX_GRAPHEMES } from './replyRecord.ts';
import { BlueskySession } from './session.ts';
import type { BlueskyState, ReplyPlan } from './state.ts';
import { ThreadSweep } from './threadSweep.ts';
import type { Self } from './wire.ts';

export interface BlueskyAdapterOptions {
  /** The PDS or entryway, e.g. https://bsky.social or http://localhost:2583. */
  service: string;
  /** Handle or DID to sign in with. */
  identifier: string;
  /** An app password; never logged. */
  appPassword: string;
  state: BlueskyState;
  fetch?: typeof fetch;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** How long a new post takes to show where ownRepliesTo/ownTimeline read (the PDS itself). */
  visibilityLagMs?: number;
  /** How far back a first read of mentions goes. Default 3 h. */
  firstLookbackMs?: number;
  now?: () => number;
  name?: string;
  /**
   * The account as the pipeline knows it (REPLYWRIGHT_ACCOUNT): signing in as anyone else
   * is refused, or the reconciler would take our own posts for someone else's.
   */
  account?: string;
  /** Told once per process, after the first sign-in, whether the account carries the `bot` label. */
  onBotLabel?: (status: BotLabelStatus | 'unknown', account: string) => void;
}

/** How far a list is read per call before the rest is left to the next call (the cursor keeps the gap). */
const MAX_LIST_PAGES = 10;
/** Re-read this much below the watermark: lists are only roughly ordered by time. */
const OVERLAP_MS = 2 * 60_000;
/** Own posts whose threads are swept for replies the notifications missed. */
const SWEEP_LOOKBACK_MS = 24 * 3_600_000;
const SWEEP_MIN_INTERVAL_MS = 5_000;

/**
 * `PlatformAdapter` for Bluesky (the AT Protocol), over @atproto/api's credential session.
 *
 * - Reads the account's mentions and replies from `app.bsky.notification.listNotifications`
 *   (the AppView) with a watermark cursor (see newerThan.ts); targets and authors from
 *   `app.bsky.feed.getPosts`.
 * - Replies with `com.atproto.repo.putRecord` at a TID record key chosen once per permit key
 *   and committed (fsync) with the whole record before the first call; `swapRecord: null`
 *   makes it create-only. A repeat is harmless: the same record at the same key is a no-op
 *   (same cid), and `InvalidSwap` means a record is already there — ours. Before a repeat,
 *   `getRecord` on the key settles the earlier attempt without writing.
 * - `ownRepliesTo` / `ownTimeline` read the account's own repo on its PDS (`listRecords`),
 *   which shows a write as soon as the write returns: no AppView lag there.
 */
export class BlueskyAdapter implements PlatformAdapter {
  readonly name: string;
  readonly #options: BlueskyAdapterOptions;
  readonly #session: BlueskySession;
  readonly #calls: BlueskyCalls;
  readonly #now: () => number;
  readonly #capabilities: PlatformCapabilities;
  readonly #account: string;
  #labelChecked = false;
  readonly #sweep: ThreadSweep;

  constructor(options: BlueskyAdapterOptions) {
    this.name = options.name ?? 'bluesky';
    this.#options = options;
    this.#account = (options.account ?? options.identifier).replace(/^@+/, '').toLowerCase();
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#session = new BlueskySession({
      service: options.service,
      identifier: options.identifier,
      appPassword: options.appPassword,
      state: options.state,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      now: this.#now,
    });
    this.#calls = new BlueskyCalls(this.#session, timeoutMs, this.#now);
    this.#sweep = new ThreadSweep((nsid, params) => this.#calls.get(nsid, params), SWEEP_MIN_INTERVAL_MS);
    this.#capabilities = {
      idempotency: { kind: 'permanent' },
      visibilityLagMs: options.visibilityLagMs ?? 2_000,
      responseTimeoutMs: timeoutMs,
    };
  }

  /** The account's handle (from the session once signed in). */
  get account(): string {
    return this.#account;
  }

  capabilities(): PlatformCapabilities {
    return this.#capabilities;
  }

  limits(): PlatformLimits {
    return { maxTextLength: MAX_GRAPHEMES, rateLimitedUntil: this.#calls.rateLimitedUntil };
  }

  /** Signs in (resuming the stored session) and returns who we are. */
  async connect(): Promise<Self> {
    await this.#session.ensure();
    const did = this.#session.did;
    const handle = this.#session.handle;
    if (!did || !handle) throw new PlatformUnavailable('bluesky: no session after sign-in');
    if (handle.toLowerCase() !== this.#account) {
      throw new PlatformRejected(
        `bluesky: signed in as ${handle}, but REPLYWRIGHT_ACCOUNT is ${this.#account}; set it to the bot's handle`,
        409,
      );
    }
    const self = { did, handle: handle.toLowerCase() };
    if (!this.#labelChecked && this.#options.onBotLabel) {
      this.#labelChecked = true;
      const report = this.#options.onBotLabel;
      readBotLabel((request, expect) => this.#calls.call('read', request, expect), did).then(
        (status) => report(status, self.handle),
        () => {
          this.#labelChecked = false; // checked again after the next sign-in check
          report('unknown', self.handle);
        },
      );
    }
    return self;
  }

  /** Whether the account's profile carries the `bot` self-label (shown as "Automated account"). */
  async botLabel(): Promise<BotLabelStatus> {
    const self = await this.connect();
    return readBotLabel((request, expect) => this.#calls.call('read', request, expect), self.did);
  }

  /** Adds the `bot` self-label to the account's profile (`npm run bluesky:label`). */
  async labelAsBot(): Promise<'added' | 'already'> {
    const self = await this.connect();
    return addBotLabel((request, expect) => this.#calls.call('create', request, expect), self.did);
  }

  /**
   * Mentions of and replies to the account: its notifications (reasons `mention`, `reply`)
   * newer than the cursor, plus replies to its own recent posts that no notification
   * announced (see threadSweep.ts).
   */
  async mentions(cursor: string | null): Promise<Page> {
    const self = await this.connect();
    const page = await this.#newerThan(cursor, self, notificationsList(this.#calls, self));
    const ownUris: string[] = [];
    await this.#eachOwnPost(this.#now() - SWEEP_LOOKBACK_MS, (post) => {
      const ref = parsePostId(post.id);
      if (ref) ownUris.push(postUri(ref));
    });
    const seen = new Set(page.posts.map((p) => p.id));
    for (const post of await this.#sweep.replies(ownUris, self, this.#now())) {
      if (!seen.has(post.id)) page.posts.push(post);
    }
    return page;
  }

  async search(query: string, cursor: string | null): Promise<Page> {
    const self = await this.connect();
    return this.#newerThan(cursor, self, searchList(this.#calls, query, self));
  }

  async authorPosts(author: string, cursor: string | null): Promise<Page> {
    const self = await this.connect();
    return this.#newerThan(cursor, self, authorFeedList(this.#calls, author, self));
  }

  async getPost(id: string): Promise<PlatformPost | null> {
    const view = await this.#postView(id);
    if (view === 'absent') return null;
    const { cid: _cid, ...post } = view.post;
    return post;
  }

  async ownTimeline(since: number): Promise<PlatformPost[]> {
    const posts: PlatformPost[] = [];
    await this.#eachOwnPost(since, (post) => {
      if (post.createdAt >= since) posts.push(post);
    });
    return posts.sort((a, b) => b.createdAt - a.createdAt);
  }

  async ownRepliesTo(targetId: string, since: number): Promise<PlatformPost[]> {
    const replies: PlatformPost[] = [];
    await this.#eachOwnPost(since, (post) => {
      if (post.inReplyToId === targetId && post.createdAt >= since) replies.push(post);
    });
    return replies.sort((a, b) => a.createdAt - b.createdAt);
  }

  async createReply(request: CreateReplyRequest): Promise<{ postId: string }> {
    const self = await this.connect();
    const planned = this.#options.state.plan(request.idempotencyKey);
    if (planned) {
      // A repeat under the same permit: settle the earlier attempt by its key first.
      const existing = await getOwnRecord(this.#calls, self.did, planned.rkey);
      if (existing !== null) return { postId: `${self.did}/${planned.rkey}` };
    }
    const plan = planned ?? (await this.#plan(request));
    const result = await this.#calls.call(
      'create',
      {
        method: 'POST',
        nsid: 'com.atproto.repo.putRecord',
        body: {
          repo: self.did,
          collection: POST_COLLECTION,
          rkey: plan.rkey,
          record: JSON.parse(plan.record) as unknown,
          swapRecord: null,
        },
      },
      ['InvalidSwap'],
    );
    if (!result.ok) {
      // Something is already at our key: only this permit ever uses it, so it is our reply.
      const existing = await getOwnRecord(this.#calls, self.did, plan.rkey);
      if (existing !== null) return { postId: `${self.did}/${plan.rkey}` };
      throw new PlatformRejected(
        `putRecord ${plan.rkey}: ${result.error} but no record at the key`,
        result.status,
      );
    }
    const uri = (result.body as { uri?: unknown } | null)?.uri;
    const postId = typeof uri === 'string' ? postIdOf(uri) : null;
    return { postId: postId ?? `${self.did}/${plan.rkey}` };
  }

  /** The reply's key and record, chosen once and committed before the first call. */
  async #plan(request: CreateReplyRequest): Promise<ReplyPlan> {
    const view = await this.#postView(request.targetId);
    if (view === 'absent') throw new PlatformRejected(`reply target ${request.targetId} does not exist`, 404);
    return planReply(this.#options.state, request, view, this.#now());
  }

  #postView(id: string): Promise<PostView | 'absent'> {
    return readPostView(this.#calls, () => this.connect(), id);
  }

  /** Visits the account's own posts, newest first, until their record keys are older than `since`. */
  async #eachOwnPost(since: number, visit: (post: PlatformPost) => void): Promise<void> {
    await eachOwnPost(this.#calls, await this.connect(), since, visit);
  }

  /** A list read newer than the watermark `cursor` (see newerThan.ts), others' posts only. */
  #newerThan(cursor: string | null, self: Self, fetchPage: ListReader): Promise<Page> {
    return pageNewerThan(cursor, self, fetchPage, {
      maxPages: MAX_LIST_PAGES,
      overlapMs: OVERLAP_MS,
      firstLookbackMs: this.#options.firstLookbackMs ?? 3 * 3_600_000,
      now: this.#now(),
    });
  }
}
