import { createHash } from 'node:crypto';
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
import type { CallKind } from '../httpErrors.ts';
import { addBotLabel, type BotLabelStatus, readBotLabel } from './botLabel.ts';
import { type ListPage, readNewerThan } from './newerThan.ts';
import { parsePostId, POST_COLLECTION, postIdOf, postUri } from './postIds.ts';
import { MAX_GRAPHEMES, replyRecord } from './replyRecord.ts';
import { BlueskySession } from './session.ts';
import type { BlueskyState, ReplyPlan } from './state.ts';
import { ThreadSweep } from './threadSweep.ts';
import { isTid, tidFromTime, tidMicros } from './tid.ts';
import {
  notificationPost,
  OPT_IN_REASONS,
  ownRecordPost,
  type Parsed,
  parseNotification,
  postRecordSchema,
  postViewPost,
  type Self,
} from './wire.ts';
import { xrpc, type XrpcRequest, type XrpcResult } from './xrpc.ts';

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
const LIST_LIMIT = 100;
/** Re-read this much below the watermark: lists are only roughly ordered by time. */
const OVERLAP_MS = 2 * 60_000;
/** Other clients' record keys carry their own clocks: read this far past `since` before stopping. */
const RKEY_SKEW_MS = 10 * 60_000;
const MAX_OWN_PAGES = 50;
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
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #capabilities: PlatformCapabilities;
  readonly #account: string;
  #rateLimitedUntil: number | null = null;
  #labelChecked = false;
  readonly #sweep: ThreadSweep;

  constructor(options: BlueskyAdapterOptions) {
    this.name = options.name ?? 'bluesky';
    this.#options = options;
    this.#account = (options.account ?? options.identifier).replace(/^@+/, '').toLowerCase();
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#session = new BlueskySession({
      service: options.service,
      identifier: options.identifier,
      appPassword: options.appPassword,
      state: options.state,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      now: this.#now,
    });
    this.#sweep = new ThreadSweep((nsid, params) => this.#get(nsid, params), SWEEP_MIN_INTERVAL_MS);
    this.#capabilities = {
      idempotency: { kind: 'permanent' },
      visibilityLagMs: options.visibilityLagMs ?? 2_000,
      responseTimeoutMs: this.#timeoutMs,
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
    return { maxTextLength: MAX_GRAPHEMES, rateLimitedUntil: this.#rateLimitedUntil };
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
      readBotLabel((request, expect) => this.#call('read', request, expect), did).then(
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
    return readBotLabel((request, expect) => this.#call('read', request, expect), self.did);
  }

  /** Adds the `bot` self-label to the account's profile (`npm run bluesky:label`). */
  async labelAsBot(): Promise<'added' | 'already'> {
    const self = await this.connect();
    return addBotLabel((request, expect) => this.#call('create', request, expect), self.did);
  }

  /**
   * Mentions of and replies to the account: its notifications (reasons `mention`, `reply`)
   * newer than the cursor, plus replies to its own recent posts that no notification
   * announced (see threadSweep.ts).
   */
  async mentions(cursor: string | null): Promise<Page> {
    const self = await this.connect();
    const page = await this.#newerThan(cursor, self, async (apiCursor) => {
      const body = await this.#get('app.bsky.notification.listNotifications', {
        limit: LIST_LIMIT,
        reasons: [...OPT_IN_REASONS],
        cursor: apiCursor ?? undefined,
      });
      return listOf(body, 'notifications', (raw) => {
        const at = timeOf(raw, 'indexedAt');
        const notification = parseNotification(raw);
        if (!notification.ok) return { at, parsed: notification };
        // The reasons filter is a hint a server may ignore: only tags and replies are opt-ins.
        if (!OPT_IN_REASONS.has(notification.value.reason)) return { at, parsed: null };
        return { at, parsed: notificationPost(notification.value, self) };
      });
    });
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
    return this.#newerThan(cursor, self, async (apiCursor) => {
      const body = await this.#get('app.bsky.feed.searchPosts', {
        q: query,
        sort: 'latest',
        limit: LIST_LIMIT,
        cursor: apiCursor ?? undefined,
      });
      return listOf(body, 'posts', (raw) => postViewEntry(raw, self));
    });
  }

  async authorPosts(author: string, cursor: string | null): Promise<Page> {
    const self = await this.connect();
    return this.#newerThan(cursor, self, async (apiCursor) => {
      const body = await this.#get('app.bsky.feed.getAuthorFeed', {
        actor: author.replace(/^@+/, ''),
        filter: 'posts_with_replies',
        limit: LIST_LIMIT,
        cursor: apiCursor ?? undefined,
      });
      return listOf(body, 'feed', (raw) => {
        const entry = raw as { post?: unknown; reason?: unknown } | null;
        const view = postViewEntry(entry?.post, self);
        return entry?.reason ? { at: view.at, parsed: null } : view; // a repost is not the author's post
      });
    });
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
      const existing = await this.#getOwnRecord(self.did, planned.rkey);
      if (existing !== null) return { postId: `${self.did}/${planned.rkey}` };
    }
    const plan = planned ?? (await this.#plan(request));
    const result = await this.#call(
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
      const existing = await this.#getOwnRecord(self.did, plan.rkey);
      if (existing !== null) return { postId: `${self.did}/${plan.rkey}` };
      throw new PlatformRejected(`putRecord ${plan.rkey}: ${result.error} but no record at the key`, result.status);
    }
    const uri = (result.body as { uri?: unknown } | null)?.uri;
    const postId = typeof uri === 'string' ? postIdOf(uri) : null;
    return { postId: postId ?? `${self.did}/${plan.rkey}` };
  }

  /** The reply's key and record, chosen once and committed before the first call. */
  async #plan(request: CreateReplyRequest): Promise<ReplyPlan> {
    const view = await this.#postView(request.targetId);
    if (view === 'absent') throw new PlatformRejected(`reply target ${request.targetId} does not exist`, 404);
    const parent = { uri: view.uri, cid: view.cid };
    const record = postRecordSchema.safeParse(view.record);
    const root = record.success && record.data.reply ? record.data.reply.root : parent;
    const ref = parsePostId(request.targetId)!;
    const now = this.#now();
    const seed = createHash('sha256').update(request.idempotencyKey).digest();
    return this.#options.state.planOnce(request.idempotencyKey, (bump) => {
      // Microseconds from the clock, the sub-millisecond digits and clock id from the key:
      // two permits in the same millisecond get different keys.
      const micros = now * 1000 + ((seed.readUInt16BE(0) + bump) % 1000);
      const createdAt = new Date(now).toISOString();
      const text = replyRecord(
        request.text,
        { parent, root, authorDid: ref.did, authorHandle: view.post.author },
        createdAt,
      );
      return { rkey: tidFromTime(micros, seed.readUInt16BE(2) % 1024), record: JSON.stringify(text), createdAt: now };
    });
  }

  async #getOwnRecord(did: string, rkey: string): Promise<{ cid: string } | null> {
    const result = await this.#call(
      'read',
      { method: 'GET', nsid: 'com.atproto.repo.getRecord', params: { repo: did, collection: POST_COLLECTION, rkey } },
      ['RecordNotFound'],
    );
    if (!result.ok) return null;
    const cid = (result.body as { cid?: unknown } | null)?.cid;
    return typeof cid === 'string' ? { cid } : null;
  }

  async #postView(id: string) {
    const ref = parsePostId(id);
    if (ref === null) throw new PlatformRejected(`not a Bluesky post id: ${id}`, 400);
    const self = await this.connect();
    const body = await this.#get('app.bsky.feed.getPosts', { uris: [postUri(ref)] });
    const raw = (body as { posts?: unknown } | null)?.posts;
    if (!Array.isArray(raw)) throw new PlatformUnavailable('getPosts: malformed answer (no posts array)');
    if (raw.length === 0) {
      // Deleted, or not indexed by the AppView yet: the record itself tells which.
      const exists = await this.#call(
        'read',
        { method: 'GET', nsid: 'com.atproto.repo.getRecord', params: { repo: ref.did, collection: POST_COLLECTION, rkey: ref.rkey } },
        ['RecordNotFound', 'RepoNotFound', 'InvalidRequest'],
      );
      if (!exists.ok) return 'absent' as const;
      throw new PlatformUnavailable(`getPosts: ${id} exists but the AppView has not indexed it yet`);
    }
    const parsed = postViewPost(raw[0], self);
    if (!parsed.ok) throw new PlatformUnavailable(`getPosts ${id}: malformed post from platform (${parsed.reason})`);
    return { post: parsed.value, uri: postUri(ref), cid: parsed.value.cid, record: (raw[0] as { record?: unknown }).record };
  }

  /** Visits the account's own posts, newest first, until their record keys are older than `since`. */
  async #eachOwnPost(since: number, visit: (post: PlatformPost) => void): Promise<void> {
    const self = await this.connect();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_OWN_PAGES; page++) {
      const body = await this.#get('com.atproto.repo.listRecords', {
        repo: self.did,
        collection: POST_COLLECTION,
        limit: LIST_LIMIT,
        cursor,
      });
      const records = (body as { records?: unknown } | null)?.records;
      if (!Array.isArray(records)) throw new PlatformUnavailable('listRecords: malformed answer (no records array)');
      let older = false;
      for (const raw of records) {
        const rkey = String((raw as { uri?: unknown } | null)?.uri ?? '').split('/').pop() ?? '';
        if (isTid(rkey) && tidMicros(rkey) / 1000 < since - RKEY_SKEW_MS) older = true;
        const post = ownRecordPost(raw, self);
        if (post.ok) {
          const { cid: _cid, uri: _uri, ...plain } = post.value;
          visit(plain);
        }
      }
      const next = (body as { cursor?: unknown } | null)?.cursor;
      if (older || records.length === 0 || typeof next !== 'string' || next === cursor) return;
      cursor = next;
    }
  }

  async #newerThan(
    cursor: string | null,
    self: Self,
    fetchPage: (apiCursor: string | null) => Promise<ListPage<Listed>>,
  ): Promise<Page> {
    const { items, nextCursor } = await readNewerThan(cursor, fetchPage, {
      maxPages: MAX_LIST_PAGES,
      overlapMs: OVERLAP_MS,
      firstLookbackMs: this.#options.firstLookbackMs ?? 3 * 3_600_000,
      now: this.#now(),
    });
    const posts: PlatformPost[] = [];
    const invalid: Page['invalid'] = [];
    for (const { item } of items) {
      if (item.parsed === null) continue;
      if (!item.parsed.ok) invalid.push({ raw: item.raw, reason: item.parsed.reason });
      else if (item.parsed.value.author !== self.handle) posts.push(item.parsed.value);
    }
    return { posts, invalid, nextCursor };
  }

  async #get(nsid: string, params: XrpcRequest['params']): Promise<unknown> {
    const result = await this.#call('read', { method: 'GET', nsid, params });
    return result.ok ? result.body : null;
  }

  #call(kind: CallKind, request: XrpcRequest, expect: readonly string[] = []): Promise<XrpcResult> {
    return xrpc(this.#session.fetchHandler, request, {
      kind,
      timeoutMs: this.#timeoutMs,
      now: this.#now,
      expect,
      onRateLimited: (resetAt) => {
        this.#rateLimitedUntil = resetAt;
      },
      onUnauthorized: () => this.#session.invalidate(),
    }).then((result) => {
      if (result.ok) this.#rateLimitedUntil = null;
      return result;
    });
  }
}

/** One list item: what came, its list time, and what it is (parsed null: not for us, e.g. a repost). */
interface Listed {
  raw: unknown;
  parsed: Parsed<PlatformPost> | null;
}

interface Entry {
  /** The list's time for the item; null when unreadable (then it moves no watermark). */
  at: number | null;
  parsed: Parsed<PlatformPost> | null;
}

/** A list answer's items, each parsed; a malformed item becomes a failed parse, never a throw. */
function listOf(body: unknown, key: string, parse: (raw: unknown) => Entry): ListPage<Listed> {
  const raw = (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(raw)) throw new PlatformUnavailable(`${key}: malformed answer (no ${key} array)`);
  const cursor = (body as { cursor?: unknown }).cursor;
  const items = raw.map((entry) => {
    const { at, parsed } = parse(entry);
    const timed = at !== null && Number.isFinite(at);
    if (parsed?.ok && !timed) {
      return { at: null, item: { raw: entry, parsed: { ok: false as const, reason: `${key}: no valid indexedAt` } } };
    }
    return { at: timed ? at : null, item: { raw: entry, parsed } };
  });
  return { items, cursor: typeof cursor === 'string' && cursor !== '' ? cursor : null };
}

function timeOf(raw: unknown, field: string): number | null {
  const value = (raw as Record<string, unknown> | null)?.[field];
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? at : null;
}

function postViewEntry(raw: unknown, self: Self): Entry {
  return { at: timeOf(raw, 'indexedAt'), parsed: postViewPost(raw, self) };
}
