import { MastoHttpError, type mastodon } from 'masto';
import { afterEach, describe, expect, it } from 'vitest';
import { accountIdOf } from '../../src/sandbox/mastodon/accountIds.ts';
import { type MastodonSandbox, serveMastodonSandbox } from '../support/mastodonSandbox.ts';

/**
 * The sandbox's Mastodon dialect, spoken to by the real `masto` client over HTTP: the shapes,
 * the notification paging, the Idempotency-Key hour, visibility, the two rate limits.
 */
let s: MastodonSandbox;
afterEach(async () => {
  await s?.stop();
});

const BOT = 'replywright_bot';
const mention = (n: number) => `@${BOT} question number ${n}, how do retries work?`;

async function httpError(call: () => PromiseLike<unknown>): Promise<MastoHttpError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof MastoHttpError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function idempotent(key: string) {
  return { requestInit: { headers: { 'Idempotency-Key': key } } };
}

describe('the sandbox in Mastodon’s dialect (masto 7.12.0)', () => {
  it('verify_credentials: the bot, with a numeric id and its bot flag; a wrong token is a 401', async () => {
    s = await serveMastodonSandbox();
    const me = await s.masto().v1.accounts.verifyCredentials();
    expect(me).toMatchObject({ id: accountIdOf(BOT), username: BOT, acct: BOT, bot: true });
    expect(me.id).toMatch(/^\d+$/);
    const wrong = await httpError(() => s.masto('not-the-token').v1.accounts.verifyCredentials());
    expect(wrong.statusCode).toBe(401);
    expect(wrong.message).toBe('The access token is invalid');
    const anonymous = await httpError(() => s.masto(null).v1.accounts.verifyCredentials());
    expect(anonymous.statusCode).toBe(401);
  });

  it('notifications: mentions and replies to the bot, HTML content, the reply’s account ids', async () => {
    s = await serveMastodonSandbox();
    const root = s.post('alice', `hello @${BOT} <b>is</b> this & that ok?\nsecond line\n\nnew paragraph`);
    const own = s.post(BOT, '@alice answered', { inReplyToId: root });
    const reply = s.post('bob', 'thanks, that helped', { inReplyToId: own });
    s.post('carol', 'nothing to do with the bot');
    const notes = await s.masto().v1.notifications.list({ types: ['mention'] });
    expect(notes.map((n) => n.status?.id)).toEqual([reply, root]);
    const [forReply, forRoot] = notes as [mastodon.v1.Notification, mastodon.v1.Notification];
    expect(forRoot).toMatchObject({ id: root, type: 'mention', account: { acct: 'alice' } });
    expect(forRoot.status?.content).toBe(
      `<p>hello <span class="h-card" translate="no"><a href="${s.url}/@${BOT}" class="u-url mention">@<span>${BOT}</span></a></span> &lt;b&gt;is&lt;/b&gt; this &amp; that ok?<br />second line</p><p>new paragraph</p>`,
    );
    expect(forRoot.status).toMatchObject({
      inReplyToId: null,
      visibility: 'public',
      mentions: [{ acct: BOT }],
    });
    expect(forReply.status).toMatchObject({ inReplyToId: own, inReplyToAccountId: accountIdOf(BOT) });
    expect(await s.masto().v1.notifications.list({ types: ['favourite'] })).toEqual([]);
    expect(await s.masto().v1.notifications.list({ excludeTypes: ['mention'] })).toEqual([]);
  });

  it('notification paging: min_id pages forward without a gap, since_id skips one, Link headers drive masto’s paginator', async () => {
    s = await serveMastodonSandbox();
    const ids = Array.from({ length: 50 }, (_, i) => s.post('alice', mention(i)));
    const masto = s.masto();
    const byMin = await masto.v1.notifications.list({ types: ['mention'], minId: ids[9]!, limit: 5 });
    expect(byMin.map((n) => n.id)).toEqual(ids.slice(10, 15).reverse());
    const bySince = await masto.v1.notifications.list({ types: ['mention'], sinceId: ids[9]!, limit: 5 });
    expect(bySince.map((n) => n.id)).toEqual(ids.slice(45, 50).reverse());
    const newest = await masto.v1.notifications.list({ types: ['mention'] });
    expect(newest).toHaveLength(40);
    expect(newest[0]!.id).toBe(ids[49]);
    expect((await masto.v1.notifications.list({ types: ['mention'], limit: 500 })).length).toBe(50);

    const raw = await masto.v1.notifications.list.$raw({ types: ['mention'], minId: ids[9]!, limit: 5 });
    const link = raw.headers.get('link')!;
    expect(link).toContain(`max_id=${ids[10]}`);
    expect(link).toContain(`min_id=${ids[14]}`);
    expect(link).toMatch(/rel="next".*rel="prev"/);

    const forward: string[] = [];
    for await (const page of masto.v1.notifications
      .list({ types: ['mention'], minId: ids[0]!, limit: 7 })
      .setDirection('prev')) {
      if (page.length === 0) break;
      forward.push(...page.map((n) => n.id).reverse());
    }
    expect(forward).toEqual(ids.slice(1));
  });

  it('POST /api/v1/statuses: 200, the visibility kept, the ground truth records it', async () => {
    s = await serveMastodonSandbox();
    const target = s.post('alice', `@${BOT} a private question`, { visibility: 'direct' });
    const status = await s
      .masto()
      .v1.statuses.create({ status: '@alice a private answer', inReplyToId: target, visibility: 'direct' });
    expect(status).toMatchObject({ inReplyToId: target, visibility: 'direct', account: { acct: BOT } });
    expect(status.mentions.map((m) => m.acct)).toEqual(['alice']);
    const truth = await s.groundTruth(BOT);
    expect(truth).toEqual([
      expect.objectContaining({ id: status.id, visibility: 'direct', in_reply_to_id: target }),
    ]);
    // Direct: the bot (author) and alice (mentioned) see it; an anonymous caller does not.
    expect((await s.masto().v1.statuses.$select(status.id).fetch()).id).toBe(status.id);
    expect((await httpError(() => s.masto(null).v1.statuses.$select(status.id).fetch())).statusCode).toBe(
      404,
    );
    const botId = accountIdOf(BOT);
    expect((await s.masto().v1.accounts.$select(botId).statuses.list()).map((x) => x.id)).toEqual([
      status.id,
    ]);
    expect(await s.masto(null).v1.accounts.$select(botId).statuses.list()).toEqual([]);
  });

  it('Idempotency-Key: a repeat inside the hour returns the original (200), whatever its text; after the hour it is forgotten', async () => {
    s = await serveMastodonSandbox();
    const target = s.post('alice', `@${BOT} hello there, a question`);
    const masto = s.masto();
    const first = await masto.v1.statuses.create(
      { status: '@alice one', inReplyToId: target },
      idempotent('permit-1'),
    );
    await s.clock.advance(3_599_000);
    const repeat = await masto.v1.statuses.create(
      { status: '@alice two', inReplyToId: target },
      idempotent('permit-1'),
    );
    expect(repeat.id).toBe(first.id);
    expect(repeat.content).toContain('one');
    expect(await s.groundTruth(BOT)).toHaveLength(1);
    await s.clock.advance(1_000);
    const late = await masto.v1.statuses.create(
      { status: '@alice three', inReplyToId: target },
      idempotent('permit-1'),
    );
    expect(late.id).not.toBe(first.id);
    expect((await s.groundTruth(BOT)).map((p) => p.idempotency_key)).toEqual(['permit-1', 'permit-1']);
  });

  it('Idempotency-Key follows the sandbox’s mode when stricter: none forgets at once, window:60 after a minute', async () => {
    s = await serveMastodonSandbox();
    const target = s.post('alice', `@${BOT} hello there, a question`);
    const masto = s.masto();
    s.sandbox.platform.behaviour.update({ idempotency: 'none' });
    const a = await masto.v1.statuses.create({ status: '@alice a', inReplyToId: target }, idempotent('k'));
    const b = await masto.v1.statuses.create({ status: '@alice b', inReplyToId: target }, idempotent('k'));
    expect(b.id).not.toBe(a.id);
    s.sandbox.platform.behaviour.update({ idempotency: 'window:60' });
    const c = await masto.v1.statuses.create({ status: '@alice c', inReplyToId: target }, idempotent('k2'));
    await s.clock.advance(59_000);
    expect(
      (await masto.v1.statuses.create({ status: '@alice d', inReplyToId: target }, idempotent('k2'))).id,
    ).toBe(c.id);
    await s.clock.advance(1_000);
    expect(
      (await masto.v1.statuses.create({ status: '@alice e', inReplyToId: target }, idempotent('k2'))).id,
    ).not.toBe(c.id);
  });

  it('a replayed key whose status was deleted is a 404; a missing thread is a 404; blank and too long are 422', async () => {
    s = await serveMastodonSandbox();
    const target = s.post('alice', `@${BOT} hello there, a question`);
    const masto = s.masto();
    const first = await masto.v1.statuses.create(
      { status: '@alice hi', inReplyToId: target },
      idempotent('gone'),
    );
    s.sandbox.platform.deletePost(first.id);
    const replay = await httpError(() =>
      masto.v1.statuses.create({ status: '@alice hi', inReplyToId: target }, idempotent('gone')),
    );
    expect(replay.statusCode).toBe(404);
    const thread = await httpError(() => masto.v1.statuses.create({ status: 'x', inReplyToId: '999999999' }));
    expect(thread.statusCode).toBe(404);
    expect(thread.message).toMatch(/does not appear to exist/);
    expect((await httpError(() => masto.v1.statuses.create({ status: '   ' }))).statusCode).toBe(422);
    const long = await httpError(() => masto.v1.statuses.create({ status: 'x'.repeat(501) }));
    expect(long.statusCode).toBe(422);
    expect(long.message).toMatch(/character limit of 500/);
    expect((await masto.v1.statuses.create({ status: 'x'.repeat(500) })).id).toMatch(/^\d+$/);
    const bad = await httpError(() =>
      masto.v1.statuses.create({ status: 'hi', visibility: 'everyone' as never }),
    );
    expect(bad.statusCode).toBe(422);
  });

  it('the source, the instance, lookup and account statuses', async () => {
    s = await serveMastodonSandbox();
    const text = `@${BOT} ask @carol@elsewhere.example too: https://example.com/a/rather/long/path/to/something`;
    const id = s.post('alice', text);
    const reply = s.post('alice', `@${BOT} and a follow-up`, { inReplyToId: id });
    const masto = s.masto();
    expect(await masto.v1.statuses.$select(id).source.fetch()).toEqual({ id, text, spoilerText: '' });
    expect((await httpError(() => s.masto(null).v1.statuses.$select(id).source.fetch())).statusCode).toBe(
      401,
    );
    const status = await masto.v1.statuses.$select(id).fetch();
    expect(status.mentions.map((m) => m.acct)).toEqual([BOT, 'carol@elsewhere.example']);
    expect(status.content).toContain('@<span>carol</span>');
    const instance = await masto.v2.instance.fetch();
    expect(instance.configuration.statuses).toMatchObject({
      maxCharacters: 500,
      charactersReservedPerUrl: 23,
    });
    const alice = await masto.v1.accounts.lookup({ acct: 'alice' });
    expect(alice).toMatchObject({ id: accountIdOf('alice'), acct: 'alice', bot: false });
    expect((await httpError(() => masto.v1.accounts.lookup({ acct: 'nobody' }))).statusCode).toBe(404);
    const all = await masto.v1.accounts.$select(alice.id).statuses.list();
    expect(all.map((x) => x.id)).toEqual([reply, id]);
    const roots = await masto.v1.accounts.$select(alice.id).statuses.list({ excludeReplies: true });
    expect(roots.map((x) => x.id)).toEqual([id]);
  });

  it('search finds listed statuses, never a direct one', async () => {
    s = await serveMastodonSandbox();
    const open = s.post('alice', 'reading about replywright today');
    s.post('bob', `@${BOT} replywright question in private`, { visibility: 'direct' });
    s.post('carol', 'replywright for my followers', { visibility: 'private' });
    const found = await s.masto(null).v2.search.list({ q: 'replywright', type: 'statuses' });
    expect(found.statuses.map((x) => x.id)).toEqual([open]);
  });

  it('300 requests per 5 minutes: 429 with X-RateLimit-Reset as an ISO time and no Retry-After', async () => {
    s = await serveMastodonSandbox({
      limits: { requests: { limit: 3, periodMs: 300_000 }, statuses: { limit: 300, periodMs: 10_800_000 } },
    });
    const windowEnd = s.clock.now() - (s.clock.now() % 300_000) + 300_000;
    const masto = s.masto();
    const ok = await masto.v1.accounts.verifyCredentials.$raw();
    expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('2');
    await masto.v1.accounts.verifyCredentials();
    await masto.v1.accounts.verifyCredentials();
    const limited = await httpError(() => masto.v1.accounts.verifyCredentials());
    expect(limited.statusCode).toBe(429);
    const headers = (limited.cause as Response).headers;
    expect(headers.get('x-ratelimit-reset')).toBe(new Date(windowEnd).toISOString());
    expect(headers.get('retry-after')).toBeNull();
    await s.clock.advanceTo(windowEnd);
    expect((await masto.v1.accounts.verifyCredentials()).acct).toBe(BOT);
  });

  it('300 statuses per 3 hours: the next one is a 429 until the window ends; a replayed key is not counted', async () => {
    s = await serveMastodonSandbox({
      limits: { requests: { limit: 300, periodMs: 300_000 }, statuses: { limit: 2, periodMs: 10_800_000 } },
    });
    const target = s.post('alice', `@${BOT} hello there, a question`);
    const masto = s.masto();
    await masto.v1.statuses.create({ status: 'one' }, idempotent('a'));
    await masto.v1.statuses.create({ status: 'two' });
    expect((await masto.v1.statuses.create({ status: 'one again' }, idempotent('a'))).content).toContain(
      'one',
    );
    const limited = await httpError(() =>
      masto.v1.statuses.create({ status: '@alice three', inReplyToId: target }),
    );
    expect(limited.statusCode).toBe(429);
    const reset = Date.parse((limited.cause as Response).headers.get('x-ratelimit-reset')!);
    expect(reset % 10_800_000).toBe(0);
    expect(await s.groundTruth(BOT)).toHaveLength(2);
    await s.clock.advanceTo(reset);
    expect((await masto.v1.statuses.create({ status: 'four' })).id).toMatch(/^\d+$/);
  });

  it('the sandbox’s faults apply to the dialect: injected 429 and 500, and a lost response after the status was made', async () => {
    s = await serveMastodonSandbox();
    const masto = s.masto();
    expect((await s.admin('/admin/faults', { errorRate: 1 })).status).toBe(200);
    expect((await httpError(() => masto.v1.accounts.verifyCredentials())).statusCode).toBe(500);
    await s.admin('/admin/faults', { errorRate: 0, rateLimit: { rate429: 1, resetAfterMs: 60_000 } });
    const limited = await httpError(() => masto.v1.accounts.verifyCredentials());
    expect(limited.statusCode).toBe(429);
    expect(Date.parse((limited.cause as Response).headers.get('x-ratelimit-reset')!)).toBe(
      s.clock.now() + 60_000,
    );
    await s.admin('/admin/faults', { rateLimit: null, dropResponseRate: 1 });
    await expect(masto.v1.statuses.create({ status: 'lost answer' })).rejects.toThrow();
    expect((await s.groundTruth(BOT)).map((p) => p.text)).toEqual(['lost answer']);
  });
});
