/**
 * A status's text as Mastodon renders it into `content`: escaped, links shortened with
 * invisible spans, `@mentions` and `#hashtags` linked, paragraphs and line breaks. Like
 * Mastodon, a mention links only when the account is known (`@user` a sandbox user,
 * `@user@domain` taken as a resolved remote account); anything else stays text.
 */
export interface MentionTarget {
  username: string;
  acct: string;
  url: string;
}

const TOKEN =
  /(https?:\/\/[^\s<>"]+)|(?<![\p{L}\p{N}_/])@([A-Za-z0-9_]{1,30})(?:@([A-Za-z0-9.-]*[A-Za-z0-9](?::\d{1,5})?))?|(?<![\p{L}\p{N}_&/])#([\p{L}\p{N}_]+)/gu;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function linkHtml(url: string): string {
  const match = /^(https?:\/\/(?:www\.)?)(.*)$/.exec(url)!;
  const prefix = match[1]!;
  const rest = match[2]!;
  const shown = rest.slice(0, 30);
  const hidden = rest.slice(30);
  return (
    `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
    `<span class="invisible">${escapeHtml(prefix)}</span>` +
    `<span class="${hidden ? 'ellipsis' : ''}">${escapeHtml(shown)}</span>` +
    `<span class="invisible">${escapeHtml(hidden)}</span></a>`
  );
}

/** The accounts `text` mentions, in order, as `resolve` knows them (unknown ones are left out). */
export function mentionedAccounts(
  text: string,
  resolve: (username: string, domain: string | null) => MentionTarget | null,
): MentionTarget[] {
  const found = new Map<string, MentionTarget>();
  for (const m of text.matchAll(TOKEN)) {
    if (m[2] === undefined) continue;
    const target = resolve(m[2], m[3] ?? null);
    if (target && !found.has(target.acct)) found.set(target.acct, target);
  }
  return [...found.values()];
}

function inlineHtml(
  line: string,
  resolve: (username: string, domain: string | null) => MentionTarget | null,
  baseUrl: string,
): string {
  let out = '';
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    out += escapeHtml(line.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      out += linkHtml(m[1]);
    } else if (m[2] !== undefined) {
      const target = resolve(m[2], m[3] ?? null);
      out += target
        ? `<span class="h-card" translate="no"><a href="${escapeHtml(target.url)}" class="u-url mention">@<span>${escapeHtml(target.username)}</span></a></span>`
        : escapeHtml(m[0]);
    } else {
      const tag = m[4]!;
      out += `<a href="${baseUrl}/tags/${encodeURIComponent(tag.toLowerCase())}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
    }
  }
  return out + escapeHtml(line.slice(last));
}

export function statusHtml(
  text: string,
  resolve: (username: string, domain: string | null) => MentionTarget | null,
  baseUrl: string,
): string {
  return text
    .trim()
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map(
      (paragraph) =>
        `<p>${paragraph
          .split('\n')
          .map((l) => inlineHtml(l, resolve, baseUrl))
          .join('<br />')}</p>`,
    )
    .join('');
}
