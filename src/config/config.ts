import { z } from 'zod';
import { parseTargetSpec } from '../proof/targets.ts';
import { X_PRICE_DEFAULTS_TEXT, xPricesText } from '../spend/prices.ts';

/**
 * Every setting replywright reads, with its environment variable, default and meaning.
 * `loadConfig(process.env)` validates once at start-up; a bad value throws a ConfigError
 * whose message is one line naming the variable.
 */
const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const int = (min = 0) => z.coerce.number().int().min(min);
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

export const configSchema = z.object({
  PORT: int(0).default(8080),
  HOST: z.string().default('127.0.0.1'),
  SANDBOX_PORT: int(0).default(8081),
  REPLYWRIGHT_SANDBOX_URL: z.url().optional(),
  REPLYWRIGHT_DB: z.string().min(1).default('./data/replywright.db'),
  REPLYWRIGHT_SANDBOX_DB: z.string().min(1).default('./data/sandbox.db'),
  REPLYWRIGHT_PLATFORM: z.enum(['sandbox', 'bluesky', 'x', 'mastodon']).default('sandbox'),
  REPLYWRIGHT_ACCOUNT: z
    .string()
    // Bluesky handles have dots and dashes (bot.example.com).
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/)
    .default('replywright_bot'),
  REPLYWRIGHT_APPROVAL: z.enum(['auto', 'manual']).default('auto'),
  REPLYWRIGHT_POSTER: z.enum(['api', 'browser']).default('api'),
  REPLYWRIGHT_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  REPLYWRIGHT_READ_TOKEN_REQUIRED: bool.default(false),
  /** Host names the HTTP server answers besides loopback ones; `*` for any (see docs/SECURITY.md). */
  REPLYWRIGHT_ALLOWED_HOSTS: list.optional(),
  REPLYWRIGHT_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  REPLYWRIGHT_SPEED: z.enum(['dev', 'prod']).default('dev'),

  // Sources
  REPLYWRIGHT_SEARCH_QUERIES: list.default(['replywright']),
  REPLYWRIGHT_AUTHOR_LISTS: list.default([]),
  /** Keyword-only (search) candidates have no opt-in; allowed only with this explicit, dashboard-visible risk flag. */
  REPLYWRIGHT_ALLOW_KEYWORD_REPLIES: bool.default(false),

  // Evaluation thresholds
  REPLYWRIGHT_MAX_AGE_MIN: int(1).default(180),
  REPLYWRIGHT_MIN_LENGTH: int(0).default(20),
  REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: int(0).default(60),
  REPLYWRIGHT_MIN_SCORE: z.coerce.number().min(0).max(100).default(20),

  // Queue
  REPLYWRIGHT_QUEUE_TTL_MIN: int(1).default(60),
  REPLYWRIGHT_QUEUE_LOW_WATERMARK: int(0).default(10),

  // Caps
  REPLYWRIGHT_CAP_PER_HOUR: int(0).default(6),
  REPLYWRIGHT_CAP_PER_DAY: int(0).default(40),
  REPLYWRIGHT_MIN_SPACING_SEC: int(0).default(20),
  REPLYWRIGHT_QUIET_HOURS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      if (s === '') return null;
      const [from, to] = s.split('-');
      if (!hhmm.safeParse(from).success || !hhmm.safeParse(to).success) {
        ctx.addIssue({ code: 'custom', message: 'expected HH:MM-HH:MM (UTC)' });
        return z.NEVER;
      }
      return { from: from!, to: to! };
    }),
  REPLYWRIGHT_BANNED_TERMS: list.default([]),
  /** The built-in deny-list of src/policy/denyList.ts, on top of REPLYWRIGHT_BANNED_TERMS. */
  REPLYWRIGHT_DEFAULT_DENY_LIST: bool.default(true),
  REPLYWRIGHT_APPROVAL_TTL_MIN: int(1).default(120),

  // Generator
  REPLYWRIGHT_GENERATOR: z.enum(['template', 'openai']).default('template'),
  REPLYWRIGHT_OPENAI_BASE_URL: z.url().optional(),
  REPLYWRIGHT_OPENAI_API_KEY: z.string().optional(),
  REPLYWRIGHT_OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  REPLYWRIGHT_GENERATOR_TIMEOUT_MS: int(100).default(15000),

  // Browser poster
  REPLYWRIGHT_BROWSER_PATH: z.string().default('/usr/bin/chromium'),
  REPLYWRIGHT_BROWSER_STATE: z.string().default('./data/browser-state.json'),
  REPLYWRIGHT_BROWSER_PROFILE: z.string().default('sandbox'),
  REPLYWRIGHT_TRACES_DIR: z.string().default('./data/traces'),

  // Sandbox traffic (only for the embedded sandbox)
  SANDBOX_TRAFFIC_PER_MIN: z.coerce.number().min(0).default(30),
  SANDBOX_SEED: int(0).default(42),
  /**
   * How the sandbox plays idempotency: `permanent` (a repeated key returns the original post),
   * `window:<seconds>` (Mastodon: 3600) or `none` (X). The sandbox adapter declares the same.
   */
  SANDBOX_KEYS: z
    .string()
    .regex(/^(permanent|none|window:\d{1,7})$/, 'expected permanent, none or window:<seconds>')
    .default('permanent'),
  /** How long the sandbox takes to show a new post in its listings (an indexing delay). */
  SANDBOX_VISIBILITY_LAG_MS: int(0).default(0),
  /** Multiplies the sandbox's Mastodon dialect rate limits (1: Mastodon's own). */
  SANDBOX_MASTODON_LIMIT_SCALE: z.coerce.number().min(1).max(10_000).default(1),

  // Bluesky (REPLYWRIGHT_PLATFORM=bluesky)
  REPLYWRIGHT_BLUESKY_SERVICE: z.url().default('https://bsky.social'),
  REPLYWRIGHT_BLUESKY_IDENTIFIER: z.string().min(1).optional(),
  REPLYWRIGHT_BLUESKY_APP_PASSWORD: z.string().min(1).optional(),
  REPLYWRIGHT_BLUESKY_STATE: z.string().min(1).optional(),

  /** Sandbox bot credentials (dev defaults when unset). */
  REPLYWRIGHT_SANDBOX_TOKEN: z.string().min(8).optional(),
  REPLYWRIGHT_SANDBOX_PASSWORD: z.string().min(8).optional(),
  /** Proof target overrides, e.g. `queueSize=5,permitsUsed=2` (checked here, so a typo stops start-up). */
  REPLYWRIGHT_PROOF_TARGETS: z
    .string()
    .optional()
    .superRefine((spec, ctx) => {
      if (spec === undefined) return;
      try {
        parseTargetSpec(spec);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),

  INSPECT: bool.default(false),
  REPLYWRIGHT_INSPECT_URL: z
    .string()
    .regex(/^wss?:\/\//, 'expected a ws:// URL')
    .default('ws://127.0.0.1:8788'),

  // Mastodon (REPLYWRIGHT_PLATFORM=mastodon). Without REPLYWRIGHT_MASTODON_URL the adapter talks to the sandbox's Mastodon dialect.
  REPLYWRIGHT_MASTODON_URL: z.url().optional(),
  /** An application token with read:statuses read:notifications read:accounts write:statuses (secret). */
  REPLYWRIGHT_MASTODON_TOKEN: z.string().min(1).optional(),
  /** Replies keep the mention's visibility or narrower, and never go wider than this. */
  REPLYWRIGHT_MASTODON_MAX_VISIBILITY: z.enum(['public', 'unlisted', 'private', 'direct']).default('public'),

  // X (REPLYWRIGHT_PLATFORM=x). Without REPLYWRIGHT_X_API_URL the adapter talks to the sandbox's X dialect.
  REPLYWRIGHT_X_API_URL: z.url().optional(),
  REPLYWRIGHT_X_ACCESS_TOKEN: z.string().min(1).optional(),
  REPLYWRIGHT_X_REFRESH_TOKEN: z.string().min(1).optional(),
  REPLYWRIGHT_X_CLIENT_ID: z.string().min(1).optional(),
  REPLYWRIGHT_X_CLIENT_SECRET: z.string().min(1).optional(),
  REPLYWRIGHT_X_TOKEN_FILE: z.string().min(1).default('./data/x-token.json'),
  /** The operator states that X approved AI-generated replies for this app (X's developer rules). */
  REPLYWRIGHT_X_AI_REPLIES_APPROVED: bool.default(false),
  /** An X Enterprise agreement allows replies to posts that did not summon the account. */
  REPLYWRIGHT_X_ENTERPRISE_REPLIES: bool.default(false),
  /** `unit=usd` pairs over X's prices (see src/spend/prices.ts). */
  REPLYWRIGHT_X_PRICES_USD: z.string().default(X_PRICE_DEFAULTS_TEXT).pipe(xPricesText),
  /** Platform spend (USD) per rolling 24 h after which no new permit is granted. */
  REPLYWRIGHT_DAILY_BUDGET_USD: z.coerce.number().positive().optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return platformDefaults(parsed.data, present);
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'config');
  throw new ConfigError(`invalid ${variable}: ${issue.message}`);
}

/**
 * Settings one platform needs together: Bluesky needs its identifier and app password, and
 * its account is the identifier's handle unless REPLYWRIGHT_ACCOUNT says otherwise.
 */
function platformDefaults(config: Config, present: Record<string, string | undefined>): Config {
  if (config.REPLYWRIGHT_PLATFORM !== 'bluesky') return config;
  for (const name of ['REPLYWRIGHT_BLUESKY_IDENTIFIER', 'REPLYWRIGHT_BLUESKY_APP_PASSWORD'] as const) {
    if (!config[name]) throw new ConfigError(`invalid ${name}: required with REPLYWRIGHT_PLATFORM=bluesky`);
  }
  if (present.REPLYWRIGHT_ACCOUNT) return config;
  const identifier = config.REPLYWRIGHT_BLUESKY_IDENTIFIER!.replace(/^@+/, '').toLowerCase();
  if (identifier.startsWith('did:')) {
    throw new ConfigError(
      'invalid REPLYWRIGHT_ACCOUNT: set it to the handle when REPLYWRIGHT_BLUESKY_IDENTIFIER is a DID',
    );
  }
  return { ...config, REPLYWRIGHT_ACCOUNT: identifier };
}
