import { z } from 'zod';
import { type Page, type PlatformPost, platformPostSchema } from '../contract.ts';

/**
 * X API v2 responses, validated at the boundary and mapped onto the contract's `PlatformPost`.
 * A tweet that does not validate (or whose author is missing from `includes`) lands in
 * `page.invalid` with the reason; a page that is not a page at all is one invalid item.
 */
export const TWEET_FIELDS =
  'author_id,conversation_id,created_at,entities,in_reply_to_user_id,public_metrics,referenced_tweets';
export const EXPANSIONS = 'author_id,in_reply_to_user_id,referenced_tweets.id.author_id';
export const USER_FIELDS = 'description,public_metrics';
/** What every read asks for: enough for the root check, consent and scoring. */
export const READ_FIELDS = {
  'tweet.fields': TWEET_FIELDS,
  expansions: EXPANSIONS,
  'user.fields': USER_FIELDS,
} as const;

const id = z.string().regex(/^\d{1,19}$/, 'expected a numeric id');

const userSchema = z.object({
  id,
  username: z.string().min(1).max(64),
  name: z.string().default(''),
  description: z.string().default(''),
  public_metrics: z
    .object({ followers_count: z.number().int().nonnegative().default(0) })
    .partial()
    .optional(),
});
export type XUser = z.infer<typeof userSchema>;

const tweetSchema = z.object({
  id,
  text: z.string(),
  author_id: id,
  created_at: z.iso.datetime({ offset: true }),
  conversation_id: id.optional(),
  in_reply_to_user_id: id.optional(),
  referenced_tweets: z
    .array(z.object({ type: z.enum(['replied_to', 'quoted', 'retweeted']), id }))
    .optional(),
  entities: z
    .object({ mentions: z.array(z.object({ username: z.string().min(1) })).optional() })
    .partial()
    .optional(),
  public_metrics: z
    .object({
      like_count: z.number().int().nonnegative(),
      reply_count: z.number().int().nonnegative(),
      retweet_count: z.number().int().nonnegative(),
    })
    .partial()
    .optional(),
});
export type XTweet = z.infer<typeof tweetSchema>;

const includesSchema = z
  .object({
    users: z.array(z.unknown()).optional(),
    tweets: z.array(z.unknown()).optional(),
  })
  .optional();

const metaSchema = z
  .object({
    result_count: z.number().int().nonnegative().optional(),
    newest_id: id.optional(),
    oldest_id: id.optional(),
    next_token: z.string().min(1).optional(),
  })
  .optional();

const pageSchema = z.object({
  data: z.array(z.unknown()).optional(),
  includes: includesSchema,
  meta: metaSchema,
  errors: z.array(z.unknown()).optional(),
});

export interface XPage {
  posts: PlatformPost[];
  invalid: Page['invalid'];
  newestId: string | null;
  nextToken: string | null;
}

/** Who "we" are when mapping: a quote of one of our posts summons us like an @mention. */
export interface Viewer {
  id: string;
  username: string;
}

/** X's parody rule: the account says so in its name or bio. */
const PARODY = /\b(parody|fake|fan account|commentary account)\b/i;

function indexUsers(raw: unknown[] | undefined): Map<string, XUser> {
  const users = new Map<string, XUser>();
  for (const item of raw ?? []) {
    const parsed = userSchema.safeParse(item);
    if (parsed.success) users.set(parsed.data.id, parsed.data);
  }
  return users;
}

function indexTweetAuthors(raw: unknown[] | undefined): Map<string, string> {
  const authors = new Map<string, string>();
  for (const item of raw ?? []) {
    const parsed = z.object({ id, author_id: id }).safeParse(item);
    if (parsed.success) authors.set(parsed.data.id, parsed.data.author_id);
  }
  return authors;
}

type Mapped = { ok: true; post: PlatformPost } | { ok: false; reason: string };

/** One tweet, with the users and referenced tweets of its response's `includes`. */
export function mapTweet(
  raw: unknown,
  users: Map<string, XUser>,
  tweetAuthors: Map<string, string>,
  viewer: Viewer,
): Mapped {
  const parsed = tweetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'tweet'}: ${issue.message}` };
  }
  const tweet = parsed.data;
  const author = users.get(tweet.author_id);
  if (!author) return { ok: false, reason: `author ${tweet.author_id} missing from includes.users` };
  const repliedTo = tweet.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
  const quotesUs = tweet.referenced_tweets?.some(
    (r) => r.type === 'quoted' && tweetAuthors.get(r.id) === viewer.id,
  );
  const mentions = (tweet.entities?.mentions ?? []).map((m) => m.username.toLowerCase());
  if (quotesUs && !mentions.includes(viewer.username)) mentions.push(viewer.username);
  const inReplyToAuthor =
    tweet.in_reply_to_user_id === undefined
      ? null
      : (users.get(tweet.in_reply_to_user_id)?.username.toLowerCase() ?? null);
  const result = platformPostSchema.safeParse({
    id: tweet.id,
    author: author.username.toLowerCase(),
    text: tweet.text,
    createdAt: Date.parse(tweet.created_at),
    inReplyToId: repliedTo,
    // The root check: a root is its own conversation and replies to nothing. No
    // conversation_id means unknown, which the policy treats as "not root".
    rootId: tweet.conversation_id ?? null,
    mentions: [...new Set(mentions)],
    inReplyToAuthor,
    metrics: {
      likes: tweet.public_metrics?.like_count ?? 0,
      replies: tweet.public_metrics?.reply_count ?? 0,
      reposts: tweet.public_metrics?.retweet_count ?? 0,
      followers: author.public_metrics?.followers_count ?? 0,
    },
    authorIsParody: PARODY.test(`${author.name} ${author.description}`),
    deleted: false,
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'tweet'}: ${issue.message}` };
  }
  return { ok: true, post: result.data };
}

/** A timeline or search response: posts oldest first, invalid items with their reasons. */
export function parsePage(body: unknown, viewer: Viewer): XPage {
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success) {
    return {
      posts: [],
      invalid: [{ raw: body, reason: 'page: expected { data?: [...], meta: {...} }' }],
      newestId: null,
      nextToken: null,
    };
  }
  const { data = [], includes, meta } = parsed.data;
  const users = indexUsers(includes?.users);
  const tweetAuthors = indexTweetAuthors(includes?.tweets);
  const page: XPage = {
    posts: [],
    invalid: [],
    newestId: meta?.newest_id ?? null,
    nextToken: meta?.next_token ?? null,
  };
  for (const item of data) {
    const mapped = mapTweet(item, users, tweetAuthors, viewer);
    if (mapped.ok) page.posts.push(mapped.post);
    else page.invalid.push({ raw: item, reason: mapped.reason });
  }
  // X lists newest first; the contract wants oldest first.
  page.posts.sort((a, b) => compareIds(a.id, b.id));
  if (page.newestId === null && page.posts.length) page.newestId = page.posts.at(-1)!.id;
  return page;
}

export type SingleTweet = { found: true; mapped: Mapped } | { found: false };

/** `GET /2/tweets/:id`: the tweet, or not found (X answers a missing or deleted one with 200 and `errors`). */
export function parseSingle(body: unknown, viewer: Viewer): SingleTweet {
  const parsed = z
    .object({
      data: z.unknown().optional(),
      includes: includesSchema,
      errors: z.array(z.unknown()).optional(),
    })
    .safeParse(body);
  if (!parsed.success || typeof body !== 'object' || body === null) {
    return { found: true, mapped: { ok: false, reason: 'expected { data: {...} }' } };
  }
  if (parsed.data.data === undefined) {
    const notFound = (parsed.data.errors ?? []).some((e) =>
      /resource-not-found|not-authorized-for-resource/.test(String((e as { type?: unknown }).type)),
    );
    return notFound
      ? { found: false }
      : { found: true, mapped: { ok: false, reason: 'no data and no not-found error' } };
  }
  const users = indexUsers(parsed.data.includes?.users);
  const tweetAuthors = indexTweetAuthors(parsed.data.includes?.tweets);
  return { found: true, mapped: mapTweet(parsed.data.data, users, tweetAuthors, viewer) };
}

/** `GET /2/users/me` and `GET /2/users/by/username/:username`. */
export function parseUser(body: unknown): XUser | null {
  const parsed = z.object({ data: userSchema }).safeParse(body);
  return parsed.success ? parsed.data.data : null;
}

/** `POST /2/tweets` → 201 `{ data: { id, text } }`. */
export function parseCreated(body: unknown): string | null {
  const parsed = z.object({ data: z.object({ id }) }).safeParse(body);
  return parsed.success ? parsed.data.data.id : null;
}

/** Numeric ids of any length, compared as numbers. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
