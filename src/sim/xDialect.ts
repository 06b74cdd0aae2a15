import { createXAdapter, type XAdapter } from '../platforms/x/adapter.ts';
import { XAuth } from '../platforms/x/auth.ts';
import type { Clock } from '../runtime/clock.ts';
import { defaultAccountToken } from '../sandbox/auth.ts';
import type { SandboxPlatform } from '../sandbox/platform.ts';
import { serveSandboxOnLoopback } from './loopbackSandbox.ts';

/**
 * `--platform x` for the simulator: the sandbox served on a loopback port and the X adapter
 * (twitter-api-v2 over real HTTP) against its X dialect, on the simulation's clock. Network
 * timing is real, so a run on X replays the same traffic, faults and crash points but is not
 * bit-for-bit repeatable the way an in-process run is.
 */
export async function serveXDialect(
  platform: SandboxPlatform,
  clock: Clock,
): Promise<{ adapter: XAdapter; close(): Promise<void> }> {
  const served = await serveSandboxOnLoopback(platform);
  const adapter = createXAdapter({
    baseUrl: served.url,
    account: platform.account,
    auth: new XAuth({ accessToken: defaultAccountToken(platform.account) }),
    // Declared as the sandbox plays it; absence is judged only after it.
    visibilityLagMs: platform.behaviour.config.visibilityLagMs,
    now: () => clock.now(),
  });
  return { adapter, close: served.close };
}
