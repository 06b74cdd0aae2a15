import { createRestAPIClient, type mastodon } from 'masto';

export interface MastodonClientOptions {
  /** The instance, e.g. https://mastodon.social (or the sandbox's URL). */
  url: string;
  /** An application token with read:statuses read:notifications read:accounts write:statuses. */
  token: string;
  /** Per request. */
  timeoutMs: number;
}

/** The `masto` REST client, quiet (its console logger only for errors; it never logs the token at that level). */
export function createMastodonClient(options: MastodonClientOptions): mastodon.rest.Client {
  return createRestAPIClient({
    url: options.url,
    accessToken: options.token,
    timeout: options.timeoutMs,
    log: 'error',
  });
}
