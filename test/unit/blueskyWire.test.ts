import { describe, expect, it } from 'vitest';
import { parsePostId, postIdOf, postUri } from '../../src/platforms/bluesky/postIds.ts';
import { replyRecord } from '../../src/platforms/bluesky/replyRecord.ts';
import { isTid, tidFromTime, tidMicros } from '../../src/platforms/bluesky/tid.ts';
import { notificationPost, ownRecordPost, parseNotification } from '../../src/platforms/bluesky/wire.ts';
import { PlatformRejected } from '../../src/platforms/contract.ts';

const self = { did: 'did:plc:bot0000000000000000000000', handle: 'rwbot.test' };
const alice = 'did:plc:alice000000000000000000000';
const uri = (did: string, rkey: string) => `at://${did}/app.bsky.feed.post/${rkey}`;

describe('Bluesky wire formats', () => {
  it('TIDs: 13 sortable characters carrying microseconds and a clock id', () => {
    const t = tidFromTime(1_735_689_600_000_123, 7);
    expect(isTid(t)).toBe(true);
    expect(t).toHaveLength(13);
    expect(tidMicros(t)).toBe(1_735_689_600_000_123);
    expect(tidFromTime(1_735_689_600_000_124, 0) > tidFromTime(1_735_689_600_000_123, 1023)).toBe(true);
    expect(() => tidFromTime(-1, 0)).toThrow(RangeError);
    expect(isTid('self')).toBe(false);
  });

  it('post ids are <did>/<rkey>, at most 64 characters for a did:plc, and map back to the at-uri', () => {
    const id = postIdOf(uri(alice, '3kabcdefghij2'))!;
    expect(id).toBe(`${alice}/3kabcdefghij2`);
    expect(id.length).toBeLessThanOrEqual(64);
    expect(postUri(parsePostId(id)!)).toBe(uri(alice, '3kabcdefghij2'));
    expect(postIdOf('at://alice.test/app.bsky.feed.post/3k')).toBeNull();
    expect(postIdOf(`at://${alice}/app.bsky.feed.like/3k`)).toBeNull();
  });

  it('a notification becomes a post: root status, thread root, mentions from facets, reply to us', () => {
    const text = '@rwbot.test stop';
    const raw = {
      uri: uri(alice, '3kreply000002'),
      cid: 'bafy1',
      author: { did: alice, handle: 'Alice.Test' },
      reason: 'reply',
      indexedAt: '2026-01-01T00:00:01.000Z',
      record: {
        text,
        createdAt: '2026-01-01T00:00:00.000Z',
        reply: {
          root: { uri: uri(alice, '3kroot0000002'), cid: 'r' },
          parent: { uri: uri(self.did, '3kbot00000002'), cid: 'p' },
        },
        facets: [
          {
            index: { byteStart: 0, byteEnd: 11 },
            features: [{ $type: 'app.bsky.richtext.facet#mention', did: self.did }],
          },
        ],
      },
    };
    const n = parseNotification(raw);
    expect(n.ok).toBe(true);
    const post = notificationPost((n as { ok: true; value: never }).value, self);
    expect(post).toEqual({
      ok: true,
      value: expect.objectContaining({
        id: `${alice}/3kreply000002`,
        author: 'alice.test',
        inReplyToId: `${self.did}/3kbot00000002`,
        rootId: `${alice}/3kroot0000002`,
        inReplyToAuthor: 'rwbot.test',
        mentions: ['rwbot.test'],
        createdAt: Date.parse('2026-01-01T00:00:00.000Z'),
      }),
    });
  });

  it('a malformed record is refused with a reason, never thrown', () => {
    const bad = ownRecordPost({ uri: uri(self.did, '3k'), cid: 'c', value: { text: 42 } }, self);
    expect(bad).toEqual({ ok: false, reason: expect.stringContaining('record: text') });
    const badDate = ownRecordPost(
      { uri: uri(self.did, '3k'), cid: 'c', value: { text: 'x', createdAt: 'yesterday' } },
      self,
    );
    expect(badDate).toEqual({ ok: false, reason: expect.stringContaining('createdAt') });
    expect(parseNotification({ uri: 1 }).ok).toBe(false);
  });

  it('a reply record: strong refs, a mention facet on the author in UTF-8 bytes, the 300-grapheme limit', () => {
    const target = {
      parent: { uri: 'at://p', cid: 'pc' },
      root: { uri: 'at://r', cid: 'rc' },
      authorDid: alice,
      authorHandle: 'alice.test',
    };
    const record = replyRecord('Héllo @alice.test, thanks!', target, '2026-01-01T00:00:00.000Z');
    expect(record).toMatchObject({
      reply: { root: target.root, parent: target.parent },
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(record.facets).toEqual([
      {
        $type: 'app.bsky.richtext.facet',
        index: { byteStart: 7, byteEnd: 18 },
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: alice }],
      },
    ]);
    expect(replyRecord('@alice.testing hi', target, 'x').facets).toBeUndefined();
    expect(() => replyRecord('👍🏽'.repeat(301), target, 'x')).toThrow(PlatformRejected);
    expect(() => replyRecord('👍🏽'.repeat(300), target, 'x')).not.toThrow();
  });
});
