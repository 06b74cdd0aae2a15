import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserChannelFromConfig } from '../../src/app/channelFromConfig.ts';
import { apiChannel } from '../../src/jobs/post.ts';
import type { PostAttempt } from '../../src/jobs/replyChannel.ts';
import { silentLogger } from '../../src/logging.ts';
import { contentHash } from '../../src/platforms/contract.ts';
import { checkInvariants, traceGaps } from '../../src/proof/invariants.ts';
import { type BrowserStack, browserStack, HAS_CHROMIUM, p50, timed } from '../support/browserStack.ts';

/**
 * The browser poster end to end, in real Chromium: the sandbox's own web UI, its login form,
 * its composer; the pipeline driven one job run at a time. Then its per-post time next to
 * the API channel's, over the same sandbox.
 */
describe.skipIf(!HAS_CHROMIUM)('browser poster, end to end in Chromium', () => {
  let stack: BrowserStack;

  beforeAll(async () => {
    stack = await browserStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('posts replies through the web composer with complete traces and no invariant violations', async () => {
    const targets = stack.roots(4);
    const posted = await stack.postReplies(4);
    expect(posted).toBe(4);
    await stack.app.runOnce('reconciler');

    const replies = await stack.botReplies();
    expect(replies.map((r) => r.inReplyToId).sort()).toEqual(targets.map((t) => t.id).sort());
    // The sandbox labels posts made through its web UI (a logged-in session), not its API.
    expect(new Set(replies.map((r) => r.origin))).toEqual(new Set(['web']));
    // The composer carried each permit's own key (?key=…), so a repeated click could not post twice.
    const keys = new Map(
      (
        stack.app.store
          .statement('select actual_post_id as postId, idempotency_key as k from permits')
          .all() as {
          postId: string | null;
          k: string;
        }[]
      ).map((r) => [r.postId, r.k]),
    );
    for (const reply of stack.sandbox.platform.groundTruth({ author: stack.config.REPLYWRIGHT_ACCOUNT })) {
      if (reply.inReplyToId !== null) expect(reply.idempotencyKey).toBe(keys.get(reply.id));
    }

    for (const permit of stack.permits().filter((p) => p.state === 'used')) {
      expect(traceGaps(stack.app.store, permit.id, permit.actualPostId!)).toEqual([]);
    }
    const success = stack.app.store
      .statement("select data from events where type = 'posting_success'")
      .all() as { data: string }[];
    expect(success.map((e) => JSON.parse(e.data).channel)).toEqual([
      'browser',
      'browser',
      'browser',
      'browser',
    ]);

    const report = checkInvariants(stack.app.store, await stack.truth(), {
      account: stack.config.REPLYWRIGHT_ACCOUNT,
      now: Date.now(),
    });
    expect(report.violations).toEqual([]);
    expect(report.usedPermits).toBe(4);

    // The session was saved by logging in through the form, readable by its owner only.
    expect(statSync(stack.config.REPLYWRIGHT_BROWSER_STATE).mode & 0o777).toBe(0o600);
    const events = stack.app.store.statement('select data from events where data is not null').all() as {
      data: string;
    }[];
    expect(events.some((e) => e.data.includes('sandbox_session'))).toBe(false);
  });

  it('measures per-post time: browser vs API channel (p50 over 12 posts each)', async () => {
    const browserTimes: number[] = [];
    const apiTimes: number[] = [];
    // The channels alone, outside the pipeline (so this runs last): no permit rows back these
    // sends, so the pre-click check is replaced by the same platform read it makes.
    const lookup = async (permit: PostAttempt) =>
      (await stack.platform.getPost(permit.targetPostId)) !== null;
    const env = { platform: stack.platform, sandboxUrl: stack.sandbox.url, log: silentLogger, env: {} };
    const viaBrowser = timed(await browserChannelFromConfig(stack.config, env, lookup), browserTimes);
    const viaApi = timed(apiChannel({ platform: stack.platform }), apiTimes);
    try {
      for (const channel of [viaBrowser, viaApi]) {
        for (const target of stack.roots(12)) {
          const text = `Timing reply for #${target.id} through the ${channel.name} channel.`;
          await channel.send(fakePermit(target.id, target.author, text), new AbortController().signal);
        }
      }
    } finally {
      await viaBrowser.close?.();
    }
    const ms = (values: number[]) =>
      `p50 ${p50(values).toFixed(1)} ms (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)})`;
    console.log(
      `per-post time over 12 posts — browser: ${ms(browserTimes)}; api: ${ms(apiTimes)}; ` +
        `pipeline browser sends above: ${ms(stack.sendTimes)} (the first includes Chromium's launch and the login)`,
    );
    expect(browserTimes).toHaveLength(12);
    expect(apiTimes).toHaveLength(12);
  });
});

function fakePermit(targetPostId: string, targetAuthor: string, text: string): PostAttempt {
  const permitId = `timing_${targetPostId}`;
  return {
    permitId,
    candidateId: `cand_${permitId}`,
    schedulerRunId: 'run_timing',
    targetPostId,
    targetAuthor,
    text,
    contentHash: contentHash(text),
    idempotencyKey: permitId,
    expiresAt: Date.now() + 3_600_000,
    attempt: 1,
  };
}
