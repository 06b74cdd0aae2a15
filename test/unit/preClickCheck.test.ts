import { describe, expect, it } from 'vitest';
import type { PermitContext } from '../../machines/permit.ts';
import { createPreClickCheck } from '../../src/jobs/preClickCheck.ts';
import type { PostAttempt } from '../../src/jobs/replyChannel.ts';
import { silentLogger } from '../../src/logging.ts';
import type { PlatformAdapter, PlatformPost } from '../../src/platforms/contract.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import type { EntityHost } from '../../src/runtime/entityHost.ts';

const NOW = Date.UTC(2026, 0, 9, 12, 0, 0);
const permit = { permitId: 'p1', targetPostId: 't1', attempt: 1 } as PostAttempt;
const root: PlatformPost = {
  id: 't1',
  author: 'alice',
  text: 'a root post',
  createdAt: NOW - 60_000,
  inReplyToId: null,
  rootId: 't1',
  mentions: [],
  inReplyToAuthor: null,
  metrics: { likes: 0, replies: 0, reposts: 0, followers: 0 },
  authorIsParody: false,
  deleted: false,
};

function check(state: string | null, context: Partial<PermitContext>, target: PlatformPost | null | Error) {
  const host = {
    get: () =>
      state === null
        ? null
        : {
            state,
            context: { expiresAt: NOW + 60_000, postingDeadlineAt: NOW + 30_000, attempts: 1, ...context },
          },
  } as unknown as EntityHost;
  const platform = {
    getPost: async () => {
      if (target instanceof Error) throw target;
      return target;
    },
  } as unknown as PlatformAdapter;
  return createPreClickCheck({ host, clock: new SimulatedClock(NOW), platform, log: silentLogger })(permit);
}

describe('the pre-click check', () => {
  it.each([
    ['posting, unexpired, root target', 'posting', {}, root, true],
    ['permit already unconfirmed (deadline timer fired)', 'unconfirmed', {}, root, false],
    ['permit missing', null, {}, root, false],
    ['a later attempt took over (this click is stale)', 'posting', { attempts: 2 }, root, false],
    ['permit expired', 'posting', { expiresAt: NOW }, root, false],
    ['posting deadline passed', 'posting', { postingDeadlineAt: NOW - 1 }, root, false],
    ['target deleted', 'posting', {}, null, false],
    ['target flagged deleted', 'posting', {}, { ...root, deleted: true }, false],
    ['target became a reply', 'posting', {}, { ...root, inReplyToId: 'x', rootId: 'x' }, false],
    ['root unknown (fail closed)', 'posting', {}, { ...root, rootId: null }, false],
  ] as const)('%s → %s', async (_name, state, context, target, expected) => {
    expect(await check(state, context, target)).toBe(expected);
  });

  it('a platform error while looking is thrown (the channel reports "not posted")', async () => {
    await expect(check('posting', {}, new Error('connection refused'))).rejects.toThrow('connection refused');
  });
});
