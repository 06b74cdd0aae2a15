import type { PlatformAdapter } from './contract.ts';

/**
 * An adapter that forwards to `inner` except for the methods in `overrides` — for fault
 * wrappers (the simulator's crash points) and tests. Methods are bound, so adapters with
 * private fields keep working.
 *
 * @example withOverrides(adapter, { ownRepliesTo: async () => [] })
 */
export function withOverrides(
  inner: PlatformAdapter,
  overrides: Partial<PlatformAdapter> = {},
): PlatformAdapter {
  return {
    name: inner.name,
    account: inner.account,
    limits: () => inner.limits(),
    capabilities: () => inner.capabilities(),
    search: (query, cursor) => inner.search(query, cursor),
    mentions: (cursor) => inner.mentions(cursor),
    authorPosts: (author, cursor) => inner.authorPosts(author, cursor),
    getPost: (id) => inner.getPost(id),
    ownTimeline: (since) => inner.ownTimeline(since),
    createReply: (request) => inner.createReply(request),
    ownRepliesTo: (targetId, since) => inner.ownRepliesTo(targetId, since),
    ...overrides,
  };
}
