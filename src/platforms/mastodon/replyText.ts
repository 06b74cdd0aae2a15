import { PlatformRejected } from '../contract.ts';
import { statusLength } from './statusLength.ts';
import type { Visibility } from './visibility.ts';

/** Room kept free in `maxTextLength` for the `@user@domain ` a reply may need in front (Mastodon counts `@user` only). */
export const MENTION_RESERVE = 32;

/** A domain as Mastodon writes it in an acct, a port allowed (development instances). */
const DOMAIN = '[a-z0-9.-]*[a-z0-9](?::\\d{1,5})?';
const MENTION = new RegExp(`(?<![\\p{L}\\p{N}_/])@([a-z0-9_]+(?:@${DOMAIN})?)`, 'giu');
/** A leading mention in the full `@user@domain` form, as only the adapter writes it. */
const LEADING_FULL_MENTION = new RegExp(`^@[a-z0-9_]+@${DOMAIN}\\s+`, 'iu');

/** The full `user@domain` form of an acct: a local one (`alice`) gets the instance's domain. */
export function fullAcct(acct: string, localDomain: string): string {
  const bare = acct.replace(/^@/, '').toLowerCase();
  return bare.includes('@') ? bare : `${bare}@${localDomain.toLowerCase()}`;
}

/**
 * The text of a reply to `acct`: it starts with the author's mention (Mastodon delivers a
 * reply, and a direct one at all, only to the accounts it mentions). When the generator left
 * it out, `@user@domain ` is put in front — always the full form, which a generated text
 * never holds (the content gate refuses any other handle), so `generatedText` can take it
 * off again when the account reads its own replies back. Fails closed, nothing sent, when the
 * result is too long for the instance, or when a followers-only or direct reply would mention
 * anyone else: they would receive it too.
 */
export function replyText(
  text: string,
  acct: string,
  visibility: Visibility,
  instance: { domain: string; maxCharacters: number; charactersReservedPerUrl: number },
): string {
  const target = fullAcct(acct, instance.domain);
  const local = target.endsWith(`@${instance.domain.toLowerCase()}`) ? target.split('@')[0]! : null;
  const trimmed = text.trim();
  const first = /^@(\S+)/
    .exec(trimmed)?.[1]
    ?.replace(/[.,:;!?]+$/, '')
    .toLowerCase();
  const named = first !== undefined && (first === target || (local !== null && first === local));
  const full = named ? trimmed : `@${target} ${trimmed}`;
  if (visibility === 'private' || visibility === 'direct') {
    const others = [...full.matchAll(MENTION)]
      .map((m) => m[1]!.toLowerCase())
      .filter((m) => m !== target && m !== local);
    if (others.length > 0)
      throw new PlatformRejected(
        `a ${visibility} reply to @${target} would also reach ${others.map((o) => `@${o}`).join(', ')}`,
        422,
      );
  }
  const length = statusLength(full, instance.charactersReservedPerUrl);
  if (length > instance.maxCharacters)
    throw new PlatformRejected(
      `reply is ${length} characters, over the instance's ${instance.maxCharacters}`,
      422,
    );
  return full;
}

/**
 * The generated text of one of the account's own statuses: its source without the
 * `@user@domain ` that `replyText` may have put in front. This is what the pipeline compares
 * with a permit's text to know the reply as its own.
 */
export function generatedText(sourceText: string): string {
  return sourceText.trim().replace(LEADING_FULL_MENTION, '');
}
