import { beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedClock } from '../../src/runtime/clock.ts';
import { defaultAccountToken } from '../../src/sandbox/auth.ts';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { createSandboxApp } from '../../src/sandbox/server.ts';
import { weightedLength } from '../../src/sandbox/x/tweetShape.ts';
import { xUserId } from '../../src/sandbox/x/userIds.ts';
import { memorySandbox } from '../support/sandbox.ts';

const BOT = 'replywright_bot';
const auth = { authorization: `Bearer ${defaultAccountToken(BOT)}` };
let platform: SandboxPlatform;
let clock: SimulatedClock;
let app: ReturnType<typeof createSandboxApp>;

beforeEach(async () => {
  ({ platform, clock } = await memorySandbox(3));
  app = createSandboxApp(platform, { adminToken: 'sandbox-admin-token-0123456789' });
});

const get = async (path: string, headers: Record<string, string> = auth) => {
  const res = await app.request(path, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
};
const post = async (body: unknown, headers: Record<string, string> = auth) => {
  const res = await app.request('/2/tweets', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const user = (handle: string) => {
  platform.ensureUser({ handle, displayName: handle });
  return handle;
};
const mention = (author: string, text: string) =>
  platform.createPost({ author: user(author), text: `@${BOT} ${text}` }).post.id;

describe('sandbox X dialect', () => {
  it('wants the bot’s bearer token on every route (401 in X’s shape)', async () => {
    expect((await get('/2/users/me', {})).status).toBe(401);
    const wrong = await get('/2/users/me', { authorization: 'Bearer nope' });
    expect(wrong).toMatchObject({ status: 401, body: { title: 'Unauthorized', status: 401 } });
    expect((await get('/2/users/me')).body).toEqual({
      data: { id: xUserId(BOT), name: 'Replywright Bot', username: BOT },
    });
  });

  it('returns only the fields asked for, and refuses unknown ones (400, invalid request)', async () => {
    const id = mention('alice', 'hello');
    expect((await get(`/2/tweets/${id}`)).body).toEqual({
      data: { id, text: `@${BOT} hello`, edit_history_tweet_ids: [id] },
    });
    const full = await get(
      `/2/tweets/${id}?tweet.fields=author_id,conversation_id,created_at&expansions=author_id`,
    );
    expect(full.body).toMatchObject({
      data: {
        author_id: xUserId('alice'),
        conversation_id: id,
        created_at: new Date(clock.now()).toISOString(),
      },
      includes: { users: [{ id: xUserId('alice'), username: 'alice' }] },
    });
    const bad = await get(`/2/tweets/${id}?tweet.fields=colour`);
    expect(bad).toMatchObject({
      status: 400,
      body: { title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request' },
    });
    expect((await get(`/2/users/${xUserId(BOT)}/mentions?max_results=3`)).status).toBe(400);
  });

  it('pages mentions newest first with next_token, result_count, newest_id and oldest_id', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => mention(`u${i}`, `question ${i}`));
    const base = `/2/users/${xUserId(BOT)}/mentions?max_results=5`;
    const first = await get(base);
    expect(first.body.meta).toMatchObject({ result_count: 5, newest_id: ids[11], oldest_id: ids[7] });
    const seen = (first.body.data as { id: string }[]).map((t) => t.id);
    let token = (first.body.meta as { next_token?: string }).next_token;
    while (token) {
      const page = await get(`${base}&pagination_token=${token}`);
      seen.push(...((page.body.data as { id: string }[]) ?? []).map((t) => t.id));
      token = (page.body.meta as { next_token?: string }).next_token;
    }
    expect(seen).toEqual([...ids].reverse());
    const since = await get(`${base}&since_id=${ids[11]}`);
    expect(since.body).toEqual({ meta: { result_count: 0 } });
  });

  it('posts without idempotency whatever the sandbox mode, into the same ground truth', async () => {
    const target = mention('alice', 'please answer');
    const made = await post({ text: '@alice one', reply: { in_reply_to_tweet_id: target } });
    expect(made.status).toBe(201);
    const id = (made.body.data as { id: string }).id;
    expect(made.body).toEqual({ data: { id, text: '@alice one', edit_history_tweet_ids: [id] } });
    const truth = (await (await app.request(`/api/posts?author=${BOT}`)).json()) as {
      id: string;
      in_reply_to_id: string;
      idempotency_key: string | null;
    }[];
    expect(truth.map((p) => [p.id, p.in_reply_to_id, p.idempotency_key])).toEqual([[id, target, null]]);
  });

  it('refuses a duplicate of a live post of the last 24 h, and allows it once deleted or older', async () => {
    const a = mention('alice', 'q1');
    const b = mention('bob', 'q2');
    const first = await post({ text: 'Same words', reply: { in_reply_to_tweet_id: a } });
    const dup = await post({ text: ' Same words ', reply: { in_reply_to_tweet_id: b } });
    expect(dup).toMatchObject({
      status: 403,
      body: { detail: 'You are not allowed to create a Tweet with duplicate content.' },
    });
    platform.deletePost((first.body.data as { id: string }).id);
    expect((await post({ text: 'Same words', reply: { in_reply_to_tweet_id: b } })).status).toBe(201);
    await clock.advance(24 * 3_600_000 + 1);
    expect((await post({ text: 'Same words', reply: { in_reply_to_tweet_id: a } })).status).toBe(201);
  });

  it('allows replies only to posts that summoned the bot (a mention, or a reply to one of its posts)', async () => {
    const keyword = platform.createPost({ author: user('carol'), text: 'replywright is neat' }).post.id;
    const refused = await post({ text: '@carol hi', reply: { in_reply_to_tweet_id: keyword } });
    expect(refused).toMatchObject({
      status: 403,
      body: { detail: expect.stringMatching(/not been mentioned/) },
    });
    const target = mention('dave', 'hi bot');
    const ours = (await post({ text: '@dave hello', reply: { in_reply_to_tweet_id: target } })).body.data as {
      id: string;
    };
    const followUp = platform.createPost({ author: 'dave', text: 'thanks!', inReplyToId: ours.id }).post.id;
    expect(
      (await post({ text: '@dave you are welcome', reply: { in_reply_to_tweet_id: followUp } })).status,
    ).toBe(201);
  });

  it('counts X’s weighted length: 280, with CJK weighing 2', async () => {
    expect(weightedLength('a'.repeat(10))).toBe(10);
    expect(weightedLength('日本')).toBe(4);
    expect(weightedLength('see https://example.com/a/very/long/path')).toBe(4 + 23);
    const target = mention('alice', 'long one');
    const long = await post({ text: '日'.repeat(141), reply: { in_reply_to_tweet_id: target } });
    expect(long.status).toBe(403);
  });

  it('applies the sandbox’s faults: an injected 429 carries X’s headers in Unix seconds', async () => {
    platform.faults.update({ rateLimit: { rate429: 1, resetAfterMs: 90_000 } });
    const limited = await get('/2/users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-rate-limit-reset'))).toBe(Math.ceil((clock.now() + 90_000) / 1000));
    platform.faults.reset();
    platform.faults.update({ errorRate: 1 });
    expect((await get('/2/users/me')).status).toBe(503);
  });

  it('counts requests against X’s per-endpoint window and says so in the headers', async () => {
    const first = await get('/2/users/me');
    const second = await get('/2/users/me');
    expect(first.headers.get('x-rate-limit-limit')).toBe('75');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('74');
    expect(second.headers.get('x-rate-limit-remaining')).toBe('73');
    for (let i = 0; i < 73; i++) await get('/2/users/me');
    const over = await get('/2/users/me');
    expect(over).toMatchObject({ status: 429, body: { title: 'Too Many Requests' } });
    await clock.advance(15 * 60_000);
    expect((await get('/2/users/me')).status).toBe(200);
  });

  it('swaps a refresh token once for new tokens (rotation)', async () => {
    const form = (token: string) =>
      app.request('/2/oauth2/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: 'c',
        }).toString(),
      });
    const res = await form(`sandbox-refresh-${BOT}`);
    const issued = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(issued.expires_in).toBe(7200);
    expect((await get('/2/users/me', { authorization: `Bearer ${issued.access_token}` })).status).toBe(200);
    expect((await form(`sandbox-refresh-${BOT}`)).status).toBe(400);
    await clock.advance(7_200_001);
    expect((await get('/2/users/me', { authorization: `Bearer ${issued.access_token}` })).status).toBe(401);
  });
});
