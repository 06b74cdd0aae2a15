import type { Config } from './config.ts';

/**
 * One line of meaning per setting; README's configuration table is generated from this and
 * a test keeps the two in step with the schema.
 */
export const CONFIG_DOCS: Record<keyof Config, string> = {
  PORT: 'HTTP port of the dashboard, API and metrics.',
  HOST: 'Interface the HTTP server binds (0.0.0.0 in containers).',
  SANDBOX_PORT: 'Port of the embedded sandbox platform.',
  REPLYWRIGHT_SANDBOX_URL: 'Use an external sandbox at this URL instead of starting one.',
  REPLYWRIGHT_DB: 'SQLite file of the pipeline (WAL mode).',
  REPLYWRIGHT_SANDBOX_DB: 'SQLite file of the embedded sandbox.',
  REPLYWRIGHT_PLATFORM: 'Platform adapter (`sandbox`, `bluesky`, `x`, `mastodon`).',
  REPLYWRIGHT_ACCOUNT: "The bot's handle on the platform.",
  REPLYWRIGHT_APPROVAL:
    '`auto` approves permits; `manual` parks them for an operator (expiring after the approval TTL).',
  REPLYWRIGHT_POSTER:
    '`api` posts through the platform API; `browser` through Chromium (sites that allow it only).',
  REPLYWRIGHT_ADMIN_TOKEN:
    'Bearer token for every mutating route (≥ 16 chars). Without it, `npm start` writes a one-run token next to the DB.',
  REPLYWRIGHT_READ_TOKEN_REQUIRED: 'Require the token on read routes and pages too.',
  REPLYWRIGHT_ALLOWED_HOSTS:
    'Comma-separated Host names (`name` or `name:port`) the HTTP server answers besides 127.0.0.1, localhost and [::1] on its port; `*` for any. Bound to loopback, any other Host is a 403 (DNS rebinding); bound beyond it with this unset, every Host is answered.',
  REPLYWRIGHT_LOG_LEVEL: 'pino level (JSON on stdout; pretty on a TTY).',
  REPLYWRIGHT_SPEED: '`dev`: seconds-scale job intervals; `prod`: minutes-scale.',
  REPLYWRIGHT_SEARCH_QUERIES:
    'Comma-separated search queries to fetch (keyword-only results need the next flag).',
  REPLYWRIGHT_AUTHOR_LISTS: 'Comma-separated authors whose posts are fetched.',
  REPLYWRIGHT_ALLOW_KEYWORD_REPLIES:
    'RISK: reply to posts that did not mention or reply to the account. Off by default; shown on the dashboard.',
  REPLYWRIGHT_MAX_AGE_MIN: 'Posts older than this are too old to answer.',
  REPLYWRIGHT_MIN_LENGTH: 'Minimum text length (without mentions and links).',
  REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: 'Minimum time between two replies to the same author.',
  REPLYWRIGHT_MIN_SCORE: 'Candidates scoring below this (0–100) are rejected.',
  REPLYWRIGHT_QUEUE_TTL_MIN: 'How long a queued candidate waits before it expires.',
  REPLYWRIGHT_QUEUE_LOW_WATERMARK:
    "Below this queue size the scheduler asks for a refill fetch; also the proof's queue target (a queue under it passes while the scheduler drains it as fast as it is fed).",
  REPLYWRIGHT_CAP_PER_HOUR: 'Permits per rolling hour.',
  REPLYWRIGHT_CAP_PER_DAY: 'Permits per rolling day.',
  REPLYWRIGHT_MIN_SPACING_SEC: 'Minimum time between two permits.',
  REPLYWRIGHT_QUIET_HOURS: 'No permits in this UTC window, e.g. `22:00-07:00`.',
  REPLYWRIGHT_BANNED_TERMS:
    'Comma-separated terms a reply may never contain, on top of the default deny-list.',
  REPLYWRIGHT_DEFAULT_DENY_LIST:
    'The content gate also refuses the built-in deny-list (`src/policy/denyList.ts`: scams, credential phishing, threats, hate, sexual content). `0` turns it off (shown as a risk).',
  REPLYWRIGHT_APPROVAL_TTL_MIN: 'How long a permit may wait for approval or posting before it expires.',
  REPLYWRIGHT_GENERATOR: '`template` (offline, deterministic) or `openai` (any OpenAI-compatible API).',
  REPLYWRIGHT_OPENAI_BASE_URL: 'Base URL of the OpenAI-compatible API (required for `openai`).',
  REPLYWRIGHT_OPENAI_API_KEY: 'API key (secret; never logged).',
  REPLYWRIGHT_OPENAI_MODEL: 'Model name.',
  REPLYWRIGHT_GENERATOR_TIMEOUT_MS: 'Generation timeout; a timeout releases the candidate back to the queue.',
  REPLYWRIGHT_BROWSER_PATH: 'Chromium binary for the browser poster.',
  REPLYWRIGHT_BROWSER_STATE: 'Playwright storage-state file with the browser session (secret; never logged).',
  REPLYWRIGHT_BROWSER_PROFILE: 'Site profile (selectors) for the browser poster.',
  REPLYWRIGHT_TRACES_DIR: 'Where failed browser posts leave a Playwright trace and a screenshot.',
  SANDBOX_TRAFFIC_PER_MIN: 'Synthetic posts per minute on the embedded sandbox.',
  SANDBOX_SEED: 'Seed of the sandbox traffic and faults.',
  SANDBOX_KEYS:
    'How the sandbox plays idempotency keys: `permanent`, `window:<seconds>` (Mastodon: 3600) or `none` (X). Also what the sandbox adapter declares.',
  SANDBOX_VISIBILITY_LAG_MS:
    'How long the sandbox takes to show a new post in its listings; the sandbox adapter declares it, and absence is judged only after it.',
  SANDBOX_MASTODON_LIMIT_SCALE:
    "Multiplies the sandbox's Mastodon dialect rate limits (300 requests / 5 min, 300 statuses / 3 h); 1 plays Mastodon's own. The chaos harness sets 100 for its dev-speed runs.",
  REPLYWRIGHT_SANDBOX_TOKEN: "The sandbox bot's API token (dev default when unset; secret).",
  REPLYWRIGHT_SANDBOX_PASSWORD:
    "The sandbox bot's web password for the browser poster (dev default when unset; secret).",
  REPLYWRIGHT_BLUESKY_SERVICE:
    'Bluesky: the PDS or entryway to sign in at (an `http://` URL works for a local network).',
  REPLYWRIGHT_BLUESKY_IDENTIFIER:
    "Bluesky: the bot's handle (or DID) to sign in with; also the default REPLYWRIGHT_ACCOUNT.",
  REPLYWRIGHT_BLUESKY_APP_PASSWORD:
    'Bluesky: an app password (Settings → App passwords; secret, never logged).',
  REPLYWRIGHT_BLUESKY_STATE:
    "Bluesky: the adapter's state file (session tokens, reply keys; mode 0600). Default: `bluesky-state.db` next to REPLYWRIGHT_DB.",
  REPLYWRIGHT_PROOF_TARGETS:
    'Proof target overrides for the dashboard, `/api/proof` and `npm run proof`, e.g. `queueSize=5,permitsUsed=2`; an unknown target or a bad number stops start-up.',
  INSPECT: 'Report actors to the Stately inspector (@statelyai/inspect); start one with `npm run inspector`.',
  REPLYWRIGHT_INSPECT_URL: 'WebSocket URL of the inspector server `INSPECT=1` reports to.',
  REPLYWRIGHT_MASTODON_URL:
    'Mastodon: the instance, e.g. `https://mastodon.social`. Unset: the sandbox (embedded or REPLYWRIGHT_SANDBOX_URL) in its Mastodon dialect.',
  REPLYWRIGHT_MASTODON_TOKEN:
    "Mastodon: the account's application token, scopes `read:statuses read:notifications read:accounts write:statuses` (secret). Unset on the sandbox: the sandbox bot's token.",
  REPLYWRIGHT_MASTODON_MAX_VISIBILITY:
    'Mastodon: the widest visibility a reply may have (`public`, `unlisted`, `private`, `direct`); a reply never goes wider than the mention either.',
  REPLYWRIGHT_X_API_URL:
    'X: the API base, `https://api.x.com` for the real X. Unset: the sandbox (embedded or REPLYWRIGHT_SANDBOX_URL) in its X dialect.',
  REPLYWRIGHT_X_ACCESS_TOKEN:
    "X: the account's OAuth 2.0 user-context access token (scopes tweet.read tweet.write users.read offline.access; secret). Unset on the sandbox: the sandbox bot's token.",
  REPLYWRIGHT_X_REFRESH_TOKEN:
    'X: the OAuth 2.0 refresh token (secret); with the client id the token is refreshed and the rotated one saved.',
  REPLYWRIGHT_X_CLIENT_ID: "X: the app's OAuth 2.0 client id (needed to refresh).",
  REPLYWRIGHT_X_CLIENT_SECRET: "X: the app's OAuth 2.0 client secret, for a confidential client (secret).",
  REPLYWRIGHT_X_TOKEN_FILE:
    'X: where refreshed tokens are kept (mode 0600); it outlives the spent refresh token in the environment.',
  REPLYWRIGHT_X_AI_REPLIES_APPROVED:
    'X: you state that X approved AI-generated replies for this app; without it the `openai` generator refuses to start on X. Shown as a risk.',
  REPLYWRIGHT_X_ENTERPRISE_REPLIES:
    'RISK, X: an Enterprise agreement allows replies to posts that did not summon the account; only then does REPLYWRIGHT_ALLOW_KEYWORD_REPLIES apply on X.',
  REPLYWRIGHT_X_PRICES_USD:
    'X prices in USD, `unit=usd` pairs over the defaults: reply (to a post that summoned the account), post, urlPost (with a link), ownedRead, read, userRead (per item).',
  REPLYWRIGHT_DAILY_BUDGET_USD:
    'Platform spend per rolling 24 h after which no new permit is granted (blocking reason `budget_reached`). Unset: no budget.',
};

/** The README's configuration table: variable, default, meaning. */
export function configTable(defaults: Partial<Config>): string {
  const rows = Object.entries(CONFIG_DOCS).map(([name, meaning]) => {
    const value = defaults[name as keyof Config];
    const shown =
      value === undefined || value === null
        ? '—'
        : Array.isArray(value)
          ? value.join(',') || '—'
          : String(value);
    return `| \`${name}\` | \`${shown}\` | ${meaning} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
