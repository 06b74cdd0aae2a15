import { HELD_BY_CALLER, targetVerdict } from '../policy/targetVerdict.ts';
import type { PipelineDeps } from './deps.ts';
import type { PostAttempt } from './replyChannel.ts';
import { targetRootFacts } from './toPostFacts.ts';

/**
 * The browser poster's last look before its click, seconds after the poster claimed the
 * permit: still `posting` on this same attempt (no deadline timer turned it `unconfirmed`,
 * no later attempt took over), not expired, its
 * posting deadline not passed, and the target verdict still allows it (an existing root post;
 * this permit holds the target). Unknown is "no" (fail closed). A platform error while looking throws: the channel then reports "not posted".
 */
export function createPreClickCheck(deps: Pick<PipelineDeps, 'host' | 'clock' | 'platform' | 'log'>) {
  return async (permit: PostAttempt): Promise<boolean> => {
    const current = deps.host.get('permit', permit.permitId);
    const now = deps.clock.now();
    const why = (reason: string) => {
      deps.log.warn({ permitId: permit.permitId, reason }, 'pre-click check failed: not clicking');
      return false;
    };
    if (current?.state !== 'posting') return why(`permit is ${current?.state ?? 'missing'}`);
    if (current.context.attempts !== permit.attempt) return why(`attempt ${permit.attempt} was superseded`);
    if (current.context.expiresAt <= now) return why('permit expired');
    const deadline = current.context.postingDeadlineAt;
    if (deadline !== null && deadline <= now) return why('posting deadline passed');
    const target = await deps.platform.getPost(permit.targetPostId);
    const verdict = targetVerdict({
      now,
      exists: target !== null && !target.deleted,
      root: target ? targetRootFacts(target) : { isRoot: null, inReplyToId: null },
      records: HELD_BY_CALLER,
    });
    if (!verdict.allowed) return why(`target refused: ${verdict.reason}`);
    return true;
  };
}
