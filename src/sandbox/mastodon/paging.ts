import type { IdRange } from '../platform.ts';
import { SandboxError } from '../types.ts';

/**
 * Mastodon's paging parameters and its `Link` header. `limit` defaults per endpoint and is
 * capped at twice the default, as Mastodon's `limit_param` does; ids must be numeric.
 */
export function pageRange(url: URL, defaultLimit: number): IdRange {
  const id = (name: string) => {
    const value = url.searchParams.get(name);
    if (value === null || value === '') return null;
    if (!/^\d{1,19}$/.test(value)) throw new SandboxError(400, `${name} must be a numeric id`);
    return value;
  };
  const rawLimit = url.searchParams.get('limit');
  const asked = rawLimit === null || rawLimit === '' ? defaultLimit : Math.abs(Number.parseInt(rawLimit, 10));
  const limit = Number.isFinite(asked) ? Math.max(1, Math.min(asked, defaultLimit * 2)) : defaultLimit;
  return { maxId: id('max_id'), sinceId: id('since_id'), minId: id('min_id'), limit };
}

/**
 * `<…max_id=oldest>; rel="next", <…min_id=newest>; rel="prev"` for a page listed newest first;
 * none for an empty page. The other query parameters (types, limit, …) are kept.
 */
export function linkHeader(url: URL, items: readonly { id: string }[]): Record<string, string> {
  if (items.length === 0) return {};
  const at = (name: 'max_id' | 'min_id', value: string) => {
    const link = new URL(url);
    for (const p of ['max_id', 'min_id', 'since_id']) link.searchParams.delete(p);
    link.searchParams.set(name, value);
    return link.toString();
  };
  return {
    link: `<${at('max_id', items.at(-1)!.id)}>; rel="next", <${at('min_id', items[0]!.id)}>; rel="prev"`,
  };
}
