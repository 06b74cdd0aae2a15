/** What `waitFor` treats as "not yet". */
type NotYet = null | undefined | false;

export interface WaitForOptions {
  /** Gives up after this long (default 5 s, vitest's own test timeout). */
  timeoutMs?: number;
  /** Pause between probes (default 25 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

const isReady = <T>(value: T | NotYet): value is Exclude<T, NotYet> =>
  value !== null && value !== undefined && value !== false;

/**
 * Polls `probe` until it returns something other than null, undefined or false, and returns
 * that; a probe that throws counts as "not yet" (its last error is in the timeout message).
 * The one way tests wait for something to happen: never a fixed sleep.
 */
export async function waitFor<T>(
  probe: () => T | NotYet | Promise<T | NotYet>,
  options: WaitForOptions = {},
): Promise<Exclude<T, NotYet>> {
  const { timeoutMs = 5_000, intervalMs = 25, what = 'a condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (isReady(value)) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : `: ${String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
