import { MastoHttpError, MastoTimeoutError, MastoUnexpectedError } from 'masto';
import { describe, expect, it } from 'vitest';
import {
  OutcomeUnknown,
  PlatformRejected,
  PlatformUnavailable,
  RateLimited,
} from '../../src/platforms/contract.ts';
import { classifyMastoError } from '../../src/platforms/mastodon/errors.ts';
import { decodeEntities, hasRichMarkup, htmlToText } from '../../src/platforms/mastodon/htmlText.ts';
import { generatedText, replyText } from '../../src/platforms/mastodon/replyText.ts';
import type { MastodonStatus } from '../../src/platforms/mastodon/schemas.ts';
import { statusLength } from '../../src/platforms/mastodon/statusLength.ts';
import {
  compareIds,
  needsSource,
  newestId,
  toPlatformPost,
} from '../../src/platforms/mastodon/toPlatformPost.ts';
import { narrowest } from '../../src/platforms/mastodon/visibility.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { keyRemembered, mastodonIdempotency } from '../../src/sandbox/mastodon/idempotency.ts';
import { MastodonRateLimits } from '../../src/sandbox/mastodon/rateLimits.ts';
import type { MetaStore } from '../../src/sandbox/meta.ts';

const LIMIT = { domain: 'home.example', maxCharacters: 500, charactersReservedPerUrl: 23 };

describe('htmlToText', () => {
  it('reads Mastodon’s content back to its text: paragraphs, breaks, mentions, shortened links, entities', () => {
    const html =
      '<p>hey <span class="h-card" translate="no"><a href="https://m.example/@bot" class="u-url mention">@<span>bot</span></a></span> &lt;3 &amp; &#39;quotes&#39;<br />line two <a href="https://example.com/a/very/long/path/indeed" rel="nofollow noopener" translate="no" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very/long/path/i</span><span class="invisible">ndeed</span></a></p><p>next <a href="https://m.example/tags/tag" class="mention hashtag" rel="tag">#<span>tag</span></a></p>';
    expect(htmlToText(html)).toBe(
      "hey @bot <3 & 'quotes'\nline two https://example.com/a/very/long/path/indeed\n\nnext #tag",
    );
  });

  it('leaves out the quote-post fallback paragraph and survives broken markup', () => {
    expect(htmlToText('<p class="quote-inline">RE: <a href="x">x</a></p><p>my own words</p>')).toBe(
      'my own words',
    );
    expect(htmlToText('a < b and <p>c')).toBe('a < b and \n\nc');
    expect(htmlToText('')).toBe('');
    expect(decodeEntities('&#x1F600; &bogus; &#0;')).toBe('😀 &bogus; &#0;');
  });

  it('knows when the HTML is not the whole story', () => {
    expect(hasRichMarkup('<p>a<br />b <a href="x"><span>c</span></a></p>')).toBe(false);
    expect(hasRichMarkup('<p>a <strong>b</strong></p>')).toBe(true);
    expect(hasRichMarkup('<ul><li>a</li></ul>')).toBe(true);
  });
});

describe('which text to trust', () => {
  const status = (over: Partial<MastodonStatus> = {}): MastodonStatus => ({
    id: '10',
    createdAt: '2026-01-09T12:00:00.000Z',
    inReplyToId: null,
    inReplyToAccountId: null,
    content: '<p>hi</p>',
    visibility: 'public',
    account: { id: '2', username: 'alice', acct: 'alice' },
    mentions: [],
    ...over,
  });

  it('asks /source for a local status with a remote mention or rich markup, never for a remote one', () => {
    expect(needsSource(status())).toBe(false);
    expect(needsSource(status({ mentions: [{ id: '3', username: 'c', acct: 'c@else.example' }] }))).toBe(
      true,
    );
    expect(needsSource(status({ content: '<p><em>hi</em></p>' }))).toBe(true);
    expect(
      needsSource(
        status({ account: { id: '4', username: 'r', acct: 'r@far.example' }, content: '<p><em>x</em></p>' }),
      ),
    ).toBe(false);
  });

  it('a root replies to nothing; a reply’s root is unknown; a reply to the bot names it', () => {
    const self = { id: '1', acct: 'bot' };
    const root = toPlatformPost(status(), self);
    expect(root).toMatchObject({ ok: true, post: { rootId: '10', inReplyToId: null, text: 'hi' } });
    const reply = toPlatformPost(status({ inReplyToId: '9', inReplyToAccountId: '1' }), self, 'exact text');
    expect(reply).toMatchObject({
      ok: true,
      post: { rootId: null, inReplyToAuthor: 'bot', text: 'exact text' },
    });
    const broken = toPlatformPost(status({ createdAt: 'yesterday' }), self);
    expect(broken).toMatchObject({ ok: false, reason: expect.stringMatching(/createdAt/) });
  });

  it('ids compare as numbers, so the cursor is the newest even across lengths', () => {
    expect(compareIds('99', '100')).toBeLessThan(0);
    expect(newestId(['109999999999999999', '110000000000000000', '99'], null)).toBe('110000000000000000');
    expect(newestId([], '5')).toBe('5');
  });
});

describe('visibility and reply text', () => {
  it('never wider: the narrowest wins, anything unknown is direct', () => {
    expect(narrowest('public', 'public')).toBe('public');
    expect(narrowest('direct', 'public')).toBe('direct');
    expect(narrowest('unlisted', 'private')).toBe('private');
    expect(narrowest('limited', 'public')).toBe('direct');
  });

  it('starts with the author’s mention, putting the full @user@domain in front when missing', () => {
    expect(replyText('@alice thanks', 'alice', 'public', LIMIT)).toBe('@alice thanks');
    expect(replyText('@Alice, thanks', 'alice', 'public', LIMIT)).toBe('@Alice, thanks');
    expect(replyText('@alice@home.example thanks', 'alice', 'public', LIMIT)).toBe(
      '@alice@home.example thanks',
    );
    expect(replyText('thanks', 'alice', 'public', LIMIT)).toBe('@alice@home.example thanks');
    expect(replyText('thanks', 'alice@far.example', 'public', LIMIT)).toBe('@alice@far.example thanks');
    expect(replyText('@alice thanks', 'alice@far.example', 'public', LIMIT)).toBe(
      '@alice@far.example @alice thanks',
    );
    expect(replyText('thanks', 'dev', 'public', { ...LIMIT, domain: 'localhost:3000' })).toBe(
      '@dev@localhost:3000 thanks',
    );
  });

  it('reading its own replies back, the account gets exactly the generated text', () => {
    for (const [generated, acct] of [
      ['@alice thanks', 'alice'],
      ['thanks, really', 'alice'],
      ['thanks, really', 'alice@far.example'],
      ['Thanks for raising "queues". (bot; reply \'stop\' to opt out)', 'dev@localhost:3000'],
    ] as const) {
      expect(generatedText(replyText(generated, acct, 'direct', LIMIT))).toBe(generated);
    }
  });

  it('refuses a private or direct reply that would reach someone else, and one over the limit', () => {
    expect(() => replyText('@bob ask @carol', 'bob', 'direct', LIMIT)).toThrow(PlatformRejected);
    expect(() => replyText('@bob ask @carol', 'bob', 'private', LIMIT)).toThrow(/would also reach @carol/);
    expect(() => replyText('ask @carol@far.example', 'bob', 'direct', LIMIT)).toThrow(/@carol@far.example/);
    expect(replyText('@bob@home.example hi', 'bob', 'direct', LIMIT)).toBe('@bob@home.example hi');
    expect(replyText('@bob ask @carol', 'bob', 'public', LIMIT)).toBe('@bob ask @carol');
    expect(() => replyText(`@bob ${'x'.repeat(500)}`, 'bob', 'public', LIMIT)).toThrow(
      /over the instance's 500/,
    );
  });

  it('counts like Mastodon: a URL is 23, a remote mention its @user, an emoji sequence one', () => {
    expect(statusLength(`see https://example.com/${'a'.repeat(100)}`)).toBe(4 + 23);
    expect(statusLength('@alice@a.very.long.domain.example hi')).toBe('@alice hi'.length);
    expect(statusLength('👍🏽👨‍👩‍👧')).toBe(2);
  });
});

describe('classifyMastoError', () => {
  const response = (status: number, headers: Record<string, string> = {}) =>
    new Response('{}', { status, headers });
  const http = (status: number, headers?: Record<string, string>) =>
    new MastoHttpError({ statusCode: status, message: 'x' }, { cause: response(status, headers) });

  it('429 → RateLimited at X-RateLimit-Reset (ISO), else a minute', () => {
    const reset = '2026-01-09T12:05:00.000Z';
    const limited = classifyMastoError(http(429, { 'x-ratelimit-reset': reset }), 'read', 'GET x', 0);
    expect(limited).toBeInstanceOf(RateLimited);
    expect((limited as RateLimited).resetAt).toBe(Date.parse(reset));
    expect((classifyMastoError(http(429), 'create', 'POST x', 1000) as RateLimited).resetAt).toBe(61_000);
  });

  it('5xx, timeouts and unreadable answers: maybe posted on a create, unavailable on a read; 4xx refused', () => {
    for (const error of [
      http(503),
      new MastoTimeoutError('t'),
      new MastoUnexpectedError('html'),
      new TypeError('x'),
    ]) {
      expect(classifyMastoError(error, 'create', 'POST', 0)).toBeInstanceOf(OutcomeUnknown);
      expect(classifyMastoError(error, 'read', 'GET', 0)).toBeInstanceOf(PlatformUnavailable);
    }
    const refused = classifyMastoError(http(422), 'create', 'POST', 0);
    expect(refused).toBeInstanceOf(PlatformRejected);
    expect((refused as PlatformRejected).status).toBe(422);
    const refusedConnection = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    expect(classifyMastoError(refusedConnection, 'create', 'POST', 0)).toBeInstanceOf(PlatformUnavailable);
  });
});

describe('the dialect’s rules', () => {
  it('the key is kept for Mastodon’s hour, or less when the sandbox is stricter', () => {
    expect(mastodonIdempotency({ kind: 'permanent' })).toEqual({ kind: 'window', seconds: 3600 });
    expect(mastodonIdempotency({ kind: 'window', seconds: 60 })).toEqual({ kind: 'window', seconds: 60 });
    expect(mastodonIdempotency({ kind: 'window', seconds: 86_400 })).toEqual({
      kind: 'window',
      seconds: 3600,
    });
    expect(mastodonIdempotency({ kind: 'none' })).toEqual({ kind: 'none' });
    const hour = { kind: 'window', seconds: 3600 } as const;
    expect(keyRemembered(hour, 0, 3_599_999)).toBe(true);
    expect(keyRemembered(hour, 0, 3_600_000)).toBe(false);
  });

  it('rate limits are fixed windows aligned to the epoch; the reset is the window’s end', async () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 9, 12, 4, 0));
    const values = new Map<string, string>();
    const meta: MetaStore = { get: (k) => values.get(k) ?? null, set: (k, v) => void values.set(k, v) };
    const limits = new MastodonRateLimits(meta, clock, {
      requests: { limit: 2, periodMs: 300_000 },
      statuses: { limit: 1, periodMs: 10_800_000 },
    });
    expect(limits.request('bot')).toMatchObject({
      ok: true,
      remaining: 1,
      resetAt: Date.UTC(2026, 0, 9, 12, 5),
    });
    expect(limits.request('bot').ok).toBe(true);
    expect(limits.request('bot')).toMatchObject({ ok: false, remaining: 0 });
    expect(limits.request('someone').ok).toBe(true);
    await clock.advance(60_000);
    expect(limits.request('bot').ok).toBe(true);
    expect(limits.checkStatus('bot').ok).toBe(true);
    limits.recordStatus('bot');
    expect(limits.checkStatus('bot')).toMatchObject({ ok: false, resetAt: Date.UTC(2026, 0, 9, 15) });
  });
});
