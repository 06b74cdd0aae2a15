import type { GroundTruthPost } from '../proof/invariants.ts';
import type { WirePost } from './wire.ts';

/** The sandbox's own record of every post (`GET /api/posts`), as the invariant checker reads it. */
export async function fetchGroundTruth(baseUrl: string, timeoutMs = 60_000): Promise<GroundTruthPost[]> {
  const response = await fetch(`${baseUrl}/api/posts`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET /api/posts answered ${response.status}`);
  return ((await response.json()) as WirePost[]).map((p) => ({
    id: p.id,
    author: p.author,
    inReplyToId: p.in_reply_to_id,
    createdAt: p.created_at,
    deleted: p.deleted,
    origin: p.origin,
  }));
}
