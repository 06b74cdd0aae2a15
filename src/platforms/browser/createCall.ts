import type { Page, Response } from 'playwright-core';
import { OutcomeUnknown, PlatformRejected, RateLimited } from '../contract.ts';
import { rateLimitReset } from '../httpErrors.ts';
import { type BrowserProfile, isCreateCall, newPostId } from './profile.ts';

export type CreateCallOutcome = { kind: 'response'; response: Response } | { kind: 'failed'; reason: string };

/**
 * Starts listening for the create call's answer. Call it BEFORE the click, so even an
 * instant response cannot be missed. A request that fails in the network (connection
 * dropped, reset) ends it at once; no answer at all ends it with `timeoutMs`.
 */
export function waitForCreateCall(
  page: Page,
  profile: BrowserProfile,
  timeoutMs: number,
): Promise<CreateCallOutcome> {
  const matches = (method: string, url: string) => isCreateCall(profile, method, url);
  const response = page
    .waitForResponse((r) => matches(r.request().method(), r.url()), { timeout: timeoutMs })
    .then((r): CreateCallOutcome => ({ kind: 'response', response: r }));
  const failed = page
    .waitForEvent('requestfailed', { predicate: (r) => matches(r.method(), r.url()), timeout: timeoutMs })
    .then((r): CreateCallOutcome => ({ kind: 'failed', reason: r.failure()?.errorText ?? 'request failed' }));
  // The loser rejects later (timeout or page closed): nobody waits for it any more.
  response.catch(() => {});
  failed.catch(() => {});
  return Promise.race([response, failed]);
}

/**
 * What the create call's answer proves. 2xx with an id: posted. 429: rate limited, not posted.
 * Other 4xx: refused, not posted. Anything else (5xx, 2xx without an id, unreadable body):
 * the post may exist — OutcomeUnknown.
 */
export async function readCreateResponse(
  profile: BrowserProfile,
  response: Response,
  now: number,
): Promise<{ postId: string; status: number }> {
  const status = response.status();
  if (status === 429) throw new RateLimited(rateLimitReset(new Headers(response.headers()), now));
  if (status >= 400 && status < 500) {
    const detail = await response.text().catch(() => '');
    throw new PlatformRejected(`create call refused with ${status}: ${detail.slice(0, 200)}`, status);
  }
  if (status < 200 || status >= 300) throw new OutcomeUnknown(`create call answered ${status}`);
  const body = await response.json().catch(() => undefined);
  const postId = newPostId(profile, body);
  if (postId === null) throw new OutcomeUnknown(`create call answered ${status} without a post id`);
  return { postId, status };
}
