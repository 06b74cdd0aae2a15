import { PlatformUnavailable } from '../contract.ts';
import type { XCalls } from './calls.ts';
import { XRejected } from './errors.ts';
import { parseUser, type Viewer } from './wire.ts';

/**
 * Who is who on X: the account behind the token (asked once, and it must be the configured
 * account) and the user ids of handles (remembered: a user's id never changes).
 */
export class XUsers {
  readonly #calls: XCalls;
  readonly #account: string;
  #viewer: Promise<Viewer> | null = null;
  readonly #userIds = new Map<string, string>();

  constructor(calls: XCalls, account: string) {
    this.#calls = calls;
    this.#account = account;
  }

  /** The account behind the token (GET /2/users/me), once; it must be the configured account. */
  viewer(): Promise<Viewer> {
    this.#viewer ??= (async () => {
      const body = await this.#calls.call(
        'me',
        'read',
        'userRead',
        (v2) =>
          v2.get(
            'users/me',
            {},
            { fullResponse: true, timeout: this.#calls.timeoutMs, prefix: this.#calls.prefix },
          ),
        (data) => {
          const user = parseUser(data);
          return user ? [user.id] : [];
        },
      );
      const user = parseUser(body);
      if (!user) throw new PlatformUnavailable('GET /2/users/me: malformed user from X');
      if (user.username.toLowerCase() !== this.#account) {
        throw new XRejected(
          `the X token belongs to @${user.username}, but REPLYWRIGHT_ACCOUNT is ${this.#account}`,
          403,
          'x_wrong_account',
        );
      }
      this.#userIds.set(this.#account, user.id);
      return { id: user.id, username: this.#account };
    })().catch((error: unknown) => {
      this.#viewer = null;
      throw error;
    });
    return this.#viewer;
  }

  /** The user id of `handle`, or null when X has no such user. */
  async userId(handle: string): Promise<string | null> {
    const key = handle.toLowerCase();
    const known = this.#userIds.get(key);
    if (known) return known;
    const body = await this.#calls.call(
      'user_lookup',
      'read',
      'userRead',
      (v2) =>
        v2.get(
          'users/by/username/:username',
          {},
          {
            params: { username: key },
            fullResponse: true,
            timeout: this.#calls.timeoutMs,
            prefix: this.#calls.prefix,
          },
        ),
      (data) => {
        const user = parseUser(data);
        return user ? [user.id] : [];
      },
    );
    const user = parseUser(body);
    if (!user) return null;
    this.#userIds.set(key, user.id);
    return user.id;
  }
}
