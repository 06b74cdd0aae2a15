import type { PipelineDeps } from '../actors/deps.ts';
import { apiChannel } from '../actors/post.ts';
import type { ReplyChannel } from '../actors/replyChannel.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging.ts';

export interface ChannelDeps {
  platform: PipelineDeps['platform'];
  sandboxUrl: string;
  log: Logger;
  env: Record<string, string | undefined>;
}

/** REPLYWRIGHT_POSTER=api (default) posts through the platform API; `browser` through Chromium. */
export async function createChannel(config: Config, deps: ChannelDeps): Promise<ReplyChannel> {
  if (config.REPLYWRIGHT_POSTER === 'api') return apiChannel(deps);
  throw new Error('REPLYWRIGHT_POSTER=browser is not available yet');
}
