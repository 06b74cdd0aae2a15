import { z } from 'zod';
import { statusLength } from '../../platforms/mastodon/statusLength.ts';
import { isVisibility } from '../../platforms/mastodon/visibility.ts';
import type { SandboxPlatform } from '../platform.ts';
import { MAX_TEXT_LENGTH, SandboxError, type SandboxPost } from '../types.ts';
import { keyRemembered, mastodonIdempotency } from './idempotency.ts';
import type { LimitState, MastodonRateLimits } from './rateLimits.ts';

/** `POST /api/v1/statuses` parameters (JSON or form); unknown ones are ignored, as Mastodon does. */
export const createStatusParams = z.looseObject({
  status: z.string().optional(),
  in_reply_to_id: z.union([z.string(), z.number()]).nullable().optional(),
  visibility: z.string().nullable().optional(),
});

export type CreateStatusParams = z.infer<typeof createStatusParams>;

export type CreateOutcome =
  | { kind: 'created'; post: SandboxPost }
  | { kind: 'replayed'; post: SandboxPost }
  | { kind: 'rate_limited'; state: LimitState };

/**
 * What Mastodon does with a new status, in its order: the thread must exist and be visible
 * (404), then a known Idempotency-Key returns the original status (within the key's hour;
 * 404 when that status was deleted since), then the text and visibility are validated (422),
 * then the 300-per-3-hours limit (429), then the status is made.
 */
export function createStatus(
  platform: SandboxPlatform,
  limits: MastodonRateLimits,
  author: string,
  params: CreateStatusParams,
  key: string | null,
): CreateOutcome {
  const inReplyToId =
    params.in_reply_to_id === null || params.in_reply_to_id === undefined
      ? null
      : String(params.in_reply_to_id);
  if (inReplyToId !== null && inReplyToId !== '') {
    const thread = platform.getPost(inReplyToId);
    if (!thread || !platform.canSee(author, thread))
      throw new SandboxError(404, 'The post you are trying to reply to does not appear to exist.');
  }
  const idempotency = mastodonIdempotency(platform.behaviour.idempotency);
  if (key !== null) {
    const original = platform.postByIdempotencyKey(author, key);
    if (original && keyRemembered(idempotency, original.createdAt, platform.clock.now())) {
      if (original.deleted) throw new SandboxError(404, 'Record not found');
      return { kind: 'replayed', post: original };
    }
  }
  const text = params.status ?? '';
  if (text.trim() === '') throw new SandboxError(422, "Validation failed: Text can't be blank");
  if (statusLength(text) > MAX_TEXT_LENGTH)
    throw new SandboxError(422, `Validation failed: Text character limit of ${MAX_TEXT_LENGTH} exceeded`);
  const visibility = params.visibility ?? 'public';
  if (!isVisibility(visibility))
    throw new SandboxError(422, 'Validation failed: Visibility is not included in the list');
  const state = limits.checkStatus(author);
  if (!state.ok) return { kind: 'rate_limited', state };
  const { post, created } = platform.createPost({
    author,
    text,
    inReplyToId: inReplyToId || null,
    idempotencyKey: key,
    visibility,
    origin: 'api',
    idempotency,
  });
  if (!created) return { kind: 'replayed', post };
  limits.recordStatus(author);
  return { kind: 'created', post };
}
