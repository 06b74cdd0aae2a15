import { MastodonAdapter } from '../platforms/mastodon/adapter.ts';
import type { Clock } from '../runtime/clock.ts';
import { defaultAccountToken } from '../sandbox/auth.ts';
import { mastodonIdempotency } from '../sandbox/mastodon/idempotency.ts';
import type { SandboxPlatform } from '../sandbox/platform.ts';
import { serveSandboxOnLoopback } from './loopbackSandbox.ts';

/**
 * `--platform mastodon` for the simulator: the sandbox served on a loopback port and the
 * Mastodon adapter (the `masto` client over real HTTP) against its Mastodon dialect, on the
 * simulation's clock, declaring what the dialect plays: Mastodon's one-hour key window
 * narrowed by the sandbox's mode, and its listing lag. Network timing is real, so a run replays
 * the same traffic, faults and crash points but is not bit-for-bit repeatable.
 */
export async function serveMastodonDialect(
  platform: SandboxPlatform,
  clock: Clock,
): Promise<{ adapter: MastodonAdapter; close(): Promise<void> }> {
  const served = await serveSandboxOnLoopback(platform);
  const adapter = new MastodonAdapter({
    url: served.url,
    token: defaultAccountToken(platform.account),
    account: platform.account,
    idempotency: mastodonIdempotency(platform.behaviour.idempotency),
    visibilityLagMs: platform.behaviour.config.visibilityLagMs,
    clock,
  });
  return { adapter, close: served.close };
}
