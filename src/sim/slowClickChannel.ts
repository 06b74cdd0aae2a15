import type { PipelineDeps } from '../jobs/deps.ts';
import { createPreClickCheck } from '../jobs/preClickCheck.ts';
import type { ReplyChannel } from '../jobs/replyChannel.ts';
import { OutcomeUnknown, PlatformUnavailable } from '../platforms/contract.ts';
import type { SimulatedClock } from '../runtime/clock.ts';
import type { SandboxPlatform } from '../sandbox/platform.ts';

/** What a click may take before the browser gives up waiting for its create call. */
export const SLOW_CLICK_RESPONSE_MS = 5_000;

/**
 * A channel that behaves like the browser poster at its worst: navigation and composer time
 * that can run right up to the posting deadline, a pre-click check, a composer that makes a
 * fresh key per click (so the platform cannot deduplicate), and clicks whose response is lost
 * while the server commits the post up to a response timeout later. Every choice comes from
 * the simulation's seeded `random`.
 */
export function slowClickChannel(
  deps: PipelineDeps,
  platform: SandboxPlatform,
  clock: SimulatedClock,
  random: () => number,
): ReplyChannel {
  const beforeClick = createPreClickCheck(deps);
  const deadlineMs = deps.intervals.postingDeadlineMs;
  let clicks = 0;
  return {
    name: 'browser',
    responseTimeoutMs: SLOW_CLICK_RESPONSE_MS,
    carriesKey: false,
    async send(permit) {
      if (random() < 0.3) await clock.sleep(Math.max(0, deadlineMs - 500 - Math.floor(random() * 2_500)));
      if (!(await beforeClick(permit))) throw new PlatformUnavailable('pre-click check failed: not clicking');
      const click = () =>
        platform.createPost({
          author: platform.account,
          text: permit.text,
          inReplyToId: permit.targetPostId,
          idempotencyKey: `${permit.idempotencyKey}-click-${++clicks}`,
          origin: 'web',
        }).post;
      if (random() < 0.25) {
        // The server commits after the browser stopped waiting: the reply lands unannounced.
        const commitAfter = Math.floor(random() * SLOW_CLICK_RESPONSE_MS);
        clock.setTimeout(() => {
          try {
            click();
          } catch {
            // the target went away meanwhile: nothing was posted
          }
        }, commitAfter);
        await clock.sleep(SLOW_CLICK_RESPONSE_MS);
        throw new OutcomeUnknown('click response timed out');
      }
      return { postId: click().id };
    },
  };
}
