import { RichText } from '@atproto/api';
import { PlatformRejected } from '../contract.ts';
import type { StrongRef } from './wire.ts';

/** Bluesky's limits for a post's text: 300 graphemes and 3,000 UTF-8 bytes. */
export const MAX_GRAPHEMES = 300;
const MAX_BYTES = 3000;

export interface ReplyTarget {
  parent: StrongRef;
  root: StrongRef;
  /** The target's author, named in a mention facet so they are notified. */
  authorDid: string;
  authorHandle: string;
}

/**
 * The `app.bsky.feed.post` record of a reply: `reply.root/parent` strong refs and a mention
 * facet on the first `@<author>` in the text (byte offsets, as the protocol counts them).
 * A text over the limits is refused here: nothing is sent.
 *
 * @example replyRecord('@alice.test thanks!', target, '2025-01-01T00:00:00.000Z')
 */
export function replyRecord(text: string, target: ReplyTarget, createdAt: string): Record<string, unknown> {
  const rich = new RichText({ text });
  if (rich.graphemeLength > MAX_GRAPHEMES || rich.length > MAX_BYTES) {
    throw new PlatformRejected(
      `reply is ${rich.graphemeLength} graphemes / ${rich.length} bytes; Bluesky allows ${MAX_GRAPHEMES} / ${MAX_BYTES}`,
      400,
    );
  }
  const record: Record<string, unknown> = {
    $type: 'app.bsky.feed.post',
    text,
    reply: { root: target.root, parent: target.parent },
    createdAt,
  };
  const facet = mentionFacet(text, target.authorHandle, target.authorDid);
  if (facet) record.facets = [facet];
  return record;
}

function mentionFacet(text: string, handle: string, did: string) {
  const escaped = handle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?<![\\p{L}\\p{N}_])@${escaped}(?![\\p{L}\\p{N}_.-]*[\\p{L}\\p{N}_])`, 'iu').exec(
    text,
  );
  if (!match) return null;
  const byteStart = Buffer.byteLength(text.slice(0, match.index), 'utf8');
  const byteEnd = byteStart + Buffer.byteLength(match[0], 'utf8');
  return {
    $type: 'app.bsky.richtext.facet',
    index: { byteStart, byteEnd },
    features: [{ $type: 'app.bsky.richtext.facet#mention', did }],
  };
}
