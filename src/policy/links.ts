import { stripMentions } from './handle.ts';
import { urlsIn } from './text.ts';

/**
 * Whether a reply would carry a link. Besides `http(s)://` and `www.` (also in fullwidth
 * letters, which platforms fold), a bare domain with a common top-level domain counts: most
 * platforms auto-link `evil.com/claim`. @handles are left out first — a Bluesky handle is a
 * domain, and mentioning the author is not linking. Names such as node.js and e.g. are not
 * domains.
 */
const BARE_DOMAIN =
  /(?<![\p{L}\p{N}_@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|info|biz|io|co|ai|app|dev|me|ly|gg|xyz|top|site|online|shop|store|club|live|link|click|ru|cn|tk|uk|de|fr|nl|eu|us|ca|au|in|br|jp|tv|cc|to|so|sh|fm)(?![\p{L}\p{N}_-])/iu;

export function containsLink(text: string): boolean {
  const folded = text.normalize('NFKC');
  return urlsIn(folded).length > 0 || BARE_DOMAIN.test(stripMentions(folded));
}
