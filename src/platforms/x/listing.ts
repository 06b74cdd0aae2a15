import type { Page } from '../contract.ts';
import type { PriceUnit } from '../usage.ts';
import type { XCalls } from './calls.ts';
import { compareIds, parsePage, READ_FIELDS, type Viewer, type XPage } from './wire.ts';

/** X answers at most 100 posts a page. */
const PAGE_SIZE = 100;

export interface Listing {
  operation: string;
  /** e.g. `users/:id/mentions`, `tweets/search/recent`. */
  path: string;
  unit: PriceUnit;
  maxPages: number;
  /** Bounds (`since_id`, `start_time`) and the query. */
  params: Record<string, string>;
}

/** Every page of a newest-first X listing (up to `maxPages`), as one page oldest first. */
export async function walkListing(calls: XCalls, me: Viewer, listing: Listing): Promise<XPage> {
  const { operation, path, unit, maxPages, params } = listing;
  const all: XPage = { posts: [], invalid: [], newestId: null, nextToken: null };
  let token: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const query: Record<string, string | number> = { ...READ_FIELDS, ...params, max_results: PAGE_SIZE };
    if (token !== null) query.pagination_token = token;
    const body = await calls.call(
      operation,
      'read',
      unit,
      (v2) => v2.get(path, query, { fullResponse: true, timeout: calls.timeoutMs, prefix: calls.prefix }),
      (data) => idsOf(data),
    );
    const page = parsePage(body, me);
    all.posts.push(...page.posts);
    all.invalid.push(...page.invalid);
    // The first page holds the newest post of the whole listing.
    if (i === 0) all.newestId = page.newestId;
    if (page.nextToken === null || page.nextToken === token) break;
    token = page.nextToken;
  }
  all.posts.sort((a, b) => compareIds(a.id, b.id));
  return all;
}

/** The contract's page: the cursor moves to the listing's newest id, never back. */
export function toPage(page: XPage, cursor: string | null): Page {
  const newest = page.newestId;
  const nextCursor = newest !== null && (cursor === null || compareIds(newest, cursor) > 0) ? newest : cursor;
  return { posts: page.posts, invalid: page.invalid, nextCursor };
}

/** The ids of the posts a listing answered, for the spend ledger's per-resource pricing. */
function idsOf(data: unknown): string[] {
  const items = data !== null && typeof data === 'object' && 'data' in data ? data.data : undefined;
  if (!Array.isArray(items)) return [];
  return items.flatMap((t: unknown) =>
    t !== null && typeof t === 'object' && 'id' in t && typeof t.id === 'string' ? [t.id] : [],
  );
}

/** X takes RFC 3339 times to the second; flooring keeps "at or after `ms`" inclusive. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
