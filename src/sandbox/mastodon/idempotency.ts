import type { IdempotencyCapability } from '../../platforms/contract.ts';

/** Mastodon keeps an Idempotency-Key for one hour after the status it made. */
export const MASTODON_KEY_SECONDS = 3_600;

/**
 * What an `Idempotency-Key` protects on the Mastodon dialect: Mastodon's hour, narrowed by the
 * sandbox's own mode when that is stricter. `permanent` (the sandbox's friendly default)
 * becomes the real hour; `window:N` keeps the shorter of N and the hour; `none` stays none —
 * so the sandbox can make the dialect harsher than Mastodon, never kinder.
 *
 * @example mastodonIdempotency({ kind: 'permanent' }) // { kind: 'window', seconds: 3600 }
 */
export function mastodonIdempotency(mode: IdempotencyCapability): IdempotencyCapability {
  if (mode.kind === 'none') return mode;
  const seconds =
    mode.kind === 'window' ? Math.min(mode.seconds, MASTODON_KEY_SECONDS) : MASTODON_KEY_SECONDS;
  return { kind: 'window', seconds };
}

/** Whether a repeat of `original`'s key at `now` returns `original` under `capability`. */
export function keyRemembered(
  capability: IdempotencyCapability,
  originalCreatedAt: number,
  now: number,
): boolean {
  if (capability.kind === 'none') return false;
  if (capability.kind === 'permanent') return true;
  return now - originalCreatedAt < capability.seconds * 1000;
}
