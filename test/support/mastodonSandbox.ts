import { createRestAPIClient, type mastodon } from 'masto';
import { MastodonAdapter, type MastodonAdapterOptions } from '../../src/platforms/mastodon/adapter.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/main.ts';
import type { MastodonLimits } from '../../src/sandbox/mastodon/rateLimits.ts';
import type { PostVisibility } from '../../src/sandbox/types.ts';

export const MASTODON_BOT = 'replywright_bot';
export const MASTODON_TOKEN = 'mastodon-dialect-token-0123456789';
export const SANDBOX_ADMIN = 'sandbox-admin-token-0123456789';

export interface MastodonSandbox {
  sandbox: RunningSandbox;
  url: string;
  clock: SimulatedClock;
  /** The real `masto` client with the bot's token (or another / none). */
  masto(token?: string | null): mastodon.rest.Client;
  /** The adapter under test, on the same sandbox and clock. */
  adapter(overrides?: Partial<MastodonAdapterOptions>): MastodonAdapter;
  /** A post by `author` (created as a user when new); returns its id. */
  post(author: string, text: string, options?: { inReplyToId?: string; visibility?: PostVisibility }): string;
  /** `POST /admin/...` as the sandbox admin. */
  admin(path: string, body: unknown): Promise<Response>;
  /** The sandbox's ground truth for one author, as `GET /api/posts` serves it. */
  groundTruth(author?: string): Promise<
    {
      id: string;
      in_reply_to_id: string | null;
      visibility: string;
      text: string;
      idempotency_key: string | null;
    }[]
  >;
  stop(): Promise<void>;
}

/** The sandbox over real HTTP on a free port, on a simulated clock, for the Mastodon dialect. */
export async function serveMastodonSandbox(
  options: { limits?: MastodonLimits; dbPath?: string; account?: string } = {},
): Promise<MastodonSandbox> {
  const clock = new SimulatedClock();
  const sandbox = await startSandbox({
    port: 0,
    dbPath: options.dbPath ?? ':memory:',
    seed: 3,
    trafficPerMin: 0,
    account: options.account ?? MASTODON_BOT,
    adminToken: SANDBOX_ADMIN,
    accountToken: MASTODON_TOKEN,
    clock,
    mastodonLimits: options.limits,
  });
  const { platform } = sandbox;
  return {
    sandbox,
    url: sandbox.url,
    clock,
    masto: (token = MASTODON_TOKEN) =>
      createRestAPIClient({
        url: sandbox.url,
        ...(token === null ? {} : { accessToken: token }),
        timeout: 5_000,
        log: 'error',
      }),
    adapter: (overrides = {}) =>
      new MastodonAdapter({
        url: sandbox.url,
        token: MASTODON_TOKEN,
        account: options.account ?? MASTODON_BOT,
        clock,
        timeoutMs: 5_000,
        ...overrides,
      }),
    post(author, text, postOptions = {}) {
      platform.ensureUser({ handle: author, displayName: author, followers: 10 });
      return platform.createPost({
        author,
        text,
        inReplyToId: postOptions.inReplyToId ?? null,
        visibility: postOptions.visibility,
      }).post.id;
    },
    admin: (path, body) =>
      fetch(`${sandbox.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SANDBOX_ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async groundTruth(author) {
      const response = await fetch(`${sandbox.url}/api/posts${author ? `?author=${author}` : ''}`);
      return (await response.json()) as never;
    },
    stop: () => sandbox.stop(),
  };
}
