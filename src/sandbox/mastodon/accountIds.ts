import { createHash } from 'node:crypto';
import type { SandboxPlatform } from '../platform.ts';
import type { SandboxUser } from '../types.ts';

/**
 * Mastodon identifies accounts by numeric ids; the sandbox by handle. An account's id is 48
 * bits of its handle's SHA-256, so it is stable across restarts and needs no column.
 *
 * @example accountIdOf('alice') // '201918279384461' (always the same)
 */
export function accountIdOf(acct: string): string {
  const digest = createHash('sha256').update(acct.toLowerCase()).digest('hex');
  return BigInt(`0x${digest.slice(0, 12)}`).toString();
}

/** Resolves account ids back to sandbox users; rebuilt when an id is not found (users come and go). */
export class AccountDirectory {
  readonly #platform: SandboxPlatform;
  #byId = new Map<string, string>();

  constructor(platform: SandboxPlatform) {
    this.#platform = platform;
  }

  userById(id: string): SandboxUser | null {
    let handle = this.#byId.get(id);
    if (handle === undefined) {
      this.#byId = new Map(this.#platform.listUsers().map((u) => [accountIdOf(u.handle), u.handle]));
      handle = this.#byId.get(id);
    }
    return handle === undefined ? null : this.#platform.getUser(handle);
  }
}
