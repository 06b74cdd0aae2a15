import { ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import { OutcomeUnknown, PlatformRejected, RateLimited } from '../../src/platforms/contract.ts';
import { classifyXError, resetOf } from '../../src/platforms/x/errors.ts';
import { hasUrl } from '../../src/platforms/x/text.ts';
import { compareIds, parsePage, parseSingle } from '../../src/platforms/x/wire.ts';

const viewer = { id: '900', username: 'replywright_bot' };
const users = [
  { id: '1', username: 'Alice', name: 'Alice', description: '', public_metrics: { followers_count: 12 } },
  { id: '2', username: 'elon_fan', name: 'Elon (parody)', description: 'Parody account.' },
  { id: '900', username: 'replywright_bot', name: 'bot' },
];
const tweet = (over: Record<string, unknown> = {}) => ({
  id: '10',
  text: '@replywright_bot hello there',
  author_id: '1',
  created_at: '2026-01-09T12:00:00.000Z',
  conversation_id: '10',
  entities: { mentions: [{ username: 'replywright_bot', start: 0, end: 16 }] },
  public_metrics: { like_count: 3, reply_count: 1, retweet_count: 2 },
  ...over,
});

describe('X wire mapping', () => {
  it('maps a root tweet, oldest first, with the newest id as the cursor', () => {
    const page = parsePage(
      {
        data: [tweet({ id: '11', conversation_id: '11' }), tweet()],
        includes: { users },
        meta: { newest_id: '11', result_count: 2 },
      },
      viewer,
    );
    expect(page.invalid).toEqual([]);
    expect(page.newestId).toBe('11');
    expect(page.posts.map((p) => p.id)).toEqual(['10', '11']);
    expect(page.posts[0]).toMatchObject({
      author: 'alice',
      createdAt: Date.UTC(2026, 0, 9, 12),
      inReplyToId: null,
      rootId: '10',
      mentions: ['replywright_bot'],
      metrics: { likes: 3, replies: 1, reposts: 2, followers: 12 },
      authorIsParody: false,
    });
  });

  it('a reply names its parent and its author; no conversation_id leaves the root unknown', () => {
    const page = parsePage(
      {
        data: [
          tweet({
            id: '12',
            conversation_id: '10',
            in_reply_to_user_id: '2',
            referenced_tweets: [{ type: 'replied_to', id: '10' }],
          }),
          tweet({ id: '13', conversation_id: undefined }),
        ],
        includes: { users },
      },
      viewer,
    );
    expect(page.posts.map((p) => [p.id, p.inReplyToId, p.rootId, p.inReplyToAuthor])).toEqual([
      ['12', '10', '10', 'elon_fan'],
      ['13', null, null, null],
    ]);
  });

  it('a quote of one of our posts summons us like an @mention; a parody bio is a parody', () => {
    const page = parsePage(
      {
        data: [
          tweet({
            id: '14',
            author_id: '2',
            entities: undefined,
            referenced_tweets: [{ type: 'quoted', id: '50' }],
          }),
        ],
        includes: { users, tweets: [{ id: '50', text: 'ours', author_id: '900' }] },
      },
      viewer,
    );
    expect(page.posts[0]).toMatchObject({ mentions: ['replywright_bot'], authorIsParody: true });
    const other = parsePage(
      {
        data: [
          tweet({
            id: '15',
            author_id: '2',
            entities: undefined,
            referenced_tweets: [{ type: 'quoted', id: '51' }],
          }),
        ],
        includes: { users, tweets: [{ id: '51', text: 'theirs', author_id: '1' }] },
      },
      viewer,
    );
    expect(other.posts[0]!.mentions).toEqual([]);
  });

  it('a malformed item becomes invalid with its reason; the rest of the page survives', () => {
    const page = parsePage(
      {
        data: [
          tweet(),
          tweet({ id: 'abc' }),
          tweet({ id: '16', author_id: '77' }),
          tweet({ id: '17', created_at: 'yesterday' }),
          42,
        ],
        includes: { users },
        meta: { newest_id: '17' },
      },
      viewer,
    );
    expect(page.posts.map((p) => p.id)).toEqual(['10']);
    expect(page.invalid.map((i) => i.reason)).toEqual([
      'id: expected a numeric id',
      'author 77 missing from includes.users',
      expect.stringMatching(/^created_at:/),
      expect.stringMatching(/^tweet:/),
    ]);
    expect(page.newestId).toBe('17');
    expect(parsePage('not a page', viewer).invalid).toHaveLength(1);
  });

  it('a lookup of a missing or deleted tweet is not found; other answers without data are malformed', () => {
    expect(
      parseSingle({ errors: [{ type: 'https://api.twitter.com/2/problems/resource-not-found' }] }, viewer),
    ).toEqual({ found: false });
    expect(parseSingle({ errors: [{ type: 'about:blank' }] }, viewer)).toMatchObject({
      found: true,
      mapped: { ok: false },
    });
    expect(parseSingle({ data: tweet(), includes: { users } }, viewer)).toMatchObject({
      found: true,
      mapped: { ok: true },
    });
  });

  it('compares ids as numbers', () => {
    expect(['9', '100', '10'].sort(compareIds)).toEqual(['9', '10', '100']);
  });
});

function responseError(code: number, data: unknown, headers: Record<string, string> = {}) {
  const rateLimit = headers['x-rate-limit-limit']
    ? {
        limit: Number(headers['x-rate-limit-limit']),
        remaining: Number(headers['x-rate-limit-remaining']),
        reset: Number(headers['x-rate-limit-reset']),
        ...(headers['x-app-limit-24hour-limit']
          ? {
              day: {
                limit: Number(headers['x-app-limit-24hour-limit']),
                remaining: Number(headers['x-app-limit-24hour-remaining']),
                reset: Number(headers['x-app-limit-24hour-reset']),
              },
            }
          : {}),
      }
    : undefined;
  return new ApiResponseError(`Request failed with code ${code}`, {
    code,
    data,
    headers,
    rateLimit,
    request: {} as never,
    response: {} as never,
  } as never);
}

describe('X error classification', () => {
  it('a 429 waits for the latest exhausted window (Unix seconds → ms)', () => {
    const fifteen = responseError(
      429,
      {},
      { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1000' },
    );
    expect(resetOf(fifteen, 0)).toBe(1_000_000);
    const daily = responseError(
      429,
      {},
      {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '40',
        'x-rate-limit-reset': '1000',
        'x-app-limit-24hour-limit': '10000',
        'x-app-limit-24hour-remaining': '0',
        'x-app-limit-24hour-reset': '5000',
      },
    );
    expect(resetOf(daily, 0)).toBe(5_000_000);
    expect(resetOf(responseError(429, {}), 7)).toBe(60_007);
    expect(classifyXError(fifteen, 'read', 'x', 0)).toBeInstanceOf(RateLimited);
  });

  it('the duplicate-content 403 is "maybe posted" for a create; other 403s are refusals', () => {
    const dup = responseError(403, {
      detail: 'You are not allowed to create a Tweet with duplicate content.',
    });
    expect(classifyXError(dup, 'create', 'create_reply', 0)).toBeInstanceOf(OutcomeUnknown);
    const other = classifyXError(
      responseError(403, { detail: 'You are not permitted to perform this action.' }),
      'create',
      'c',
      0,
    );
    expect(other).toBeInstanceOf(PlatformRejected);
    expect(other).not.toBeInstanceOf(OutcomeUnknown);
    expect(classifyXError(responseError(503, {}), 'create', 'c', 0)).toBeInstanceOf(OutcomeUnknown);
  });
});

describe('links in replies (priced apart)', () => {
  it('finds schemes, www. and bare domains, not handles or sentences', () => {
    expect(hasUrl('see https://example.com/x')).toBe(true);
    expect(hasUrl('see www.example.org')).toBe(true);
    expect(hasUrl('docs at replywright.dev now')).toBe(true);
    expect(hasUrl('@alice thanks. Great point!')).toBe(false);
    expect(hasUrl('mail me at @bob.dev')).toBe(false);
  });
});
