import { PlatformRejected } from '../contract.ts';
import { statusLength } from './statusLength.ts';
import type { Visibility } from './visibility.ts';

/** Room kept free in `maxTextLength` for the `@user ` a reply may need in front (Mastodon counts `@user` only). */
export const MENTION_RESERVE = 32;

const MENTION = /(?<![\p{L}\p{N}_/])@([a-z0-9_]+(?:@[a-z0-9.-]+[a-z0-9])?)/giu;

/**
 * The text of a reply to `acct`: it starts with `@acct` (Mastodon delivers a reply, and a
 * direct one at all, only to the accounts it mentions), prepended when the generator left it
 * out. Fails closed, nothing sent, when the result is too long for the instance, or when a
 * followers-only or direct reply would mention anyone else: they would receive it too.
 */
export function replyText(
  text: string,
  acct: string,
  visibility: Visibility,
  limit: { maxCharacters: number; charactersReservedPerUrl: number },
): string {
  const target = acct.replace(/^@/, '').toLowerCase();
  const trimmed = text.trim();
  const first = /^@(\S+)/
    .exec(trimmed)?.[1]
    ?.replace(/[.,:;!?]+$/, '')
    .toLowerCase();
  const full = first === target ? trimmed : `@${target} ${trimmed}`;
  if (visibility === 'private' || visibility === 'direct') {
    const others = [...full.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()).filter((m) => m !== target);
    if (others.length > 0)
      throw new PlatformRejected(
        `a ${visibility} reply to @${target} would also reach ${others.map((o) => `@${o}`).join(', ')}`,
        422,
      );
  }
  const length = statusLength(full, limit.charactersReservedPerUrl);
  if (length > limit.maxCharacters)
    throw new PlatformRejected(
      `reply is ${length} characters, over the instance's ${limit.maxCharacters}`,
      422,
    );
  return full;
}
