import type { AtpAgent } from '@atproto/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimitedUntil } from '../../src/jobs/rateLimit.ts';
import { postIdOf } from '../../src/platforms/bluesky/postIds.ts';
import { waitFor } from '../support/waitFor.ts';
import { type BlueskyPipeline, blueskyPipeline } from './blueskyPipeline.ts';
import { botRecords, type LocalNetwork, postMentioning, startLocalNetwork } from './localNetwork.ts';

/**
 * The whole pipeline (fetch → evaluate → queue → schedule → permit → post → reconcile) on
 * REPLYWRIGHT_PLATFORM=bluesky against a real local AT Protocol network: the bot reads its
 * notifications from the AppView and writes to its repo on the PDS.
 */
let net: LocalNetwork;
let pipeline: BlueskyPipeline;
let throttleNextPut: number | null = null;

beforeAll(async () => {
  net = await startLocalNetwork();
  const fetchWithFaults: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (throttleNextPut !== null && request.url.endsWith('/xrpc/com.atproto.repo.putRecord')) {
      const reset = throttleNextPut;
      throttleNextPut = null;
      return Response.json(
        { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
        { status: 429, headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) } },
      );
    }
    return fetch(request);
  };
  pipeline = await blueskyPipeline(net, { fetch: fetchWithFaults });
}, 600_000);

afterAll(async () => {
  await pipeline?.stop();
  await net?.stop();
}, 60_000);

const bot = () => ({ handle: net.bot.handle, did: net.bot.did });

function permitOf(targetUri: string) {
  return pipeline.app.store
    .statement(
      'select state, reason_code as reasonCode, actual_post_id as actualPostId from permits where target_post_id = ?',
    )
    .get(postIdOf(targetUri)) as
    | { state: string; reasonCode: string | null; actualPostId: string | null }
    | undefined;
}

function candidateOf(targetUri: string) {
  return pipeline.app.store
    .statement('select state, reason_code as reasonCode from candidates where post_id = ?')
    .get(postIdOf(targetUri)) as { state: string; reasonCode: string | null } | undefined;
}

async function botRepliesTo(targetUri: string) {
  return (await botRecords(net)).filter((r) => r.value.reply?.parent.uri === targetUri);
}

/** Cycles the pipeline until `done` holds (every job once per cycle). */
async function cycleUntil<T>(done: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  return waitFor(
    async () => {
      await pipeline.cycle();
      return done();
    },
    { timeoutMs, what, intervalMs: 150 },
  );
}

async function threadReplies(agent: AtpAgent, uri: string) {
  const res = await agent.getPostThread({ uri, depth: 2 });
  const thread = res.data.thread as {
    replies?: { post: { uri: string; author: { did: string }; record: unknown } }[];
  };
  return (thread.replies ?? []).map((r) => r.post);
}

describe('the pipeline on Bluesky (real local network)', () => {
  it('a mention gets exactly one reply, under the right root and parent in getPostThread', async () => {
    const alice = await net.agent(0);
    const root = await postMentioning(
      alice,
      bot(),
      'how would you keep a reply bot from posting twice after a crash?',
    );
    await cycleUntil(
      () => (permitOf(root.uri)?.state === 'used' ? true : undefined),
      'the permit to be used',
    );
    const replies = await waitFor(
      async () => {
        const found = (await threadReplies(alice, root.uri)).filter((p) => p.author.did === net.bot.did);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000, what: 'the reply in getPostThread', intervalMs: 150 },
    );
    expect(replies).toHaveLength(1);
    const record = replies[0]!.record as {
      text: string;
      reply: { root: { uri: string }; parent: { uri: string } };
      facets?: unknown[];
    };
    expect(record.reply.root.uri).toBe(root.uri);
    expect(record.reply.parent.uri).toBe(root.uri);
    expect(record.text.startsWith(`@${net.users[0]!.handle} `)).toBe(true);
    expect(record.facets).toEqual([
      expect.objectContaining({ features: [expect.objectContaining({ did: net.users[0]!.did })] }),
    ]);
    expect(postIdOf(replies[0]!.uri)).toBe(permitOf(root.uri)!.actualPostId);
    // More passes change nothing: still one.
    for (let i = 0; i < 3; i++) await pipeline.cycle();
    expect(await botRepliesTo(root.uri)).toHaveLength(1);
  });

  it('a mention inside a thread (not a root post) gets no reply', async () => {
    const bob = await net.agent(1);
    const alice = await net.agent(0);
    const root = await postMentioning(
      bob,
      null,
      'a thread about offline-first sync engines, thoughts welcome',
    );
    const inner = await postMentioning(
      alice,
      bot(),
      'what would you add to this thread about sync engines?',
      {
        root,
        parent: root,
      },
    );
    await cycleUntil(() => (candidateOf(inner.uri) ? true : undefined), 'the mention to be evaluated');
    for (let i = 0; i < 2; i++) await pipeline.cycle();
    expect(candidateOf(inner.uri)).toMatchObject({ state: 'rejected', reasonCode: 'not_root' });
    expect(permitOf(inner.uri)).toBeUndefined();
    expect(await botRepliesTo(inner.uri)).toHaveLength(0);
  });

  it('a user who replied "stop" gets no further reply', { timeout: 90_000 }, async () => {
    const carol = await net.agent(2);
    const first = await postMentioning(
      carol,
      bot(),
      'first question: how do permits expire in your pipeline?',
    );
    await cycleUntil(() => (permitOf(first.uri)?.state === 'used' ? true : undefined), 'the first reply');
    const [reply] = await botRepliesTo(first.uri);
    const replyRef = {
      uri: reply!.uri,
      cid: (
        await carol.com.atproto.repo.getRecord({
          repo: net.bot.did,
          collection: 'app.bsky.feed.post',
          rkey: reply!.uri.split('/').pop()!,
        })
      ).data.cid!,
    };
    await postMentioning(carol, null, 'stop', { root: first, parent: replyRef });
    const optedOut = () =>
      pipeline.app.store.statement('select 1 from opt_outs where author = ?').get(net.users[2]!.handle)
        ? true
        : undefined;
    // The "stop" reply comes right after the bot's reply: the AppView may index it before its
    // parent and then never notifies it; the adapter's thread sweep finds it anyway.
    await cycleUntil(optedOut, 'the opt-out to be recorded');
    const second = await postMentioning(
      carol,
      bot(),
      'second question: what about quiet hours and the caps?',
    );
    await cycleUntil(
      () => (candidateOf(second.uri) ? true : undefined),
      'the second mention to be evaluated',
    );
    for (let i = 0; i < 2; i++) await pipeline.cycle();
    expect(candidateOf(second.uri)).toMatchObject({ state: 'rejected', reasonCode: 'opted_out' });
    expect(await botRepliesTo(second.uri)).toHaveLength(0);
  });

  it('a rate-limit answer defers the post until the reset, then it goes out once', {
    timeout: 60_000,
  }, async () => {
    const alice = await net.agent(0);
    const reset = Math.ceil(Date.now() / 1000) + 12;
    throttleNextPut = reset;
    const root = await postMentioning(alice, bot(), 'does the bot respect the rate limits of the platform?');
    await cycleUntil(() => (throttleNextPut === null ? true : undefined), 'the throttled post attempt');
    expect(permitOf(root.uri)?.state).toBe('approved');
    expect(rateLimitedUntil(pipeline.app.store)).toBe(reset * 1000);
    expect(await botRepliesTo(root.uri)).toHaveLength(0);
    await cycleUntil(
      () => (permitOf(root.uri)?.state === 'used' ? true : undefined),
      'the post after the reset',
      30_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(reset * 1000);
    expect(await botRepliesTo(root.uri)).toHaveLength(1);
  });
});
