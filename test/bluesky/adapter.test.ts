import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpAgent } from '@atproto/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { riskySettings } from '../../src/config/risks.ts';
import { BlueskyAdapter } from '../../src/platforms/bluesky/adapter.ts';
import { blueskyFromConfig } from '../../src/platforms/bluesky/fromConfig.ts';
import { postIdOf } from '../../src/platforms/bluesky/postIds.ts';
import { BlueskyState } from '../../src/platforms/bluesky/state.ts';
import { tidMicros } from '../../src/platforms/bluesky/tid.ts';
import { OutcomeUnknown, RateLimited } from '../../src/platforms/contract.ts';
import { waitFor } from '../support/waitFor.ts';
import {
  botRecords,
  expiredCopy,
  type LocalNetwork,
  postMentioning,
  startLocalNetwork,
} from './localNetwork.ts';

/**
 * The Bluesky adapter against a real local AT Protocol network (PLC + PDS + AppView from
 * @atproto/dev-env): reads, idempotent replies under lost answers, the session kept and
 * refreshed, rate limits, the bot label. Faults are injected in the adapter's fetch; the
 * servers are real.
 */
let net: LocalNetwork;
let dir: string;

beforeAll(async () => {
  net = await startLocalNetwork();
  dir = mkdtempSync(join(tmpdir(), 'rw-bluesky-'));
}, 600_000);

afterAll(async () => {
  await net?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

interface Wire {
  calls: string[];
  /** Replaces the answer (or throws) for the next call whose path ends with `nsid`. */
  once(nsid: string, fault: (forward: () => Promise<Response>) => Promise<Response>): void;
  fetch: typeof fetch;
}

function wire(): Wire {
  const calls: string[] = [];
  const faults: { nsid: string; fault: (forward: () => Promise<Response>) => Promise<Response> }[] = [];
  return {
    calls,
    once: (nsid, fault) => faults.push({ nsid, fault }),
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const nsid = new URL(request.url).pathname.replace('/xrpc/', '');
      calls.push(nsid);
      const index = faults.findIndex((f) => f.nsid === nsid);
      if (index >= 0) {
        const { fault } = faults.splice(index, 1)[0]!;
        return fault(() => fetch(request));
      }
      return fetch(request);
    },
  };
}

function adapterWith(w: Wire, statePath = join(dir, `state-${Math.random().toString(36).slice(2)}.db`)) {
  const state = new BlueskyState(statePath);
  const adapter = new BlueskyAdapter({
    service: net.service,
    identifier: net.bot.handle,
    appPassword: net.bot.appPassword,
    state,
    fetch: w.fetch,
  });
  return { adapter, state, statePath };
}

async function mentionFromUser(user: number, text: string) {
  const agent = await net.agent(user);
  const ref = await postMentioning(agent, net.bot, text);
  return { ...ref, id: postIdOf(ref.uri)! };
}

async function repliesTo(targetUri: string) {
  return (await botRecords(net)).filter((r) => r.value.reply?.parent.uri === targetUri);
}

describe('Bluesky adapter on a real local network', () => {
  it('reads a mention as an opted-in root post and keeps its cursor', async () => {
    const { adapter } = adapterWith(wire());
    const first = await adapter.mentions(null);
    const target = await mentionFromUser(0, 'how do I keep a bot from answering twice after a crash?');
    const page = await waitFor(
      async () => {
        const p = await adapter.mentions(first.nextCursor);
        return p.posts.some((post) => post.id === target.id) ? p : undefined;
      },
      { timeoutMs: 20_000, what: 'the mention in listNotifications', intervalMs: 150 },
    );
    const post = page.posts.find((p) => p.id === target.id)!;
    expect(post).toMatchObject({
      author: net.users[0]!.handle,
      inReplyToId: null,
      rootId: target.id,
      mentions: [net.bot.handle],
    });
    expect(page.invalid).toEqual([]);
    // Passing the cursor back gives nothing newer (the overlap may repeat, the cursor stays).
    const again = await adapter.mentions(page.nextCursor);
    expect(again.nextCursor).toBe(page.nextCursor);
    expect(await adapter.getPost(target.id)).toMatchObject({ id: target.id, author: net.users[0]!.handle });
  });

  it('a reply whose answer was lost is found by ownRepliesTo and a retry does not post again', async () => {
    const w = wire();
    const { adapter, state } = adapterWith(w);
    const target = await mentionFromUser(1, 'what happens when the connection drops mid-post?');
    await waitFor(async () => (await adapter.getPost(target.id)) ?? undefined, {
      timeoutMs: 20_000,
      what: 'the target indexed',
      intervalMs: 150,
    });
    const since = Date.now() - 60_000;
    const request = {
      targetId: target.id,
      text: `@${net.users[1]!.handle} it is written once.`,
      idempotencyKey: 'pm_lost_answer',
      attempt: 1,
    };
    // The PDS takes the write; the answer never reaches us.
    w.once('com.atproto.repo.putRecord', async (forward) => {
      await forward();
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    });
    await expect(adapter.createReply(request)).rejects.toBeInstanceOf(OutcomeUnknown);
    const found = await adapter.ownRepliesTo(target.id, since);
    expect(found).toHaveLength(1);
    const again = await adapter.createReply({ ...request, attempt: 2 });
    expect(again.postId).toBe(found[0]!.id);
    expect(await repliesTo(target.uri)).toHaveLength(1);
    // The record key was the planned one, and createdAt its time.
    const plan = state.plan('pm_lost_answer')!;
    expect(found[0]!.id.endsWith(`/${plan.rkey}`)).toBe(true);
    expect(found[0]!.createdAt).toBe(plan.createdAt);
    expect(Math.floor(tidMicros(plan.rkey) / 1000)).toBe(plan.createdAt);
  });

  it('a reply that never landed is absent, and the retry posts it exactly once', async () => {
    const w = wire();
    const { adapter } = adapterWith(w);
    const target = await mentionFromUser(2, 'and when the request times out before it is sent?');
    await waitFor(async () => (await adapter.getPost(target.id)) ?? undefined, {
      timeoutMs: 20_000,
      what: 'the target indexed',
      intervalMs: 150,
    });
    const since = Date.now() - 60_000;
    const request = {
      targetId: target.id,
      text: `@${net.users[2]!.handle} then it is sent once, later.`,
      idempotencyKey: 'pm_never_landed',
      attempt: 1,
    };
    w.once('com.atproto.repo.putRecord', async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    });
    await expect(adapter.createReply(request)).rejects.toBeInstanceOf(OutcomeUnknown);
    expect(await adapter.ownRepliesTo(target.id, since)).toEqual([]);
    const { postId } = await adapter.createReply({ ...request, attempt: 2 });
    const replies = await adapter.ownRepliesTo(target.id, since);
    expect(replies.map((r) => r.id)).toEqual([postId]);
    expect(await repliesTo(target.uri)).toHaveLength(1);
  });

  it('writing the identical record at the same key again is a no-op: same cid, no new commit', async () => {
    const w = wire();
    const { adapter } = adapterWith(w);
    const target = await mentionFromUser(0, 'is a repeated putRecord really harmless here?');
    await waitFor(async () => (await adapter.getPost(target.id)) ?? undefined, {
      timeoutMs: 20_000,
      what: 'the target indexed',
      intervalMs: 150,
    });
    const request = {
      targetId: target.id,
      text: `@${net.users[0]!.handle} yes: same key, same record.`,
      idempotencyKey: 'pm_repeat',
      attempt: 1,
    };
    const first = await adapter.createReply(request);
    const reader = new AtpAgent({ service: net.service });
    const before = await reader.com.atproto.sync.getLatestCommit({ did: net.bot.did });
    // The settle-by-key read misses (a lagging replica, say): the adapter writes again.
    w.once('com.atproto.repo.getRecord', async () =>
      Response.json({ error: 'RecordNotFound', message: 'Could not locate record' }, { status: 400 }),
    );
    let putAnswer: unknown;
    w.once('com.atproto.repo.putRecord', async (forward) => {
      const response = await forward();
      putAnswer = { status: response.status, body: await response.clone().json() };
      return response;
    });
    const second = await adapter.createReply({ ...request, attempt: 2 });
    expect(second.postId).toBe(first.postId);
    expect(putAnswer).toMatchObject({ status: 200 });
    const after = await reader.com.atproto.sync.getLatestCommit({ did: net.bot.did });
    expect(after.data.rev).toBe(before.data.rev);
    expect(await repliesTo(target.uri)).toHaveLength(1);
  });

  it('keeps the session: a second boot refreshes it, an expired access token is refreshed, never a new login', async () => {
    const path = join(dir, 'session-state.db');
    const first = wire();
    await adapterWith(first, path).adapter.mentions(null);
    expect(first.calls.filter((c) => c === 'com.atproto.server.createSession')).toHaveLength(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const second = wire();
    const { adapter, state } = adapterWith(second, path);
    await adapter.mentions(null);
    expect(second.calls).not.toContain('com.atproto.server.createSession');
    expect(second.calls).toContain('com.atproto.server.refreshSession');

    // The access token expires mid-run: the PDS answers ExpiredToken, the session is refreshed.
    let sawExpired = false;
    second.once('app.bsky.notification.listNotifications', async () => {
      const session = state.loadSession(net.service, net.bot.handle)!;
      const response = await fetch(`${net.service}/xrpc/app.bsky.notification.listNotifications`, {
        headers: { authorization: `Bearer ${expiredCopy(session.accessJwt)}` },
      });
      sawExpired = response.status === 400 && (await response.clone().json()).error === 'ExpiredToken';
      return response;
    });
    const refreshesBefore = second.calls.filter((c) => c === 'com.atproto.server.refreshSession').length;
    // (A refresh inside the same second as the last one would mint the very same access JWT:
    // wait for the clock's second to turn.)
    const lastRefreshSecond = Math.floor(Date.now() / 1000);
    await waitFor(() => Math.floor(Date.now() / 1000) > lastRefreshSecond, { what: 'the next second' });
    const page = await adapter.mentions(null);
    expect(sawExpired).toBe(true);
    expect(page.invalid).toEqual([]);
    expect(second.calls.filter((c) => c === 'com.atproto.server.refreshSession').length).toBe(
      refreshesBefore + 1,
    );
    expect(second.calls).not.toContain('com.atproto.server.createSession');
    expect(state.sessionEventsSince('login', 0)).toBe(1);
  });

  it('a 429 is RateLimited until the ratelimit-reset header, and the adapter reports it', async () => {
    const w = wire();
    const { adapter } = adapterWith(w);
    await adapter.mentions(null);
    const reset = Math.floor(Date.now() / 1000) + 90;
    w.once('app.bsky.notification.listNotifications', async () =>
      Response.json(
        { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
        {
          status: 429,
          headers: {
            'ratelimit-limit': '3000',
            'ratelimit-remaining': '0',
            'ratelimit-reset': String(reset),
          },
        },
      ),
    );
    const error = await adapter.mentions(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).resetAt).toBe(reset * 1000);
    expect(adapter.limits().rateLimitedUntil).toBe(reset * 1000);
  });

  it('checks the bot self-label at sign-in: missing is a dashboard risk, the fix adds it', async () => {
    const config = loadConfig({
      REPLYWRIGHT_PLATFORM: 'bluesky',
      REPLYWRIGHT_BLUESKY_SERVICE: net.service,
      REPLYWRIGHT_BLUESKY_IDENTIFIER: net.bot.handle,
      REPLYWRIGHT_BLUESKY_APP_PASSWORD: net.bot.appPassword,
      REPLYWRIGHT_BLUESKY_STATE: join(dir, 'label-state.db'),
    });
    const bot = await net.agent('bot');
    const profile = await bot.com.atproto.repo.getRecord({
      repo: net.bot.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
    });
    await bot.com.atproto.repo.putRecord({
      repo: net.bot.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
      record: { ...(profile.data.value as object), labels: undefined },
    });
    const risky = () => riskySettings(config).find((r) => r.setting === 'REPLYWRIGHT_BLUESKY_IDENTIFIER');
    const adapter = blueskyFromConfig(config);
    expect(await adapter.botLabel()).toBe('missing');
    await adapter.mentions(null);
    const risk = await waitFor(async () => risky(), {
      timeoutMs: 5_000,
      what: 'the bot label risk',
      intervalMs: 150,
    });
    expect(risk.why).toContain('npm run bluesky:label');

    expect(await adapter.labelAsBot()).toBe('added');
    expect(await adapter.botLabel()).toBe('labelled');
    const after = await bot.com.atproto.repo.getRecord({
      repo: net.bot.did,
      collection: 'app.bsky.actor.profile',
      rkey: 'self',
    });
    expect(after.data.value).toMatchObject({ displayName: 'rwbot', labels: { values: [{ val: 'bot' }] } });
    // A new process checks again and finds it: no risk.
    const fresh = blueskyFromConfig(config);
    await fresh.mentions(null);
    await waitFor(async () => (risky() ? undefined : true), {
      timeoutMs: 5_000,
      what: 'the risk to clear',
      intervalMs: 150,
    });
  });
});
