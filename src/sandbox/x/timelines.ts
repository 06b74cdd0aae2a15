import type { SandboxPlatform } from '../platform.ts';
import type { PostPage, SandboxPost } from '../types.ts';
import { invalidParameter } from './problems.ts';

/**
 * X's timeline semantics over the sandbox's posts: newest first; `since_id` and `until_id`
 * exclusive; `start_time` and `end_time` inclusive; `max_results` per page; an opaque
 * `pagination_token` walking towards older posts; and only the most recent `depth` posts
 * reachable at all (800 for mentions, 3,200 for a user's posts).
 */
export interface TimelineQuery {
  sinceId: string | null;
  untilId: string | null;
  startTime: number | null;
  endTime: number | null;
  maxResults: number;
  paginationToken: string | null;
}

export interface TimelinePage {
  posts: SandboxPost[];
  meta: { result_count: number; newest_id?: string; oldest_id?: string; next_token?: string };
}

const ID = /^\d{1,19}$/;

export function parseTimelineQuery(
  query: Record<string, string | undefined>,
  bounds: { min: number; max: number; default: number },
): TimelineQuery {
  const id = (name: string) => {
    const value = query[name];
    if (value === undefined) return null;
    if (!ID.test(value))
      throw invalidParameter(name, value, `The \`${name}\` query parameter value [${value}] is not valid`);
    return value;
  };
  const time = (name: string) => {
    const value = query[name];
    if (value === undefined) return null;
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)
      ? Date.parse(value)
      : Number.NaN;
    if (Number.isNaN(ms)) {
      throw invalidParameter(
        name,
        value,
        `Invalid '${name}':'${value}'. '${name}' must be a valid RFC 3339 date`,
      );
    }
    return ms;
  };
  const rawMax = query.max_results;
  const maxResults = rawMax === undefined ? bounds.default : Number(rawMax);
  if (!Number.isInteger(maxResults) || maxResults < bounds.min || maxResults > bounds.max) {
    throw invalidParameter(
      'max_results',
      String(rawMax),
      `The \`max_results\` query parameter value [${rawMax}] is not between ${bounds.min} and ${bounds.max}`,
    );
  }
  const token = query.pagination_token ?? query.next_token ?? null;
  if (token !== null && decodeToken(token) === null) {
    throw invalidParameter(
      'pagination_token',
      token,
      `The \`pagination_token\` query parameter value [${token}] is not valid`,
    );
  }
  return {
    sinceId: id('since_id'),
    untilId: id('until_id'),
    startTime: time('start_time'),
    endTime: time('end_time'),
    maxResults,
    paginationToken: token,
  };
}

/**
 * One page of `candidates` (any order) under `query`. `candidates` must already hold every
 * visible post that could match; this applies X's bounds, ordering and paging.
 */
export function timelinePage(
  candidates: readonly SandboxPost[],
  query: TimelineQuery,
  depth: number,
): TimelinePage {
  const newer = (a: string, b: string) => BigInt(a) > BigInt(b);
  const reachable = candidates
    .filter(
      (p) =>
        (query.sinceId === null || newer(p.id, query.sinceId)) &&
        (query.startTime === null || p.createdAt >= query.startTime) &&
        (query.endTime === null || p.createdAt <= query.endTime),
    )
    .sort((a, b) => (newer(b.id, a.id) ? 1 : -1))
    .slice(0, depth);
  const below = query.paginationToken === null ? null : decodeToken(query.paginationToken);
  const rest = reachable.filter(
    (p) => (query.untilId === null || newer(query.untilId, p.id)) && (below === null || BigInt(p.id) < below),
  );
  const posts = rest.slice(0, query.maxResults);
  const meta: TimelinePage['meta'] = { result_count: posts.length };
  if (posts.length) {
    meta.newest_id = posts[0]!.id;
    meta.oldest_id = posts.at(-1)!.id;
  }
  if (rest.length > posts.length) meta.next_token = encodeToken(BigInt(posts.at(-1)!.id));
  return { posts, meta };
}

/** Every post a cursor-paged sandbox listing returns after `after` (exclusive), oldest first. */
export function walkAfter(page: (cursor: string | null) => PostPage, after: string | null): SandboxPost[] {
  const posts: SandboxPost[] = [];
  let cursor = after;
  for (let i = 0; i < 100_000; i++) {
    const next = page(cursor);
    posts.push(...next.posts);
    if (next.posts.length === 0 || next.nextCursor === null || next.nextCursor === cursor) break;
    cursor = next.nextCursor;
  }
  return posts;
}

/**
 * When neither `since_id` nor `start_time` bounds a listing, the dialect looks this far back
 * (X's recent search covers 7 days; its timelines go deeper, but no sandbox run is that old).
 */
export const DEFAULT_LOOKBACK_MS = 7 * 24 * 3_600_000;

/** Live posts made in [since, now − lag], oldest first: for listings bounded by time. */
export function visibleSince(platform: SandboxPlatform, since: number): SandboxPost[] {
  return platform.visibleSince(since);
}

function encodeToken(id: bigint): string {
  return `7140${id.toString(36)}`;
}

function decodeToken(token: string): bigint | null {
  const match = /^7140([0-9a-z]{1,13})$/.exec(token);
  if (!match) return null;
  let n = 0n;
  for (const ch of match[1]!) n = n * 36n + BigInt(Number.parseInt(ch, 36));
  return n;
}
