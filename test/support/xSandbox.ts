import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { PlatformCall } from '../../src/platforms/usage.ts';
import { createXAdapter, type XAdapter, type XAdapterOptions } from '../../src/platforms/x/adapter.ts';
import { XAuth } from '../../src/platforms/x/auth.ts';
import { type Clock, SimulatedClock } from '../../src/runtime/clock.ts';
import { defaultAccountToken } from '../../src/sandbox/auth.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { createSandboxApp } from '../../src/sandbox/server.ts';
import type { XDialectOptions } from '../../src/sandbox/x/routes.ts';

export const X_ACCOUNT = 'replywright_bot';

export interface XSandbox {
  url: string;
  platform: SandboxPlatform;
  clock: Clock;
  /** An adapter on the real twitter-api-v2 client, with the bot's token; its calls in `calls`. */
  adapter(options?: Partial<XAdapterOptions>): XAdapter;
  calls: PlatformCall[];
  /** A root post by `author`; `@bot` is prepended unless `mention` is false. */
  post(author: string, text: string, options?: { mention?: boolean; inReplyToId?: string }): string;
  stop(): Promise<void>;
}

/** The sandbox (JSON API, ground truth and X dialect) served over real HTTP on a free port. */
export async function serveXSandbox(
  options: { clock?: Clock; x?: XDialectOptions; seed?: number } = {},
): Promise<XSandbox> {
  const clock = options.clock ?? new SimulatedClock();
  const platform = await SandboxPlatform.open(':memory:', {
    clock,
    seed: options.seed ?? 5,
    account: X_ACCOUNT,
  });
  const app = createSandboxApp(platform, { adminToken: 'sandbox-admin-token-0123456789', x: options.x });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const calls: PlatformCall[] = [];
  return {
    url,
    platform,
    clock,
    calls,
    adapter: (overrides = {}) =>
      createXAdapter({
        baseUrl: url,
        account: X_ACCOUNT,
        auth: new XAuth({ accessToken: defaultAccountToken(X_ACCOUNT) }),
        now: () => clock.now(),
        onCall: (call) => calls.push(call),
        timeoutMs: 5_000,
        visibilityLagMs: 0,
        ...overrides,
      }),
    post(author, text, postOptions = {}) {
      platform.ensureUser({ handle: author, displayName: author });
      const body = postOptions.mention === false ? text : `@${X_ACCOUNT} ${text}`;
      return platform.createPost({ author, text: body, inReplyToId: postOptions.inReplyToId ?? null }).post
        .id;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          platform.close();
          resolve();
        });
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
