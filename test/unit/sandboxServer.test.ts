import { afterEach, describe, expect, it } from 'vitest';
import { defaultAccountToken } from '../../src/sandbox/auth.ts';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { createSandboxApp } from '../../src/sandbox/server.ts';
import { TrafficGenerator } from '../../src/sandbox/traffic.ts';
import { memorySandbox } from '../support/sandbox.ts';

const ADMIN = 'admin-token-for-tests';
const BOT = 'replywright_bot';
const botAuth = { authorization: `Bearer ${defaultAccountToken(BOT)}` };
const adminAuth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

let platform: SandboxPlatform;
afterEach(() => platform?.close());

async function setup() {
  const s = await memorySandbox();
  platform = s.platform;
  const traffic = new TrafficGenerator(platform, { seed: 1 });
  const app = createSandboxApp(platform, { adminToken: ADMIN, traffic });
  /** Posts as the bot; a header given as '' is left out. */
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app.request('/api/posts', {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries({ ...botAuth, 'content-type': 'application/json', ...headers }).filter(
          ([, v]) => v !== '',
        ),
      ),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const admin = (path: string, body?: unknown, headers: Record<string, string> = adminAuth) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { ...s, app, traffic, post, admin };
}

describe('sandbox HTTP API', () => {
  it('serves the ground truth with every field, filtered by author and since', async () => {
    const { app, clock } = await setup();
    const root = platform.createPost({ author: 'alice', text: 'hello @replywright_bot there' }).post;
    await clock.advance(1000);
    platform.createPost({ author: BOT, text: 'hi alice', inReplyToId: root.id, idempotencyKey: 'k1' });
    const all = (await (await app.request('/api/posts')).json()) as Record<string, unknown>[];
    expect(all).toHaveLength(2);
    expect(all[0]).toEqual({
      id: root.id,
      author: 'alice',
      text: 'hello @replywright_bot there',
      in_reply_to_id: null,
      root_id: root.id,
      mentions: [BOT],
      created_at: root.createdAt,
      created_at_iso: new Date(root.createdAt).toISOString(),
      deleted: false,
      visibility: 'public',
      idempotency_key: null,
      origin: 'api',
      author_is_bot: false,
      author_is_parody: false,
      in_reply_to_author: null,
      metrics: { likes: 0, replies: 1, reposts: 0, followers: 1240 },
    });
    expect(all[1]).toMatchObject({ in_reply_to_id: root.id, idempotency_key: 'k1', author_is_bot: true });
    const byBot = (await (await app.request(`/api/posts?author=${BOT}`)).json()) as unknown[];
    expect(byBot).toHaveLength(1);
    const since = (await (await app.request(`/api/posts?since=${root.createdAt + 1}`)).json()) as unknown[];
    expect(since).toHaveLength(1);
    expect((await app.request('/api/posts?since=yesterday')).status).toBe(400);
  });

  it('pages search, mentions and author posts with cursors', async () => {
    const { app } = await setup();
    for (let i = 0; i < 105; i++)
      platform.createPost({ author: 'alice', text: `@replywright_bot question ${i}` });
    const first = (await (await app.request('/api/search?q=QUESTION')).json()) as {
      posts: { id: string }[];
      next_cursor: string;
    };
    expect(first.posts).toHaveLength(100);
    expect(first.next_cursor).toBe('1000100');
    const second = (await (
      await app.request(`/api/mentions?account=${BOT}&cursor=${first.next_cursor}`)
    ).json()) as {
      posts: { id: string; author_is_parody: boolean; metrics: unknown }[];
      next_cursor: string;
    };
    expect(second.posts.map((p) => p.id)).toEqual(['1000101', '1000102', '1000103', '1000104', '1000105']);
    expect(second.posts[0]).toHaveProperty('author_is_parody', false);
    expect(second.posts[0]).toHaveProperty('metrics');
    const last = await (await app.request(`/api/users/alice/posts?cursor=${second.next_cursor}`)).json();
    expect(last).toEqual({ posts: [], next_cursor: '1000105' });
    expect((await app.request('/api/search')).status).toBe(400);
    expect((await app.request('/api/search?q=x&cursor=nope')).status).toBe(400);
  });

  it('shows idempotency keys only to their author', async () => {
    const { app, post } = await setup();
    const target = platform.createPost({ author: 'alice', text: 'target' }).post;
    const created = (await (
      await post({ in_reply_to_id: target.id, text: 'hi' }, { 'idempotency-key': 'p1' })
    ).json()) as {
      id: string;
    };
    const anonymous = await (await app.request(`/api/posts/${created.id}`)).json();
    const mine = await (await app.request(`/api/posts/${created.id}`, { headers: botAuth })).json();
    expect(anonymous).not.toHaveProperty('idempotency_key');
    expect(mine).toHaveProperty('idempotency_key', 'p1');
  });

  it('creates a reply once per idempotency key', async () => {
    const { post } = await setup();
    const target = platform.createPost({ author: 'alice', text: 'target' }).post;
    const a = await post({ in_reply_to_id: target.id, text: 'Thanks!' }, { 'idempotency-key': 'permit-1' });
    const b = await post({ in_reply_to_id: target.id, text: 'Thanks!' }, { 'idempotency-key': 'permit-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    const [bodyA, bodyB] = (await Promise.all([a.json(), b.json()])) as { id: string }[];
    expect(bodyB!.id).toBe(bodyA!.id);
    expect(platform.groundTruth({ author: BOT })).toHaveLength(1);
  });

  it.each([
    ['no credentials', { text: 'hi' }, { authorization: '' }, 401],
    ['a wrong token', { text: 'hi' }, { authorization: 'Bearer wrong' }, 401],
    ['malformed JSON', '{"text":', {}, 400],
    ['text that is not a string', { text: 42 }, {}, 400],
    ['empty text', { text: '  ' }, {}, 422],
    ['text over 500 characters', { text: 'y'.repeat(501) }, {}, 422],
    ['a missing target', { in_reply_to_id: '42', text: 'hello' }, {}, 404],
  ])('refuses a post with %s', async (_, body, headers, status) => {
    const { post } = await setup();
    const response = await post(body, headers);
    expect(response.status).toBe(status);
    expect(await response.json()).toHaveProperty('error');
    expect(platform.groundTruth({ author: BOT })).toHaveLength(0);
  });

  it('answers 404 with an error for a missing or deleted post', async () => {
    const { app } = await setup();
    const p = platform.createPost({ author: 'alice', text: 'bye' }).post;
    platform.deletePost(p.id);
    for (const id of [p.id, '999', 'abc']) {
      const response = await app.request(`/api/posts/${id}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toHaveProperty('error');
    }
  });
});

describe('sandbox faults over HTTP', () => {
  it('fails with 500 before doing anything', async () => {
    const { admin, app, post } = await setup();
    await admin('/admin/faults', { errorRate: 1 });
    const response = await post({ text: 'a root post' });
    expect(response.status).toBe(500);
    expect(platform.groundTruth()).toHaveLength(0);
    expect((await app.request('/api/mentions')).status).toBe(500);
    // The ground truth is the oracle: faults never touch it.
    expect((await app.request('/api/posts')).status).toBe(200);
  });

  it('answers 429 with x-ratelimit-reset for the configured window', async () => {
    const { admin, app, clock } = await setup();
    await admin('/admin/faults', { rateLimit: { rate429: 1, resetAfterMs: 5000 } });
    const response = await app.request('/api/mentions');
    expect(response.status).toBe(429);
    expect(response.headers.get('x-ratelimit-reset')).toBe(String(clock.now() + 5000));
    expect(response.headers.get('retry-after')).toBe('5');
    await admin('/admin/faults', { rateLimit: null });
    expect((await app.request('/api/mentions')).status).toBe(200);
  });

  it('stores the post but drops the response (504 when there is no socket to destroy)', async () => {
    const { admin, post } = await setup();
    await admin('/admin/faults', { dropResponseRate: 1 });
    const response = await post({ text: 'a root post' }, { 'idempotency-key': 'd1' });
    expect(response.status).toBe(504);
    expect(platform.groundTruth({ author: BOT })).toHaveLength(1);
  });
});

describe('sandbox admin', () => {
  it.each([
    ['GET', '/admin/faults'],
    ['POST', '/admin/faults'],
    ['POST', '/admin/ghost'],
    ['POST', '/admin/targets/1000001/mutate'],
    ['POST', '/admin/traffic'],
  ])('%s %s answers 401 without the admin token', async (method, path) => {
    const { app } = await setup();
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${defaultAccountToken(BOT)}`]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const response = await app.request(path, {
        method,
        headers,
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(response.status).toBe(401);
    }
  });

  it('answers 401 on every admin route when no admin token is configured', async () => {
    const { platform: p } = await setup();
    const app = createSandboxApp(p);
    expect((await app.request('/admin/faults', { headers: { authorization: 'Bearer ' } })).status).toBe(401);
  });

  it.each([
    ['/admin/faults', { errorRate: 1.5 }, /errorRate/],
    ['/admin/faults', { latencyMs: -1 }, /latencyMs/],
    ['/admin/faults', { rateLimit: { rate429: 0.1 } }, /resetAfterMs/],
    ['/admin/faults', { bogus: true }, /bogus/],
    ['/admin/ghost', { kind: 'sideways' }, /kind/],
    ['/admin/targets/1000001/mutate', { action: 'explode' }, /action/],
    ['/admin/targets/1000001/mutate', {}, /action/],
    ['/admin/traffic', { generate: 0 }, /generate/],
    ['/admin/traffic', { generate: 1, perMin: 3 }, /exactly one/],
    ['/admin/traffic', {}, /exactly one/],
  ])('POST %s %j → 400 and no change', async (path, body, message) => {
    const { admin } = await setup();
    platform.createPost({ author: 'alice', text: 'a post to mutate' });
    const before = JSON.stringify({ faults: platform.faults.config, posts: platform.groundTruth() });
    const response = await admin(path, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(JSON.stringify({ faults: platform.faults.config, posts: platform.groundTruth() })).toBe(before);
  });

  it('reads and updates faults', async () => {
    const { admin } = await setup();
    const updated = await (await admin('/admin/faults', { latencyMs: 10, dropResponseRate: 0.5 })).json();
    expect(updated).toEqual({
      errorRate: 0,
      latencyMs: 10,
      rateLimit: null,
      dropResponseRate: 0.5,
      rateLimitedUntil: null,
    });
    expect(await (await admin('/admin/faults')).json()).toEqual(updated);
  });

  it('posts a ghost and mutates targets', async () => {
    const { admin } = await setup();
    const a = platform.createPost({ author: 'alice', text: 'first' }).post;
    const b = platform.createPost({ author: 'bob_builds', text: 'second' }).post;
    const ghost = (await (await admin('/admin/ghost', { kind: 'reply' })).json()) as Record<string, unknown>;
    expect(ghost).toMatchObject({ author: BOT, origin: 'ghost' });
    expect([a.id, b.id]).toContain(ghost.in_reply_to_id);
    const moved = await (await admin(`/admin/targets/${b.id}/mutate`, { action: 'make_reply' })).json();
    expect(moved).toMatchObject({ id: b.id, in_reply_to_id: a.id });
    expect((await admin(`/admin/targets/${a.id}/mutate`, { action: 'delete' })).status).toBe(200);
    expect((await admin(`/admin/targets/${a.id}/mutate`, { action: 'delete' })).status).toBe(404);
  });

  it('generates traffic and sets its rate', async () => {
    const { admin, traffic } = await setup();
    const body = (await (await admin('/admin/traffic', { generate: 5 })).json()) as { generated: unknown[] };
    expect(body.generated).toHaveLength(5);
    expect(await (await admin('/admin/traffic', { perMin: 12 })).json()).toEqual({
      per_min: 12,
      running: true,
    });
    traffic.stop();
  });
});
