import type { ReplyChannel } from '../jobs/replyChannel.ts';

/** Sends each reply through `a` or `b` by a seeded coin; declares the weaker of their guarantees. */
export function eitherChannel(a: ReplyChannel, b: ReplyChannel, random: () => number): ReplyChannel {
  return {
    name: a.name,
    responseTimeoutMs: Math.max(a.responseTimeoutMs, b.responseTimeoutMs),
    carriesKey: a.carriesKey && b.carriesKey,
    send: (permit, signal) => (random() < 0.5 ? a : b).send(permit, signal),
  };
}
