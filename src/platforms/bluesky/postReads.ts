import { type PlatformPost, PlatformRejected, PlatformUnavailable } from '../contract.ts';
import type { BlueskyCalls } from './calls.ts';
import { POST_COLLECTION, parsePostId, postUri } from './postIds.ts';
import { isTid, tidMicros } from './tid.ts';
import { ownRecordPost, postViewPost, type Self } from './wire.ts';

/** Reads of single posts (the AppView's view, our own records) and of the account's own repo. */

const LIST_LIMIT = 100;
const MAX_OWN_PAGES = 50;
/** Other clients' record keys carry their own clocks: read this far past `since` before stopping. */
const RKEY_SKEW_MS = 10 * 60_000;

export interface PostView {
  post: PlatformPost & { cid: string };
  uri: string;
  cid: string;
  record: unknown;
}

/**
 * The AppView's view of post `id`, or `absent` when its record is gone. Signs in (`connect`)
 * only once the id is known to be a post id.
 */
export async function readPostView(
  calls: BlueskyCalls,
  connect: () => Promise<Self>,
  id: string,
): Promise<PostView | 'absent'> {
  const ref = parsePostId(id);
  if (ref === null) throw new PlatformRejected(`not a Bluesky post id: ${id}`, 400);
  const self = await connect();
  const body = await calls.get('app.bsky.feed.getPosts', { uris: [postUri(ref)] });
  const raw = (body as { posts?: unknown } | null)?.posts;
  if (!Array.isArray(raw)) throw new PlatformUnavailable('getPosts: malformed answer (no posts array)');
  if (raw.length === 0) {
    // Deleted, or not indexed by the AppView yet: the record itself tells which.
    const exists = await calls.call(
      'read',
      {
        method: 'GET',
        nsid: 'com.atproto.repo.getRecord',
        params: { repo: ref.did, collection: POST_COLLECTION, rkey: ref.rkey },
      },
      ['RecordNotFound', 'RepoNotFound', 'InvalidRequest'],
    );
    if (!exists.ok) return 'absent';
    throw new PlatformUnavailable(`getPosts: ${id} exists but the AppView has not indexed it yet`);
  }
  const parsed = postViewPost(raw[0], self);
  if (!parsed.ok)
    throw new PlatformUnavailable(`getPosts ${id}: malformed post from platform (${parsed.reason})`);
  return {
    post: parsed.value,
    uri: postUri(ref),
    cid: parsed.value.cid,
    record: (raw[0] as { record?: unknown }).record,
  };
}

/** Our record at `rkey` on our PDS (no AppView lag), or null when there is none. */
export async function getOwnRecord(
  calls: BlueskyCalls,
  did: string,
  rkey: string,
): Promise<{ cid: string } | null> {
  const result = await calls.call(
    'read',
    {
      method: 'GET',
      nsid: 'com.atproto.repo.getRecord',
      params: { repo: did, collection: POST_COLLECTION, rkey },
    },
    ['RecordNotFound'],
  );
  if (!result.ok) return null;
  const cid = (result.body as { cid?: unknown } | null)?.cid;
  return typeof cid === 'string' ? { cid } : null;
}

/** Visits the account's own posts, newest first, until their record keys are older than `since`. */
export async function eachOwnPost(
  calls: BlueskyCalls,
  self: Self,
  since: number,
  visit: (post: PlatformPost) => void,
): Promise<void> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_OWN_PAGES; page++) {
    const body = await calls.get('com.atproto.repo.listRecords', {
      repo: self.did,
      collection: POST_COLLECTION,
      limit: LIST_LIMIT,
      cursor,
    });
    const records = (body as { records?: unknown } | null)?.records;
    if (!Array.isArray(records))
      throw new PlatformUnavailable('listRecords: malformed answer (no records array)');
    let older = false;
    for (const raw of records) {
      const rkey =
        String((raw as { uri?: unknown } | null)?.uri ?? '')
          .split('/')
          .pop() ?? '';
      if (isTid(rkey) && tidMicros(rkey) / 1000 < since - RKEY_SKEW_MS) older = true;
      const post = ownRecordPost(raw, self);
      if (post.ok) {
        const { cid: _cid, uri: _uri, ...plain } = post.value;
        visit(plain);
      }
    }
    const next = (body as { cursor?: unknown } | null)?.cursor;
    if (older || records.length === 0 || typeof next !== 'string' || next === cursor) return;
    cursor = next;
  }
}
