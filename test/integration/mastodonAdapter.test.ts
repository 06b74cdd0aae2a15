import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';
import { AccountMismatch } from '../../src/platforms/mastodon/accountState.ts';
import { MastodonAdapter } from '../../src/platforms/mastodon/adapter.ts';
import { botFlagRisk } from '../../src/platforms/mastodon/botFlag.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import {
  MASTODON_BOT as BOT,
  type MastodonSandbox,
  serveMastodonSandbox,
} from '../support/mastodonSandbox.ts';

/**
 * The Mastodon adapter on the real `masto` client against the sandbox's Mastodon dialect over
 * HTTP: every call the adapter makes, and how each failure is classified.
 */
let s: MastodonSandbox;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await s?.stop();
});

const request = (targetId: string, text: string, key = `permit-${targetId}`) => ({
  targetId,
  text,
  idempotencyKey: key,
  attempt: 1,
});

describe('MastodonAdapter against the sandbox’s Mastodon dialect', () => {
  it('connect: the account, its bot flag and the instance’s limit; capabilities declare the one-hour key window', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter({ responseTimeoutMs: 12_000, visibilityLagMs: 5_000 });
    const facts = await adapter.connect();
    expect(facts).toMatchObject({ username: BOT, acct: BOT, bot: true, maxCharacters: 500 });
    expect(adapter.limits().maxTextLength).toBe(468);
    expect(adapter.capabilities()).toEqual({
      idempotency: { kind: 'window', seconds: 3600 },
      visibilityLagMs: 5_000,
      responseTimeoutMs: 12_000,
    });
    expect(adapter.accountFacts).toEqual(facts);
    expect(botFlagRisk(facts)).toBeNull();
  });

  it('mentions: the contract’s posts, oldest first, with a min_id cursor that pages forward without a gap', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const first = s.post('alice', `@${BOT} is there a way to avoid posting twice after a crash?`);
    const page = await adapter.mentions(null);
    expect(page.invalid).toEqual([]);
    expect(page.posts).toEqual([
      expect.objectContaining({
        id: first,
        author: 'alice',
        text: `@${BOT} is there a way to avoid posting twice after a crash?`,
        inReplyToId: null,
        rootId: first,
        mentions: [BOT],
        inReplyToAuthor: null,
        createdAt: s.clock.now(),
      }),
    ]);
    expect(page.nextCursor).toBe(first);
    expect(await adapter.mentions(page.nextCursor)).toEqual({ posts: [], invalid: [], nextCursor: first });

    const later = Array.from({ length: 95 }, (_, i) =>
      s.post('bob', `@${BOT} follow-up number ${i} about retries`),
    );
    const seen: string[] = [];
    let cursor: string | null = page.nextCursor;
    for (let i = 0; i < 5; i++) {
      const next = await adapter.mentions(cursor);
      seen.push(...next.posts.map((p) => p.id));
      if (next.nextCursor === cursor) break;
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(later);
  });

  it('a reply to the bot names it as inReplyToAuthor; a thread reply is not a root', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const root = s.post('alice', `@${BOT} first question here, please`);
    const mine = s.post(BOT, '@alice an answer', { inReplyToId: root });
    const reply = s.post('alice', 'thanks, but what about timeouts?', { inReplyToId: mine });
    const posts = (await adapter.mentions(null)).posts;
    expect(posts.map((p) => p.id)).toEqual([root, reply]);
    expect(posts[1]).toMatchObject({ inReplyToId: mine, rootId: null, inReplyToAuthor: BOT, mentions: [] });
  });

  it('text: from the HTML when it is faithful, from /source when the HTML would lose a remote mention', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const plain = `@${BOT} a <question> & a link https://example.com/a/rather/long/path/that/gets/cut\nline two\n\nparagraph`;
    const remote = `@${BOT} could you and @carol@elsewhere.example compare notes on retries?`;
    const a = s.post('alice', plain);
    const b = s.post('bob', remote);
    const posts = (await adapter.mentions(null)).posts;
    expect(posts.find((p) => p.id === a)?.text).toBe(plain);
    expect(posts.find((p) => p.id === b)).toMatchObject({
      text: remote,
      mentions: [BOT, 'carol@elsewhere.example'],
    });
    expect((await adapter.getPost(b))?.text).toBe(remote);
  });

  it('getPost: a post, null when deleted, missing or a direct message between others', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const id = s.post('alice', `@${BOT} hello, a question for you`);
    const secret = s.post('alice', '@bob just between us', { visibility: 'direct' });
    expect(await adapter.getPost(id)).toMatchObject({ id, author: 'alice', rootId: id });
    expect(await adapter.getPost(secret)).toBeNull();
    expect(await adapter.getPost('99999999')).toBeNull();
    expect(await adapter.getPost('../verify_credentials')).toBeNull();
    s.sandbox.platform.deletePost(id);
    expect(await adapter.getPost(id)).toBeNull();
  });

  it('createReply: keeps the mention’s visibility (direct stays direct), starts with @acct, never wider than configured', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const open = s.post('alice', `@${BOT} a public question about retries`);
    const secret = s.post('bob', `@${BOT} a private question about my account`, { visibility: 'direct' });
    const quiet = s.post('carol', `@${BOT} an unlisted one`, { visibility: 'unlisted' });
    const a = await adapter.createReply(request(open, '@alice Thanks for asking!'));
    const b = await adapter.createReply(request(secret, 'We will look into it.'));
    const c = await adapter.createReply(request(quiet, '@carol sure'));
    const narrow = s.adapter({ maxVisibility: 'unlisted' });
    const open2 = s.post('dave', `@${BOT} another public question`);
    const d = await narrow.createReply(request(open2, '@dave hello'));
    const truth = new Map((await s.groundTruth(BOT)).map((p) => [p.id, p]));
    expect(truth.get(a.postId)).toMatchObject({
      in_reply_to_id: open,
      visibility: 'public',
      text: '@alice Thanks for asking!',
      idempotency_key: `permit-${open}`,
    });
    expect(truth.get(b.postId)).toMatchObject({
      in_reply_to_id: secret,
      visibility: 'direct',
      text: `@bob@${new URL(s.url).host} We will look into it.`,
    });
    expect(truth.get(c.postId)).toMatchObject({ visibility: 'unlisted' });
    expect(truth.get(d.postId)).toMatchObject({ visibility: 'unlisted' });
    // Read back, each reply has the text the pipeline generated: that is how it knows its own.
    expect((await adapter.ownRepliesTo(secret, 0)).map((p) => p.text)).toEqual(['We will look into it.']);
    expect((await adapter.ownRepliesTo(open, 0)).map((p) => p.text)).toEqual(['@alice Thanks for asking!']);
    expect((await adapter.ownTimeline(0)).map((p) => p.text)).toEqual([
      '@dave hello',
      '@carol sure',
      'We will look into it.',
      '@alice Thanks for asking!',
    ]);
  });

  it('a reply to another server’s account names it in full, and reads back as generated', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const remote = s.post('carol@elsewhere.example', `@${BOT} hello from another server, a question`);
    const [mention] = (await adapter.mentions(null)).posts;
    expect(mention).toMatchObject({ id: remote, author: 'carol@elsewhere.example' });
    const generated = "Thanks for asking! (bot; reply 'stop' to opt out)";
    const { postId } = await adapter.createReply(request(remote, generated));
    const [made] = await s.groundTruth(BOT);
    expect(made).toMatchObject({ id: postId, text: `@carol@elsewhere.example ${generated}` });
    const status = await s.masto().v1.statuses.$select(postId).fetch();
    expect(status.mentions.map((m) => m.acct)).toEqual(['carol@elsewhere.example']);
    expect(status.content).toContain('@<span>carol</span>');
    expect((await adapter.ownRepliesTo(remote, 0)).map((p) => p.text)).toEqual([generated]);
  });

  it('createReply fails closed, nothing posted: a direct reply naming someone else, a vanished target, a text over the limit', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const secret = s.post('bob', `@${BOT} a private question`, { visibility: 'direct' });
    await expect(adapter.createReply(request(secret, '@bob ask @carol about it'))).rejects.toThrow(
      PlatformRejected,
    );
    const gone = s.post('alice', `@${BOT} soon deleted`);
    s.sandbox.platform.deletePost(gone);
    const error = await adapter.createReply(request(gone, '@alice hi')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformRejected);
    expect((error as PlatformRejected).status).toBe(404);
    const open = s.post('alice', `@${BOT} a public question`);
    await expect(adapter.createReply(request(open, `@alice ${'x'.repeat(500)}`))).rejects.toThrow(
      PlatformRejected,
    );
    expect(await s.groundTruth(BOT)).toEqual([]);
  });

  it('the same key inside the hour returns the original status; after the hour only ownRepliesTo can tell', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const target = s.post('alice', `@${BOT} a question worth one answer`);
    const since = s.clock.now();
    const first = await adapter.createReply(request(target, '@alice one answer', 'permit-7'));
    await s.clock.advance(30 * 60_000);
    const again = await adapter.createReply(request(target, '@alice one answer', 'permit-7'));
    expect(again.postId).toBe(first.postId);
    expect(await s.groundTruth(BOT)).toHaveLength(1);
    expect((await adapter.ownRepliesTo(target, since)).map((p) => p.id)).toEqual([first.postId]);
    await s.clock.advance(30 * 60_000);
    const late = await adapter.createReply(request(target, '@alice one answer', 'permit-7'));
    expect(late.postId).not.toBe(first.postId);
    expect((await adapter.ownRepliesTo(target, since)).map((p) => p.id)).toEqual([first.postId, late.postId]);
  });

  // Pages through 88 statuses over a loopback socket: up to 3 s on a loaded machine.
  it('ownRepliesTo and ownTimeline: own statuses since a time, direct ones included, across pages', {
    timeout: 15_000,
  }, async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const target = s.post('alice', `@${BOT} the question`, { visibility: 'direct' });
    const other = s.post('bob', `@${BOT} another question`);
    const old = s.post(BOT, '@alice an old reply', { inReplyToId: target, visibility: 'direct' });
    await s.clock.advance(1_000);
    const since = s.clock.now();
    const filler = Array.from({ length: 85 }, (_, i) =>
      s.post(BOT, `@bob note ${i}`, { inReplyToId: other }),
    );
    const recent = s.post(BOT, '@alice the reply', { inReplyToId: target, visibility: 'direct' });
    expect((await adapter.ownRepliesTo(target, since)).map((p) => p.id)).toEqual([recent]);
    expect((await adapter.ownRepliesTo(target, 0)).map((p) => p.id)).toEqual([old, recent]);
    const timeline = await adapter.ownTimeline(since);
    expect(timeline.map((p) => p.id)).toEqual([recent, ...filler.reverse()]);
  });

  it('authorPosts and search page with min_id; search never finds a direct status between others', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const one = s.post('alice', 'replywright looks useful for our support account');
    s.post('bob', '@carol replywright question, between the two of us', { visibility: 'direct' });
    const mine = await adapter.authorPosts('alice', null);
    expect(mine.posts.map((p) => p.id)).toEqual([one]);
    expect((await adapter.authorPosts('nobody_here', null)).posts).toEqual([]);
    const found = await adapter.search('replywright', null);
    expect(found.posts.map((p) => p.id)).toEqual([one]);
    expect((await adapter.search('replywright', found.nextCursor)).posts).toEqual([]);
    const two = s.post('alice', 'replywright again, with a second post');
    expect((await adapter.authorPosts('alice', mine.nextCursor)).posts.map((p) => p.id)).toEqual([two]);
  });

  it('errors: a 429 is RateLimited until X-RateLimit-Reset; a 500 on create is OutcomeUnknown, on a read PlatformUnavailable', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const target = s.post('alice', `@${BOT} a question`);
    await adapter.connect();
    await s.admin('/admin/faults', { rateLimit: { rate429: 1, resetAfterMs: 90_000 } });
    const limited = await adapter.mentions(null).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimited);
    expect((limited as RateLimited).resetAt).toBe(s.clock.now() + 90_000);
    expect(adapter.limits().rateLimitedUntil).toBe(s.clock.now() + 90_000);
    await s.admin('/admin/faults', { rateLimit: null, errorRate: 1 });
    await expect(adapter.mentions(null)).rejects.toThrow(PlatformUnavailable);
    await expect(adapter.createReply(request(target, '@alice hi'))).rejects.toThrow(PlatformUnavailable);
    await s.admin('/admin/faults', { errorRate: 0 });
    expect((await adapter.mentions(null)).posts).toHaveLength(1);
    expect(adapter.limits().rateLimitedUntil).toBeNull();
  });

  it('a lost response after the status was made is OutcomeUnknown; the status exists once and a retry with the key finds it', async () => {
    s = await serveMastodonSandbox();
    const adapter = s.adapter();
    const target = s.post('alice', `@${BOT} a question`);
    await s.admin('/admin/faults', { dropResponseRate: 1 });
    await expect(adapter.createReply(request(target, '@alice hi', 'k-lost'))).rejects.toThrow(OutcomeUnknown);
    await s.admin('/admin/faults', { dropResponseRate: 0 });
    const [made] = await s.groundTruth(BOT);
    expect((await adapter.ownRepliesTo(target, 0)).map((p) => p.id)).toEqual([made!.id]);
    expect((await adapter.createReply(request(target, '@alice hi', 'k-lost'))).postId).toBe(made!.id);
  });

  it('a create that times out is OutcomeUnknown; a server that is down is PlatformUnavailable (nothing sent)', async () => {
    s = await serveMastodonSandbox();
    const target = s.post('alice', `@${BOT} a question`);
    const hanging = await fakeMastodon(() => {
      /* a create that never answers */
    });
    const adapter = new MastodonAdapter({ url: hanging, token: 't', account: BOT, responseTimeoutMs: 300 });
    await expect(adapter.createReply(request('5', '@alice hi'))).rejects.toThrow(OutcomeUnknown);
    const down = s.adapter();
    await down.connect();
    await s.stop();
    await expect(down.createReply(request(target, '@alice hi'))).rejects.toThrow(PlatformUnavailable);
    await expect(down.mentions(null)).rejects.toThrow(PlatformUnavailable);
  });

  it('a malformed notification is reported with its reason, and the cursor still moves past it', async () => {
    const url = await fakeMastodon((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url?.includes('min_id=12') ? [] : [{ id: '12', type: 'mention', status: { id: 'x' } }],
        ),
      );
    });
    const adapter = new MastodonAdapter({ url, token: 't', account: BOT });
    const page = await adapter.mentions('11');
    expect(page.posts).toEqual([]);
    expect(page.invalid).toEqual([
      { raw: expect.anything(), reason: expect.stringMatching(/^notification\.status/) },
    ]);
    expect(page.nextCursor).toBe('12');
    expect(await adapter.mentions('12')).toEqual({ posts: [], invalid: [], nextCursor: '12' });
  });

  it('a proxy’s HTML 502 on create is OutcomeUnknown, on a read PlatformUnavailable', async () => {
    const url = await fakeMastodon((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    const adapter = new MastodonAdapter({ url, token: 't', account: BOT });
    await expect(adapter.mentions(null)).rejects.toThrow(PlatformUnavailable);
    await expect(adapter.createReply(request('5', '@alice hi'))).rejects.toThrow(OutcomeUnknown);
  });

  it('a token of another account refuses every call; an account without the bot flag is a dashboard risk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mastodon-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, 'sandbox.db');
    const seed = await SandboxPlatform.open(dbPath, { clock: new SimulatedClock(), seed: 1 });
    seed.ensureUser({ handle: 'humanish', displayName: 'Not labelled', isBot: false });
    seed.close();
    s = await serveMastodonSandbox({ dbPath, account: 'humanish' });
    const wrong = s.adapter({ account: 'someone_else' });
    await expect(wrong.connect()).rejects.toThrow(AccountMismatch);
    await expect(wrong.mentions(null)).rejects.toThrow(/belongs to @humanish/);
    const seen: boolean[] = [];
    const unlabelled = s.adapter({ account: 'humanish', onAccountFacts: (facts) => seen.push(facts.bot) });
    const facts = await unlabelled.connect();
    expect(seen).toEqual([false]);
    expect(botFlagRisk(facts)).toEqual(
      expect.objectContaining({
        setting: 'REPLYWRIGHT_ACCOUNT',
        value: 'humanish',
        why: expect.stringMatching(/not marked as a bot/),
      }),
    );
  });
});

/**
 * A stand-in server for failures the sandbox does not make: it answers the account, the
 * instance and status 5 like Mastodon, and hands every other request to `otherwise`.
 */
async function fakeMastodon(otherwise: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/api/v1/accounts/verify_credentials')
      return json(res, { id: '1', username: BOT, acct: BOT, bot: true });
    if (path === '/api/v2/instance')
      return json(res, { configuration: { statuses: { max_characters: 500 } } });
    if (path === '/api/v1/statuses/5' && req.method === 'GET')
      return json(res, {
        id: '5',
        created_at: new Date().toISOString(),
        content: '<p>hi</p>',
        visibility: 'public',
        account: { id: '2', username: 'alice', acct: 'alice' },
        mentions: [],
      });
    otherwise(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
