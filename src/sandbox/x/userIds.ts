import { createHash } from 'node:crypto';
import type { SandboxPlatform } from '../platform.ts';

/**
 * X names users by numeric ids; the sandbox by handles. A handle's X id is derived from the
 * handle alone (18 digits, stable across restarts and sandboxes), so an adapter may cache it.
 *
 * @example xUserId('replywright_bot') // '4…' (18 digits)
 */
export function xUserId(handle: string): string {
  const digest = createHash('sha256').update(handle.toLowerCase()).digest();
  const n = digest.readBigUInt64BE(0) % 900_000_000_000_000_000n;
  return String(n + 100_000_000_000_000_000n);
}

/** The handle behind an X user id, among the platform's users; null when none has it. */
export class XUserDirectory {
  readonly #platform: SandboxPlatform;
  #byId = new Map<string, string>();

  constructor(platform: SandboxPlatform) {
    this.#platform = platform;
  }

  handleOf(id: string): string | null {
    const known = this.#byId.get(id);
    if (known) return known;
    // Users are few and only ever added: rebuild on a miss.
    this.#byId = new Map(this.#platform.listUsers().map((u) => [xUserId(u.handle), u.handle]));
    return this.#byId.get(id) ?? null;
  }
}
