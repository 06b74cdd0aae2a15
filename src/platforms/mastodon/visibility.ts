/**
 * Mastodon's four visibilities, from the widest audience to the narrowest. A reply must never
 * reach further than the post it answers: answering a `direct` mention `public` leaks a
 * private message.
 */
export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export function isVisibility(value: unknown): value is Visibility {
  return typeof value === 'string' && (VISIBILITIES as readonly string[]).includes(value);
}

/**
 * The narrowest of the given visibilities. Anything unrecognised (a fork's `local`, Mastodon's
 * internal `limited`, a typo) counts as `direct`: failing closed can only shrink the audience.
 *
 * @example narrowest('public', 'private') // 'private'
 * @example narrowest('unlisted', 'limited') // 'direct'
 */
export function narrowest(...visibilities: readonly string[]): Visibility {
  let rank = 0;
  for (const v of visibilities) rank = Math.max(rank, isVisibility(v) ? VISIBILITIES.indexOf(v) : 3);
  return VISIBILITIES[rank]!;
}
