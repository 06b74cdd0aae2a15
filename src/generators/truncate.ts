/**
 * Shortens `text` to at most `maxLength` UTF-16 code units, cutting at the last whitespace
 * when there is one (a half word reads as a bug) and never inside a surrogate pair. Trailing
 * punctuation that would dangle (",", ":", "—") goes too.
 *
 * @example truncateOnWord('thanks for the great post', 12) // 'thanks for'
 */
export function truncateOnWord(text: string, maxLength: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= maxLength) return trimmed;
  if (maxLength <= 0) return '';
  const head = trimmed.slice(0, maxLength + 1);
  const cut = head.search(/\s\S*$/u);
  let out = cut > 0 ? head.slice(0, cut) : hardCut(trimmed, maxLength);
  out = out.replace(/[\s,;:\-–—]+$/u, '');
  return out === '' ? hardCut(trimmed, maxLength) : out;
}

function hardCut(text: string, maxLength: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > maxLength) break;
    out += ch;
  }
  return out;
}
