import type { PlatformPost } from '../src/platforms/contract.ts';

/**
 * Synthetic platform posts for the benchmarks. `optedInRoot` passes evaluation: a root post
 * that mentions the account, fresh, long enough, no spam. `realisticMix` is what a mentions
 * feed looks like: most posts queue, the rest are replies inside threads, too short, spam,
 * parody authors or keyword-only, each rejected for its own reason.
 */
export const BENCH_ACCOUNT = 'replywright_bot';

const QUESTIONS = [
  'how do I set the retry window for a pipeline that runs every hour?',
  'is there a way to pause replies during the weekend without losing the queue?',
  'what does the dashboard show when the scheduler is blocked by a cap?',
  'could you explain why my last reply was held for manual approval?',
];

export function optedInRoot(i: number, now: number): PlatformPost {
  const id = String(10_000_000 + i);
  return {
    id,
    author: `user${i % 50_000}`,
    text: `@${BENCH_ACCOUNT} ${QUESTIONS[i % QUESTIONS.length]}`,
    createdAt: now - 60_000 - (i % 600) * 1000,
    inReplyToId: null,
    rootId: id,
    mentions: [BENCH_ACCOUNT],
    inReplyToAuthor: null,
    metrics: { likes: i % 40, replies: i % 7, reposts: i % 5, followers: 100 + (i % 9000) },
    authorIsParody: false,
    deleted: false,
  };
}

/** 10 posts in 16 queue; the rest are rejected (not root, too short, spam, parody, no consent). */
export function realisticPost(i: number, now: number): PlatformPost {
  const post = optedInRoot(i, now);
  switch (i % 16) {
    case 10:
    case 11:
      return {
        ...post,
        inReplyToId: String(9_000_000 + i),
        rootId: String(9_000_000 + i),
        inReplyToAuthor: 'someone',
      };
    case 12:
      return { ...post, text: `@${BENCH_ACCOUNT} nice` };
    case 13:
      return {
        ...post,
        text: `@${BENCH_ACCOUNT} free followers, click here https://a.example https://b.example`,
      };
    case 14:
      return { ...post, author: `parody_fan${i % 1000}`, authorIsParody: true };
    case 15:
      return { ...post, text: QUESTIONS[i % QUESTIONS.length]!, mentions: [] };
    default:
      return post;
  }
}

export type PostMaker = (i: number, now: number) => PlatformPost;

/** Pages of `pageSize` posts, numbered from `start`. */
export function* pages(make: PostMaker, start: number, count: number, pageSize: number, now: () => number) {
  for (let from = start; from < start + count; from += pageSize) {
    const size = Math.min(pageSize, start + count - from);
    const t = now();
    const page: PlatformPost[] = new Array(size);
    for (let k = 0; k < size; k++) page[k] = make(from + k, t);
    yield page;
  }
}
