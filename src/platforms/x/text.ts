/**
 * Whether X would treat `text` as a post with a link (priced apart: $0.20 instead of $0.01):
 * a scheme or `www.` link, or a bare domain with a common top-level domain, as X autolinks them.
 */
const LINK =
  /(?:https?:\/\/|www\.)\S+|(?<![@\w.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|ai|dev|app|me|ly|gg|xyz|info|biz|tv|us|uk|de|fr|eu|news|link)\b/iu;

export function hasUrl(text: string): boolean {
  return LINK.test(text);
}
