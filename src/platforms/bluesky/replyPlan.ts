import { createHash } from 'node:crypto';
import type { CreateReplyRequest } from '../contract.ts';
import { parsePostId } from './postIds.ts';
import type { PostView } from './postReads.ts';
import { replyRecord } from './replyRecord.ts';
import type { BlueskyState, ReplyPlan } from './state.ts';
import { tidFromTime } from './tid.ts';
import { postRecordSchema } from './wire.ts';

/**
 * The reply's record key and record for a permit, chosen once and committed (fsync) before the
 * first call, so every retry writes the identical record at the identical key. `target` is the
 * AppView's view of the post replied to.
 */
export function planReply(
  state: BlueskyState,
  request: CreateReplyRequest,
  target: PostView,
  now: number,
): ReplyPlan {
  const parent = { uri: target.uri, cid: target.cid };
  const record = postRecordSchema.safeParse(target.record);
  const root = record.success && record.data.reply ? record.data.reply.root : parent;
  const ref = parsePostId(request.targetId)!;
  const seed = createHash('sha256').update(request.idempotencyKey).digest();
  return state.planOnce(request.idempotencyKey, (bump) => {
    // Microseconds from the clock, the sub-millisecond digits and clock id from the key:
    // two permits in the same millisecond get different keys.
    const micros = now * 1000 + ((seed.readUInt16BE(0) + bump) % 1000);
    const createdAt = new Date(now).toISOString();
    const text = replyRecord(
      request.text,
      { parent, root, authorDid: ref.did, authorHandle: target.post.author },
      createdAt,
    );
    return {
      rkey: tidFromTime(micros, seed.readUInt16BE(2) % 1024),
      record: JSON.stringify(text),
      createdAt: now,
    };
  });
}
