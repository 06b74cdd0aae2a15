import { afterEach, describe, expect, it } from 'vitest';
import { type XPipelineFixture, xPipelineFixture } from '../support/xPipeline.ts';
import { X_ACCOUNT } from '../support/xSandbox.ts';

/**
 * The pipeline on X's wire format: REPLYWRIGHT_PLATFORM=x against the sandbox's X dialect,
 * through the real twitter-api-v2 client. X's rules hold (only summoned roots are answered,
 * "stop" is honoured) and exactly-once holds without any idempotency key.
 */
let p: XPipelineFixture;
afterEach(async () => p.cleanup());

const MIN = 60_000;
const permit = (f: XPipelineFixture) =>
  f.app.store.statement('select state, actual_post_id as postId from permits').all() as {
    state: string;
    postId: string | null;
  }[];

async function cycles(f: XPipelineFixture, n: number, stepMs = 2 * MIN): Promise<void> {
  for (let i = 0; i < n; i++) {
    await f.cycle();
    await f.clock.advance(stepMs);
  }
}

describe('the pipeline on the X dialect', () => {
  it('answers a summoned mention exactly once, and prices what it did', async () => {
    p = await xPipelineFixture();
    const target = p.sandbox.post('alice', 'how do I keep replies from posting twice after a crash?');
    await cycles(p, 4);
    expect(p.botPosts().map((b) => b.inReplyToId)).toEqual([target]);
    expect(permit(p)).toEqual([{ state: 'used', postId: p.botPosts()[0]!.id }]);
    const spend = p.app.store
      .statement(
        'select operation, count(*) as n, sum(cost_usd) as usd from platform_calls group by operation',
      )
      .all() as { operation: string; n: number; usd: number }[];
    const op = (name: string) => spend.find((s) => s.operation === name);
    expect(op('create_reply')).toMatchObject({ n: 1, usd: 0.01 });
    expect(op('mentions')!.usd).toBeCloseTo(0.001, 6);
    expect(op('me')).toMatchObject({ n: 1, usd: 0.01 });
  });

  it('watches a keyword-only post but never answers it, whatever REPLYWRIGHT_ALLOW_KEYWORD_REPLIES says', async () => {
    p = await xPipelineFixture({ env: { REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: '1' } });
    const keyword = p.sandbox.post('carol', 'replywright sounds like a careful tool for answering people', {
      mention: false,
    });
    await cycles(p, 4);
    expect(p.botPosts()).toEqual([]);
    const candidate = p.app.store
      .statement('select state, reason_code as reason, source, consent from candidates where post_id = ?')
      .get(keyword);
    expect(candidate).toEqual({
      state: 'rejected',
      reason: 'no_consent',
      source: 'search:replywright',
      consent: 'keyword',
    });
  });

  it('never answers inside a thread, even when the reply mentions the account', async () => {
    p = await xPipelineFixture();
    const root = p.sandbox.post('dave', 'a root post without any mention of the bot', { mention: false });
    const inThread = p.sandbox.post('erin', 'what does the bot think about this thread?', {
      inReplyToId: root,
    });
    await cycles(p, 4);
    expect(p.botPosts()).toEqual([]);
    const candidate = p.app.store
      .statement('select state, reason_code as reason from candidates where post_id = ?')
      .get(inThread);
    expect(candidate).toEqual({ state: 'rejected', reason: 'not_root' });
  });

  it('honours "stop": the stop reply and the author’s later mentions get no reply', async () => {
    p = await xPipelineFixture();
    const first = p.sandbox.post('frank', 'is replywright safe against double posts?');
    await cycles(p, 4);
    const [ours] = p.botPosts();
    expect(ours?.inReplyToId).toBe(first);
    p.sandbox.post('frank', 'stop', { mention: false, inReplyToId: ours!.id });
    await cycles(p, 2);
    p.sandbox.post('frank', 'another question for the bot about caps and spacing');
    await cycles(p, 4);
    expect(p.botPosts()).toHaveLength(1);
    expect(p.app.store.statement('select author from opt_outs').all()).toEqual([{ author: 'frank' }]);
  });

  it('a response lost after the post was made ends in exactly one reply', async () => {
    p = await xPipelineFixture();
    const target = p.sandbox.post('grace', 'will the bot answer me only once if the network drops?');
    await p.run('fetch');
    await p.run('scheduler');
    p.sandbox.platform.faults.update({ dropResponseRate: 1 });
    await p.run('poster');
    p.sandbox.platform.faults.reset();
    expect(p.botPosts().map((b) => b.inReplyToId)).toEqual([target]);
    expect(permit(p).map((x) => x.state)).toEqual(['unconfirmed']);
    await cycles(p, 6);
    expect(p.botPosts().map((b) => b.inReplyToId)).toEqual([target]);
    expect(permit(p)).toEqual([{ state: 'used', postId: p.botPosts()[0]!.id }]);
    // The lost create is priced as if it posted; the lookup found it and nothing else was posted.
    const creates = p.app.store
      .statement("select outcome from platform_calls where operation = 'create_reply'")
      .all();
    expect(creates).toEqual([{ outcome: 'unknown' }]);
  });

  it('runs as the account the token belongs to', async () => {
    p = await xPipelineFixture();
    expect(p.adapter.account).toBe(X_ACCOUNT);
    expect(p.adapter.capabilities().idempotency).toEqual({ kind: 'none' });
  });
});
