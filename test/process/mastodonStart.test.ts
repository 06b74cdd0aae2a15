import { describe, expect, it } from 'vitest';
import { firstPostedReply, startSystem } from '../support/startProcess.ts';

/**
 * `REPLYWRIGHT_PLATFORM=mastodon npm start` without an account: the embedded sandbox, spoken
 * to in its Mastodon dialect through the masto client, answers its generated traffic.
 */
describe('npm start with REPLYWRIGHT_PLATFORM=mastodon and no REPLYWRIGHT_MASTODON_URL', () => {
  it('checks the account at start-up and posts a traced reply through the Mastodon dialect', async () => {
    const system = await startSystem([process.execPath, '--import', 'tsx', 'src/cli/start.ts'], {
      REPLYWRIGHT_PLATFORM: 'mastodon',
    });
    try {
      const postId = await firstPostedReply(system.url, 60_000);
      const trace = (await (await fetch(`${system.url}/api/trace/${postId}`)).json()) as {
        complete: boolean;
      };
      expect(trace.complete).toBe(true);
      expect(system.output()).toContain('mastodon account checked');
      expect(system.output()).not.toContain('sandbox-token-replywright_bot');
      const status = (await (await fetch(`${system.url}/api/status`)).json()) as {
        config: { platform: string };
      };
      expect(status.config.platform).toBe('mastodon');
      system.child.kill('SIGTERM');
      expect(await system.exited).toBe(0);
    } finally {
      system.child.kill('SIGKILL');
    }
  }, 120_000);
});
