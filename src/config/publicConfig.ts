import type { Config } from './config.ts';

/**
 * The settings safe to show in a response, a page or a log line. It is an allow-list: a
 * setting added to Config stays private until it is added here. Secrets appear only as
 * "configured or not"; URLs lose any credentials they carry.
 *
 * @example c.json(publicConfig(app.config))
 */
export function publicConfig(config: Config) {
  return {
    port: config.PORT,
    host: config.HOST,
    platform: config.REPLYWRIGHT_PLATFORM,
    account: config.REPLYWRIGHT_ACCOUNT,
    approval: config.REPLYWRIGHT_APPROVAL,
    poster: config.REPLYWRIGHT_POSTER,
    speed: config.REPLYWRIGHT_SPEED,
    logLevel: config.REPLYWRIGHT_LOG_LEVEL,
    adminTokenConfigured: config.REPLYWRIGHT_ADMIN_TOKEN !== undefined,
    readTokenRequired: config.REPLYWRIGHT_READ_TOKEN_REQUIRED,
    searchQueries: config.REPLYWRIGHT_SEARCH_QUERIES,
    authorLists: config.REPLYWRIGHT_AUTHOR_LISTS,
    allowKeywordReplies: config.REPLYWRIGHT_ALLOW_KEYWORD_REPLIES,
    maxAgeMin: config.REPLYWRIGHT_MAX_AGE_MIN,
    minLength: config.REPLYWRIGHT_MIN_LENGTH,
    authorCooldownMin: config.REPLYWRIGHT_AUTHOR_COOLDOWN_MIN,
    minScore: config.REPLYWRIGHT_MIN_SCORE,
    queueTtlMin: config.REPLYWRIGHT_QUEUE_TTL_MIN,
    queueLowWatermark: config.REPLYWRIGHT_QUEUE_LOW_WATERMARK,
    capPerHour: config.REPLYWRIGHT_CAP_PER_HOUR,
    capPerDay: config.REPLYWRIGHT_CAP_PER_DAY,
    minSpacingSec: config.REPLYWRIGHT_MIN_SPACING_SEC,
    quietHours: config.REPLYWRIGHT_QUIET_HOURS,
    bannedTermsCount: config.REPLYWRIGHT_BANNED_TERMS.length,
    defaultDenyList: config.REPLYWRIGHT_DEFAULT_DENY_LIST,
    approvalTtlMin: config.REPLYWRIGHT_APPROVAL_TTL_MIN,
    generator: config.REPLYWRIGHT_GENERATOR,
    openaiBaseUrl: withoutCredentials(config.REPLYWRIGHT_OPENAI_BASE_URL),
    openaiKeyConfigured: config.REPLYWRIGHT_OPENAI_API_KEY !== undefined,
    openaiModel: config.REPLYWRIGHT_OPENAI_MODEL,
    generatorTimeoutMs: config.REPLYWRIGHT_GENERATOR_TIMEOUT_MS,
    browserProfile: config.REPLYWRIGHT_BROWSER_PROFILE,
    blueskyService: withoutCredentials(config.REPLYWRIGHT_BLUESKY_SERVICE),
    blueskyAppPasswordConfigured: config.REPLYWRIGHT_BLUESKY_APP_PASSWORD !== undefined,
    inspect: config.INSPECT,
    mastodonUrl: withoutCredentials(config.REPLYWRIGHT_MASTODON_URL),
    mastodonTokenConfigured: config.REPLYWRIGHT_MASTODON_TOKEN !== undefined,
    mastodonMaxVisibility: config.REPLYWRIGHT_MASTODON_MAX_VISIBILITY,
    xApiUrl: withoutCredentials(config.REPLYWRIGHT_X_API_URL),
    xAccessTokenConfigured: config.REPLYWRIGHT_X_ACCESS_TOKEN !== undefined,
    xRefreshConfigured:
      config.REPLYWRIGHT_X_REFRESH_TOKEN !== undefined && config.REPLYWRIGHT_X_CLIENT_ID !== undefined,
    xAiRepliesApproved: config.REPLYWRIGHT_X_AI_REPLIES_APPROVED,
    xEnterpriseReplies: config.REPLYWRIGHT_X_ENTERPRISE_REPLIES,
    xPricesUsd: config.REPLYWRIGHT_X_PRICES_USD,
    dailyBudgetUsd: config.REPLYWRIGHT_DAILY_BUDGET_USD ?? null,
  };
}

export type PublicConfig = ReturnType<typeof publicConfig>;

function withoutCredentials(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return null;
  }
}
