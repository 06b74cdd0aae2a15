import type { Config } from '../config/config.ts';
import type { PipelineDeps } from '../jobs/deps.ts';
import { apiChannel } from '../jobs/post.ts';
import { createPreClickCheck } from '../jobs/preClickCheck.ts';
import type { PostAttempt, ReplyChannel } from '../jobs/replyChannel.ts';
import type { Logger } from '../logging.ts';
import { defaultPassword } from '../sandbox/auth.ts';

export interface ChannelDeps {
  platform: PipelineDeps['platform'];
  sandboxUrl: string;
  log: Logger;
  /**
   * The running pipeline's host and clock, for the browser poster's pre-click check. Pass
   * `createChannel` to `createReplywright` as a factory (`channel: (deps) => …`) to have them.
   */
  pipeline?: Pick<PipelineDeps, 'host' | 'clock'>;
}

/** REPLYWRIGHT_POSTER=api (default) posts through the platform API; `browser` through Chromium. */
export async function createChannel(config: Config, deps: ChannelDeps): Promise<ReplyChannel> {
  if (config.REPLYWRIGHT_POSTER === 'api') return apiChannel(deps);
  if (!deps.pipeline)
    throw new Error('REPLYWRIGHT_POSTER=browser needs the pipeline (host, clock) for its pre-click check');
  return browserChannelFromConfig(
    config,
    deps,
    createPreClickCheck({ ...deps.pipeline, platform: deps.platform, log: deps.log }),
  );
}

/**
 * The browser channel as configured (Chromium path, profile, session file, traces dir), with
 * the given pre-click check. Playwright is imported only here: an API-only run never loads it.
 */
export async function browserChannelFromConfig(
  config: Config,
  deps: Omit<ChannelDeps, 'pipeline'>,
  beforeClick: (permit: PostAttempt) => Promise<boolean>,
): Promise<ReplyChannel> {
  const [
    { createBrowserChannel },
    { loadProfile },
    { BrowserSession },
    { SharedBrowser },
    { assertScriptingAllowed },
  ] = await Promise.all([
    import('../platforms/browser/browserChannel.ts'),
    import('../platforms/browser/profile.ts'),
    import('../platforms/browser/session.ts'),
    import('../platforms/browser/sharedBrowser.ts'),
    import('../platforms/browser/sitePolicy.ts'),
  ]);
  const profile = loadProfile(config.REPLYWRIGHT_BROWSER_PROFILE);
  assertScriptingAllowed(deps.sandboxUrl, profile);
  const sandbox = profile.name === 'sandbox';
  return createBrowserChannel({
    profile,
    baseUrl: deps.sandboxUrl,
    browser: new SharedBrowser({ executablePath: config.REPLYWRIGHT_BROWSER_PATH }),
    session: new BrowserSession({
      statePath: config.REPLYWRIGHT_BROWSER_STATE,
      profile,
      baseUrl: deps.sandboxUrl,
      credentials: sandbox
        ? {
            handle: config.REPLYWRIGHT_ACCOUNT,
            password: config.REPLYWRIGHT_SANDBOX_PASSWORD ?? defaultPassword(config.REPLYWRIGHT_ACCOUNT),
          }
        : undefined,
    }),
    tracesDir: config.REPLYWRIGHT_TRACES_DIR,
    beforeClick,
    log: deps.log,
  });
}
