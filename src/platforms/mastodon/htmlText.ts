/**
 * The plain text of a Mastodon `content` (HTML): paragraphs become blank-line separated,
 * `<br>` a newline, every other tag is dropped with its text kept (a link's hidden
 * `https://` and tail included, so URLs come back whole), entities are decoded. Mastodon's
 * quote-post fallback paragraph (`<p class="quote-inline">RE: …</p>`) is not the author's
 * text and is left out. Never throws; the input is whatever the server sent.
 *
 * @example htmlToText('<p>hi <span class="h-card"><a href="…">@<span>bot</span></a></span></p><p>bye</p>')
 * // 'hi @bot\n\nbye'
 */
const BLOCK = new Set([
  'p',
  'div',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
      ? String.fromCodePoint(code)
      : whole;
  });
}

export function htmlToText(html: string): string {
  const paragraphs: string[] = [];
  let current = '';
  let skipDepth = 0;
  const breakParagraph = () => {
    const trimmed = current.replace(/^\n+|\n+$/g, '');
    if (trimmed.trim() !== '') paragraphs.push(trimmed);
    current = '';
  };
  // A tag starts with '<' right before a name (or '/'); any other '<' is text.
  for (const [token] of html.matchAll(/<\/?[a-z][^<>]*>|[^<]+|</gi)) {
    const tag = /^<(\/?)([a-z][a-z0-9]*)\b([^>]*)>$/i.exec(token);
    if (!tag) {
      if (skipDepth === 0) current += decodeEntities(token);
      continue;
    }
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    if (skipDepth > 0) {
      if (name === 'p') skipDepth += closing ? -1 : 1;
      continue;
    }
    if (name === 'p' && !closing && /class\s*=\s*["'][^"']*\bquote-inline\b/i.test(tag[3]!)) {
      breakParagraph();
      skipDepth = 1;
    } else if (name === 'br') current += '\n';
    else if (BLOCK.has(name)) breakParagraph();
  }
  breakParagraph();
  return paragraphs.join('\n\n');
}

/** Tags the conversion renders faithfully; anything else (formatting from other servers) loses meaning. */
const PLAIN_TAGS = new Set(['p', 'br', 'a', 'span']);

/** True when `html` uses markup beyond paragraphs, line breaks, links and spans. */
export function hasRichMarkup(html: string): boolean {
  for (const [, name] of html.matchAll(/<\s*\/?\s*([a-z][a-z0-9]*)/gi)) {
    if (!PLAIN_TAGS.has(name!.toLowerCase())) return true;
  }
  return false;
}
