import { SimulatedClock } from '../../src/runtime/clock.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { SEED_USERS } from '../../src/sandbox/traffic.ts';

/** An in-memory sandbox on a simulated clock, with the traffic generator's users. */
export async function memorySandbox(seed = 1): Promise<{ platform: SandboxPlatform; clock: SimulatedClock }> {
  const clock = new SimulatedClock();
  const platform = await SandboxPlatform.open(':memory:', { clock, seed });
  for (const user of SEED_USERS) platform.ensureUser(user);
  return { platform, clock };
}
