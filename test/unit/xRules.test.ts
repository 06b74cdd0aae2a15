import { describe, expect, it } from 'vitest';
import { needsSandbox, platformFromConfig } from '../../src/app/platformFromConfig.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { riskySettings } from '../../src/config/risks.ts';
import { createGenerator } from '../../src/generators/index.ts';
import { XAdapter } from '../../src/platforms/x/adapter.ts';
import { evaluateCandidate, evaluationPolicyFrom } from '../../src/policy/evaluate.ts';
import type { PostFacts } from '../../src/policy/postFacts.ts';
import { parseXPrices, X_PRICE_DEFAULTS } from '../../src/spend/prices.ts';

const NOW = Date.UTC(2026, 2, 1, 12);
const post = (over: Partial<PostFacts> = {}): PostFacts => ({
  postId: '10',
  author: 'alice',
  text: 'replywright looks like a careful way to answer people',
  createdAt: NOW - 60_000,
  inReplyToId: null,
  rootId: '10',
  isRoot: true,
  mentions: [],
  inReplyToAuthor: null,
  authorIsParody: false,
  metrics: { likes: 5, replies: 1, reposts: 1, followers: 300 },
  ...over,
});
const facts = (p: PostFacts, source: 'mentions' | 'search') => ({
  post: p,
  source,
  now: NOW,
  optedOut: false,
  authorLastRepliedAt: null,
  alreadyReplied: false,
  account: 'replywright_bot',
});

describe('X rules as defaults', () => {
  it('a keyword match is watched, never answered, on X whatever REPLYWRIGHT_ALLOW_KEYWORD_REPLIES says', () => {
    const onSandbox = evaluationPolicyFrom(loadConfig({ REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: '1' }));
    expect(evaluateCandidate(facts(post(), 'search'), onSandbox).verdict).toBe('queue');
    const onX = evaluationPolicyFrom(
      loadConfig({ REPLYWRIGHT_PLATFORM: 'x', REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: '1' }),
    );
    expect(evaluateCandidate(facts(post(), 'search'), onX)).toMatchObject({
      verdict: 'reject',
      reasonCode: 'no_consent',
    });
    // A post that @mentions the account summoned it, wherever it was found.
    const summoned = post({
      text: '@replywright_bot is this a careful way to answer people?',
      mentions: ['replywright_bot'],
    });
    expect(evaluateCandidate(facts(summoned, 'search'), onX).verdict).toBe('queue');
  });

  it('only an Enterprise override lets keyword replies through on X, and it is shown as a risk', () => {
    const config = loadConfig({
      REPLYWRIGHT_PLATFORM: 'x',
      REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: '1',
      REPLYWRIGHT_X_ENTERPRISE_REPLIES: '1',
    });
    expect(evaluateCandidate(facts(post(), 'search'), evaluationPolicyFrom(config)).verdict).toBe('queue');
    expect(riskySettings(config).map((r) => r.setting)).toContain('REPLYWRIGHT_X_ENTERPRISE_REPLIES');
    const plain = riskySettings(
      loadConfig({ REPLYWRIGHT_PLATFORM: 'x', REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: '1' }),
    );
    expect(plain.find((r) => r.setting === 'REPLYWRIGHT_ALLOW_KEYWORD_REPLIES')?.why).toMatch(/ignored on X/);
  });

  it('the openai generator refuses to start on X unless X approved AI replies (then a risk)', () => {
    const env = {
      REPLYWRIGHT_PLATFORM: 'x',
      REPLYWRIGHT_GENERATOR: 'openai',
      REPLYWRIGHT_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    };
    expect(() => createGenerator(loadConfig(env))).toThrow(ConfigError);
    expect(() => createGenerator(loadConfig(env))).toThrow(/REPLYWRIGHT_X_AI_REPLIES_APPROVED=1/);
    const approved = loadConfig({ ...env, REPLYWRIGHT_X_AI_REPLIES_APPROVED: '1' });
    expect(createGenerator(approved).name).toBe('openai');
    expect(riskySettings(approved).map((r) => r.setting)).toContain('REPLYWRIGHT_X_AI_REPLIES_APPROVED');
    expect(createGenerator(loadConfig({ ...env, REPLYWRIGHT_PLATFORM: 'sandbox' })).name).toBe('openai');
  });
});

describe('REPLYWRIGHT_PLATFORM=x', () => {
  it('talks to the sandbox’s X dialect without REPLYWRIGHT_X_API_URL, to X with it', () => {
    const sandboxed = loadConfig({ REPLYWRIGHT_PLATFORM: 'x' });
    expect(needsSandbox(sandboxed)).toBe(true);
    const adapter = platformFromConfig(sandboxed, 'http://127.0.0.1:8081');
    expect(adapter).toBeInstanceOf(XAdapter);
    expect(adapter.capabilities().idempotency).toEqual({ kind: 'none' });
    expect(adapter.capabilities().visibilityLagMs).toBe(0);
    const lagging = loadConfig({ REPLYWRIGHT_PLATFORM: 'x', SANDBOX_VISIBILITY_LAG_MS: '1500' });
    expect(platformFromConfig(lagging, 'http://127.0.0.1:8081').capabilities().visibilityLagMs).toBe(1500);
    const real = loadConfig({
      REPLYWRIGHT_PLATFORM: 'x',
      REPLYWRIGHT_X_API_URL: 'https://api.x.com',
      REPLYWRIGHT_X_ACCESS_TOKEN: 't',
    });
    expect(needsSandbox(real)).toBe(false);
    expect(platformFromConfig(real, '').name).toBe('x');
    expect(platformFromConfig(real, '').capabilities().visibilityLagMs).toBe(15_000);
    const noToken = loadConfig({ REPLYWRIGHT_PLATFORM: 'x', REPLYWRIGHT_X_API_URL: 'https://api.x.com' });
    expect(() => platformFromConfig(noToken, '')).toThrow(/REPLYWRIGHT_X_ACCESS_TOKEN/);
  });

  it('reads prices as unit=usd pairs over the defaults, and refuses unknown units', () => {
    expect(parseXPrices(loadConfig({}).REPLYWRIGHT_X_PRICES_USD)).toEqual(X_PRICE_DEFAULTS);
    expect(parseXPrices('reply=0.02, read=0')).toEqual({ ...X_PRICE_DEFAULTS, reply: 0.02, read: 0 });
    expect(() => loadConfig({ REPLYWRIGHT_X_PRICES_USD: 'tweet=1' })).toThrow(
      /REPLYWRIGHT_X_PRICES_USD: unknown price unit 'tweet'/,
    );
    expect(() => loadConfig({ REPLYWRIGHT_X_PRICES_USD: 'reply=-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ REPLYWRIGHT_DAILY_BUDGET_USD: '0' })).toThrow(/REPLYWRIGHT_DAILY_BUDGET_USD/);
  });
});
