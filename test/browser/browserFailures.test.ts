import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostAttempt, ReplyChannel } from '../../src/jobs/replyChannel.ts';
import { silentLogger } from '../../src/logging.ts';
import { createBrowserChannel } from '../../src/platforms/browser/browserChannel.ts';
import { loadProfile } from '../../src/platforms/browser/profile.ts';
import { BrowserSession } from '../../src/platforms/browser/session.ts';
import { SharedBrowser } from '../../src/platforms/browser/sharedBrowser.ts';
import {
  contentHash,
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';
import { checkInvariants, traceGaps } from '../../src/proof/invariants.ts';
import { defaultPassword } from '../../src/sandbox/auth.ts';
import { type BrowserStack, browserStack, CHROMIUM, HAS_CHROMIUM } from '../support/browserStack.ts';

/**
 * What the browser poster does when things go wrong: a lost response after the click (the
 * permit ends `unconfirmed`, nothing is clicked twice, the reconciler finds the reply), and
 * the error class of every other failure, before and after the click.
 */
describe.skipIf(!HAS_CHROMIUM)('browser poster failures, in Chromium', () => {
  let stack: BrowserStack;
  let shared: SharedBrowser;
  let allowClick = true;
  let channel: ReplyChannel;

  beforeAll(async () => {
    stack = await browserStack();
    const profile = loadProfile('sandbox');
    shared = new SharedBrowser({ executablePath: CHROMIUM });
    channel = createBrowserChannel({
      profile,
      baseUrl: stack.sandbox.url,
      browser: shared,
      session: new BrowserSession({
        statePath: join(stack.dir, 'direct', 'state.json'),
        profile,
        baseUrl: stack.sandbox.url,
        credentials: { handle: 'replywright_bot', password: defaultPassword('replywright_bot') },
      }),
      tracesDir: join(stack.dir, 'direct-traces'),
      beforeClick: async () => allowClick,
      log: silentLogger,
    });
  });
  afterAll(async () => {
    await channel?.close?.();
    await stack?.stop();
  });

  it('a dropped create response: unconfirmed, one click, then the reconciler finds the one reply', async () => {
    const [target] = stack.roots(1);
    await stack.app.runOnce('fetch');
    await stack.app.runOnce('scheduler');
    await stack.faults({ dropResponseRate: 1 });
    await stack.app.runOnce('poster');

    const [permit] = stack.permits();
    expect(permit).toMatchObject({ state: 'unconfirmed', reasonCode: 'outcome_unknown' });
    const failed = stack.app.store
      .statement("select data from events where type = 'posting_failed' and permit_id = ?")
      .all(permit!.id) as { data: string }[];
    expect(failed).toHaveLength(1);
    const data = JSON.parse(failed[0]!.data);
    expect(data).toMatchObject({
      errorClass: 'OutcomeUnknown',
      channel: 'browser',
      phase: 'after_click',
      createRequests: 1,
    });
    expect(existsSync(data.trace)).toBe(true);
    expect(existsSync(data.screenshot)).toBe(true);
    expect(statSync(data.trace).mode & 0o777).toBe(0o600);

    // Nothing is retried blindly: another poster tick finds no approved permit.
    await stack.app.runOnce('poster');
    expect(stack.permits()[0]!.state).toBe('unconfirmed');

    await stack.faults({ dropResponseRate: 0 });
    await stack.app.runOnce('reconciler');
    expect(stack.permits()[0]).toMatchObject({ state: 'used' });
    const replies = (await stack.botReplies()).filter((r) => r.inReplyToId === target!.id);
    expect(replies).toHaveLength(1);
    expect(stack.permits()[0]!.actualPostId).toBe(replies[0]!.id);
    expect(traceGaps(stack.app.store, permit!.id, replies[0]!.id)).toEqual([]);
    const report = checkInvariants(stack.app.store, await stack.truth(), {
      account: stack.config.REPLYWRIGHT_ACCOUNT,
      now: Date.now(),
    });
    expect(report.violations).toEqual([]);
  });

  // The direct channel's replies have no permits, so these run after the invariant check.
  it('a missing target page is PlatformRejected(404), with a screenshot and a trace', async () => {
    const error = await sendError(permitFor('999999', 'nobody'));
    expect(error).toBeInstanceOf(PlatformRejected);
    expect((error as PlatformRejected).status).toBe(404);
    expect(error.context).toMatchObject({ phase: 'before_click', createRequests: 0 });
    expect(existsSync(String(error.context.screenshot))).toBe(true);
    expect(existsSync(String(error.context.trace))).toBe(true);
  });

  it('a failed pre-click check clicks nothing', async () => {
    const [target] = stack.roots(1);
    allowClick = false;
    const error = await sendError(permitFor(target!.id, target!.author)).finally(() => {
      allowClick = true;
    });
    expect(error).toBeInstanceOf(PlatformRejected);
    expect(error.context).toMatchObject({ reasonCode: 'pre_click_check_failed', createRequests: 0 });
    expect(await stack.botReplies()).not.toContainEqual(expect.objectContaining({ inReplyToId: target!.id }));
  });

  it('429 on the create call is RateLimited until x-ratelimit-reset; a 500 is OutcomeUnknown', async () => {
    const [first, second] = stack.roots(2);
    await stack.faults({ rateLimit: { rate429: 1, resetAfterMs: 90_000 } });
    const limited = await sendError(permitFor(first!.id, first!.author));
    await stack.faults({ rateLimit: null });
    expect(limited).toBeInstanceOf(RateLimited);
    expect((limited as RateLimited).resetAt).toBeGreaterThan(Date.now() + 60_000);
    expect(limited.context).toMatchObject({ phase: 'after_click', createRequests: 1 });

    await stack.faults({ errorRate: 1 });
    const broken = await sendError(permitFor(second!.id, second!.author));
    await stack.faults({ errorRate: 0 });
    expect(broken).toBeInstanceOf(OutcomeUnknown);
  });

  it('relaunches a crashed browser; a missing session for a profile without a login form is not posted', async () => {
    const [target] = stack.roots(1);
    const before = shared.launches;
    await (await shared.get()).close();
    const { postId } = await channel.send(
      permitFor(target!.id, target!.author),
      new AbortController().signal,
    );
    expect(postId).toMatch(/^\d+$/);
    expect(shared.launches).toBe(before + 1);

    const profile = { ...loadProfile('sandbox'), name: 'elsewhere', login: undefined };
    const noSession = createBrowserChannel({
      profile,
      baseUrl: stack.sandbox.url,
      browser: shared,
      session: new BrowserSession({
        statePath: join(stack.dir, 'absent.json'),
        profile,
        baseUrl: stack.sandbox.url,
      }),
      tracesDir: join(stack.dir, 'direct-traces'),
      beforeClick: async () => true,
      log: silentLogger,
    });
    const error = await noSession
      .send(permitFor(target!.id, target!.author), new AbortController().signal)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PlatformUnavailable);
  });

  it('an expired session is "not posted", forgotten, and replaced by a fresh login on the next post', async () => {
    const [target] = stack.roots(1);
    const statePath = join(stack.dir, 'direct', 'state.json');
    const cookie = { name: 'sandbox_session', value: 'expired', domain: '127.0.0.1', path: '/', expires: -1 };
    writeFileSync(
      statePath,
      JSON.stringify({
        cookies: [{ ...cookie, httpOnly: true, secure: false, sameSite: 'Lax' }],
        origins: [],
      }),
    );
    const error = await sendError(permitFor(target!.id, target!.author));
    expect(error).toBeInstanceOf(PlatformUnavailable);
    expect(existsSync(statePath)).toBe(false);
    const { postId } = await channel.send(
      permitFor(target!.id, target!.author),
      new AbortController().signal,
    );
    expect(postId).toMatch(/^\d+$/);
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
  });

  async function sendError(permit: PostAttempt) {
    const outcome = await channel.send(permit, new AbortController().signal).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(outcome instanceof Error) || !('context' in outcome))
      throw new Error(`expected a failure, got ${String(outcome)}`);
    return outcome as Error & { context: Record<string, unknown> };
  }
});

function permitFor(targetPostId: string, targetAuthor: string): PostAttempt {
  const text = `A direct browser reply to #${targetPostId}, for a failure test.`;
  const permitId = `direct_${targetPostId}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    permitId,
    candidateId: `cand_${permitId}`,
    schedulerRunId: 'run_direct',
    targetPostId,
    targetAuthor,
    text,
    contentHash: contentHash(text),
    idempotencyKey: permitId,
    expiresAt: Date.now() + 3_600_000,
    attempt: 1,
  };
}
