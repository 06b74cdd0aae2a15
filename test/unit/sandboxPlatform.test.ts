import { afterEach, describe, expect, it } from 'vitest';
import { extractMentions, type SandboxPlatform } from '../../src/sandbox/platform.ts';
import { SandboxError } from '../../src/sandbox/types.ts';
import { memorySandbox } from '../support/sandbox.ts';

let platform: SandboxPlatform;
afterEach(() => platform?.close());

async function setup() {
  const s = await memorySandbox();
  platform = s.platform;
  return s;
}

const rejects = (fn: () => unknown, status: number) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).status).toBe(status);
    return;
  }
  throw new Error('expected a SandboxError');
};

describe('SandboxPlatform', () => {
  it('numbers posts from 1000001 and stamps them with the clock', async () => {
    const { clock } = await setup();
    const a = platform.createPost({ author: 'alice', text: 'first post here' }).post;
    await clock.advance(5000);
    const b = platform.createPost({ author: 'bob_builds', text: 'second post here' }).post;
    expect([a.id, b.id]).toEqual(['1000001', '1000002']);
    expect(b.createdAt - a.createdAt).toBe(5000);
  });

  it('sets root_id to the conversation root and in_reply_to_author', async () => {
    await setup();
    const root = platform.createPost({ author: 'alice', text: 'root post' }).post;
    const reply = platform.createPost({ author: 'bob_builds', text: 'a reply', inReplyToId: root.id }).post;
    const nested = platform.createPost({ author: 'carol_dev', text: 'nested', inReplyToId: reply.id }).post;
    expect(root.rootId).toBe(root.id);
    expect(reply.rootId).toBe(root.id);
    expect(nested.rootId).toBe(root.id);
    expect(nested.inReplyToAuthor).toBe('bob_builds');
    expect(platform.getPost(root.id)!.metrics.replies).toBe(1);
  });

  it('returns the existing post for a repeated idempotency key of the same author', async () => {
    await setup();
    const target = platform.createPost({ author: 'alice', text: 'target post' }).post;
    const first = platform.createPost({
      author: 'replywright_bot',
      text: 'hi!',
      inReplyToId: target.id,
      idempotencyKey: 'k',
    });
    const again = platform.createPost({
      author: 'replywright_bot',
      text: 'other',
      inReplyToId: target.id,
      idempotencyKey: 'k',
    });
    const otherAuthor = platform.createPost({ author: 'alice', text: 'mine', idempotencyKey: 'k' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ post: first.post, created: false });
    expect(otherAuthor.created).toBe(true);
    expect(platform.groundTruth({ author: 'replywright_bot' })).toHaveLength(1);
  });

  it.each([
    ['empty text', { text: '   ' }, 422],
    ['text over 500 characters', { text: 'x'.repeat(501) }, 422],
    ['a missing target', { text: 'hello', inReplyToId: '999' }, 404],
    ['an unknown author', { text: 'hello', author: 'nobody' }, 404],
  ])('refuses %s', async (_, input, status) => {
    await setup();
    rejects(() => platform.createPost({ author: 'alice', ...input }), status);
  });

  it('refuses replies to deleted posts and hides them', async () => {
    await setup();
    const post = platform.createPost({ author: 'alice', text: 'soon gone' }).post;
    platform.deletePost(post.id);
    expect(platform.getPost(post.id)).toBeNull();
    expect(platform.getPost(post.id, { includeDeleted: true })!.deleted).toBe(true);
    rejects(() => platform.createPost({ author: 'bob_builds', text: 'reply', inReplyToId: post.id }), 404);
    expect(platform.groundTruth()).toHaveLength(1);
  });

  it('searches case-insensitively and pages by cursor, ascending, at most 100', async () => {
    await setup();
    for (let i = 0; i < 130; i++)
      platform.createPost({ author: 'alice', text: `post ${i} about RepLyWright` });
    platform.createPost({ author: 'alice', text: 'unrelated' });
    const first = platform.search('replywright', null);
    expect(first.posts).toHaveLength(100);
    expect(first.posts[0]!.id).toBe('1000001');
    expect(first.nextCursor).toBe('1000100');
    const second = platform.search('replywright', first.nextCursor);
    expect(second.posts.map((p) => p.id)).toEqual(Array.from({ length: 30 }, (_, i) => String(1000101 + i)));
    const third = platform.search('replywright', second.nextCursor);
    expect(third).toEqual({ posts: [], nextCursor: second.nextCursor });
    rejects(() => platform.search('x', 'abc'), 400);
  });

  it("lists mentions and replies to the account's posts, not its own posts", async () => {
    await setup();
    const mention = platform.createPost({ author: 'alice', text: 'hey @RepLywright_bot how are you?' }).post;
    platform.createPost({ author: 'alice', text: 'no mention at all' });
    const own = platform.createPost({
      author: 'replywright_bot',
      text: '@alice fine',
      inReplyToId: mention.id,
    }).post;
    const replyToBot = platform.createPost({ author: 'alice', text: 'thanks!', inReplyToId: own.id }).post;
    expect(platform.mentionsOf('replywright_bot', null).posts.map((p) => p.id)).toEqual([
      mention.id,
      replyToBot.id,
    ]);
    expect(mention.mentions).toEqual(['replywright_bot']);
  });

  it('lists posts by author since a time, and the timeline newest first', async () => {
    const { clock } = await setup();
    const a = platform.createPost({ author: 'alice', text: 'one' }).post;
    await clock.advance(1000);
    const b = platform.createPost({ author: 'alice', text: 'two' }).post;
    expect(platform.postsBy('alice', { since: b.createdAt }).posts.map((p) => p.id)).toEqual([b.id]);
    expect(platform.timeline('alice', 0).map((p) => p.id)).toEqual([b.id, a.id]);
  });

  it('reparents a root post and its whole conversation', async () => {
    await setup();
    const other = platform.createPost({ author: 'alice', text: 'other root' }).post;
    const root = platform.createPost({ author: 'bob_builds', text: 'my root' }).post;
    const child = platform.createPost({ author: 'carol_dev', text: 'child', inReplyToId: root.id }).post;
    const moved = platform.reparent(root.id, other.id);
    expect(moved).toMatchObject({ inReplyToId: other.id, rootId: other.id, inReplyToAuthor: 'alice' });
    expect(platform.getPost(child.id)!.rootId).toBe(other.id);
    rejects(() => platform.reparent(root.id, other.id), 409);
  });

  it.each([
    ['hi @Alice and @bob_builds, @alice again', ['alice', 'bob_builds']],
    ['email me at x@example.com', []],
    ['no mentions', []],
  ])('extracts mentions from %j', (text, expected) => {
    expect(extractMentions(text)).toEqual(expected);
  });
});
