import type { SandboxPlatform } from '../platform.ts';
import type { SandboxPost, SandboxUser } from '../types.ts';
import { invalidParameter } from './problems.ts';
import { xUserId } from './userIds.ts';

/**
 * Sandbox posts and users in X API v2's shapes. As on X, a tweet carries only `id`, `text` and
 * `edit_history_tweet_ids` unless `tweet.fields` asks for more, and related objects come in
 * `includes` only through `expansions`; an unknown field or expansion is a 400.
 */
const TWEET_FIELDS = new Set([
  'attachments',
  'author_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'possibly_sensitive',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'source',
  'text',
  'withheld',
]);
const USER_FIELDS = new Set([
  'created_at',
  'description',
  'entities',
  'id',
  'location',
  'name',
  'pinned_tweet_id',
  'profile_image_url',
  'protected',
  'public_metrics',
  'url',
  'username',
  'verified',
  'withheld',
]);
const EXPANSIONS = new Set([
  'author_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.author_id',
  'entities.mentions.username',
]);

export interface Fields {
  tweet: Set<string>;
  user: Set<string>;
  expansions: Set<string>;
}

function listParam(name: string, value: string | undefined, known: Set<string>): Set<string> {
  const items = (value ?? '').split(',').filter(Boolean);
  for (const item of items) {
    if (!known.has(item)) {
      throw invalidParameter(
        name,
        item,
        `The \`${name}\` query parameter value [${item}] is not one of [${[...known].join(',')}]`,
      );
    }
  }
  return new Set(items);
}

export function parseFields(query: Record<string, string | undefined>): Fields {
  return {
    tweet: listParam('tweet.fields', query['tweet.fields'], TWEET_FIELDS),
    user: listParam('user.fields', query['user.fields'], USER_FIELDS),
    expansions: listParam('expansions', query.expansions, EXPANSIONS),
  };
}

const MENTION = /(?<![A-Za-z0-9_.])@([A-Za-z0-9_]{1,30})/gu;

/** A tweet object with the fields asked for. */
export function toXTweet(
  post: SandboxPost,
  fields: Fields,
  platform: SandboxPlatform,
): Record<string, unknown> {
  const tweet: Record<string, unknown> = { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] };
  const f = fields.tweet;
  if (f.has('author_id')) tweet.author_id = xUserId(post.author);
  if (f.has('created_at')) tweet.created_at = new Date(post.createdAt).toISOString();
  if (f.has('conversation_id')) tweet.conversation_id = post.rootId;
  if (f.has('in_reply_to_user_id') && post.inReplyToAuthor) {
    tweet.in_reply_to_user_id = xUserId(post.inReplyToAuthor);
  }
  if (f.has('referenced_tweets') && post.inReplyToId) {
    tweet.referenced_tweets = [{ type: 'replied_to', id: post.inReplyToId }];
  }
  if (f.has('entities')) {
    const mentions = mentionEntities(post.text, platform);
    if (mentions.length) tweet.entities = { mentions };
  }
  if (f.has('public_metrics')) {
    tweet.public_metrics = {
      retweet_count: post.metrics.reposts,
      reply_count: post.metrics.replies,
      like_count: post.metrics.likes,
      quote_count: 0,
      bookmark_count: 0,
      impression_count: 0,
    };
  }
  if (f.has('lang')) tweet.lang = 'en';
  if (f.has('reply_settings')) tweet.reply_settings = 'everyone';
  if (f.has('possibly_sensitive')) tweet.possibly_sensitive = false;
  return tweet;
}

/** `@handle` mentions of existing users, with code point offsets as X gives them. */
function mentionEntities(text: string, platform: SandboxPlatform) {
  const entities: { start: number; end: number; username: string; id: string }[] = [];
  for (const match of text.matchAll(MENTION)) {
    const user = platform.getUser(match[1]!);
    if (!user) continue;
    const start = [...text.slice(0, match.index)].length;
    entities.push({ start, end: start + match[0].length, username: user.handle, id: xUserId(user.handle) });
  }
  return entities;
}

export function toXUser(user: SandboxUser, fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: xUserId(user.handle),
    name: user.displayName,
    username: user.handle,
  };
  const f = fields.user;
  if (f.has('created_at')) out.created_at = new Date(user.createdAt).toISOString();
  if (f.has('description')) out.description = descriptionOf(user);
  if (f.has('protected')) out.protected = false;
  if (f.has('verified')) out.verified = false;
  if (f.has('public_metrics')) {
    out.public_metrics = {
      followers_count: user.followers,
      following_count: 0,
      tweet_count: 0,
      listed_count: 0,
    };
  }
  return out;
}

/** X asks parody accounts and automated ones to say so in their bio; the sandbox's users do. */
function descriptionOf(user: SandboxUser): string {
  if (user.isParody) return 'Parody account. Not affiliated with the person it is named after.';
  if (user.isBot) return 'Automated account.';
  return '';
}

/** `includes` for `posts` under the requested expansions; deleted referenced tweets are left out. */
export function includesFor(
  posts: readonly SandboxPost[],
  fields: Fields,
  platform: SandboxPlatform,
): Record<string, unknown> | undefined {
  const handles = new Set<string>();
  const tweets = new Map<string, SandboxPost>();
  const e = fields.expansions;
  for (const post of posts) {
    if (e.has('author_id')) handles.add(post.author);
    if (e.has('in_reply_to_user_id') && post.inReplyToAuthor) handles.add(post.inReplyToAuthor);
    if (e.has('entities.mentions.username')) for (const m of post.mentions) handles.add(m);
    if ((e.has('referenced_tweets.id') || e.has('referenced_tweets.id.author_id')) && post.inReplyToId) {
      const parent = platform.getPost(post.inReplyToId);
      if (parent) {
        tweets.set(parent.id, parent);
        if (e.has('referenced_tweets.id.author_id')) handles.add(parent.author);
      }
    }
  }
  const users = [...handles]
    .map((h) => platform.getUser(h))
    .filter((u): u is SandboxUser => u !== null)
    .map((u) => toXUser(u, fields));
  const includes: Record<string, unknown> = {};
  if (users.length) includes.users = users;
  if (tweets.size) includes.tweets = [...tweets.values()].map((t) => toXTweet(t, fields, platform));
  return Object.keys(includes).length ? includes : undefined;
}

/**
 * The length X counts: most scripts weigh 1 per code point, others (CJK, emoji) 2, and a URL
 * always 23 (twitter-text's default configuration).
 */
export function weightedLength(text: string): number {
  let length = 0;
  const withoutUrls = text.replace(/https?:\/\/\S+/giu, () => {
    length += 23;
    return '';
  });
  for (const char of withoutUrls) {
    const cp = char.codePointAt(0)!;
    const light =
      cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247);
    length += light ? 1 : 2;
  }
  return length;
}

export const X_MAX_WEIGHTED_LENGTH = 280;
