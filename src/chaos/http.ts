import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** GET `url`; the status, or null when nothing answered within `timeoutMs`. */
export async function httpStatus(url: string, timeoutMs = 2_000): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

/**
 * Polls `check` every `intervalMs` until it returns true; false once `timeoutMs` passed or
 * `giveUp` says so (e.g. the process being waited for has died).
 */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs: number; giveUp?: () => boolean },
): Promise<boolean> {
  const end = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.giveUp?.()) return false;
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await sleep(options.intervalMs);
  }
}
