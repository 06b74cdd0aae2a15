/**
 * A Bluesky post is `at://<did>/app.bsky.feed.post/<rkey>`; the pipeline's post ids are at
 * most 64 characters, so a post id here is `<did>/<rkey>` (46 for a did:plc), which maps
 * back to the at-uri losslessly. Posts are the only records the pipeline points at.
 *
 * @example postIdOf('at://did:plc:abc/app.bsky.feed.post/3kabc') // 'did:plc:abc/3kabc'
 */
export const POST_COLLECTION = 'app.bsky.feed.post';

const URI_PATTERN =
  /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,512})$/;
const ID_PATTERN = /^(did:[a-z]+:[A-Za-z0-9._:%-]+)\/([A-Za-z0-9._~:-]{1,512})$/;

export interface PostRef {
  did: string;
  rkey: string;
}

/** The post id for a post at-uri; null for anything else (another collection, a handle instead of a DID). */
export function postIdOf(uri: string): string | null {
  const match = URI_PATTERN.exec(uri);
  return match ? `${match[1]}/${match[2]}` : null;
}

export function parsePostId(id: string): PostRef | null {
  const match = ID_PATTERN.exec(id);
  return match ? { did: match[1]!, rkey: match[2]! } : null;
}

export function postUri(ref: PostRef): string {
  return `at://${ref.did}/${POST_COLLECTION}/${ref.rkey}`;
}

export function didOfUri(uri: string): string | null {
  return /^at:\/\/(did:[^/]+)\//.exec(uri)?.[1] ?? null;
}
