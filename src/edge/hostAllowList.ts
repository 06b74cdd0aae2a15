/**
 * Which Host a server answers to — the guard against DNS rebinding, where a page on
 * evil.example re-points its name at 127.0.0.1 and reads a local server as its own origin.
 * The browser still sends `Host: evil.example`, so a server that only answers the names it is
 * really reached by is safe from it.
 *
 * Bound to loopback, the loopback names with the server's own port are allowed: 127.0.0.1,
 * localhost and [::1]. Configured entries (`name` for any port, `name:port` for one, `*` for
 * anything) are allowed on top. Bound beyond loopback with nothing configured, the names the
 * server is reached by are unknown, so every Host is allowed (documented in docs/SECURITY.md).
 *
 * @example
 * const policy = hostPolicy('127.0.0.1', undefined);
 * hostAllowed(policy, 'localhost:8080', 8080) // true
 * hostAllowed(policy, 'evil.example:8080', 8080) // false
 */
export type HostPolicy =
  | { kind: 'any' }
  | { kind: 'list'; loopbackNames: ReadonlySet<string>; entries: readonly HostEntry[] };

interface HostEntry {
  hostname: string;
  /** null: any port. */
  port: number | null;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for the addresses and names that only the machine itself can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

export function hostPolicy(bindHost: string, configured: readonly string[] | undefined): HostPolicy {
  const list = configured ?? [];
  if (list.includes('*')) return { kind: 'any' };
  const loopback = isLoopbackHost(bindHost);
  if (!loopback && list.length === 0) return { kind: 'any' };
  // The bound address itself too, when it is another loopback one (127.0.0.2, [::1]).
  const bound = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  const loopbackNames = loopback ? new Set([...LOOPBACK_NAMES, bound.toLowerCase()]) : new Set<string>();
  return { kind: 'list', loopbackNames, entries: list.map(parseEntry) };
}

/** Whether `host` (a Host header, or the host of an absolute request target) may be answered. */
export function hostAllowed(policy: HostPolicy, host: string, localPort: number | undefined): boolean {
  if (policy.kind === 'any') return true;
  const parsed = parseHost(host);
  if (!parsed) return false;
  const port = parsed.port ?? 80;
  if (policy.loopbackNames.has(parsed.hostname)) {
    // The port must be the one the request arrived on; unknown only for in-process requests.
    return localPort === undefined || port === localPort;
  }
  return policy.entries.some((e) => e.hostname === parsed.hostname && (e.port === null || e.port === port));
}

/** A config entry: `name` or `name:port`; a malformed entry matches nothing. */
function parseEntry(entry: string): HostEntry {
  return parseHost(entry) ?? { hostname: '', port: -1 };
}

/**
 * `name[:port]` or `[ipv6][:port]`, lower-cased. Anything else — user info, a path, a trailing
 * dot, an empty or out-of-range port — is not a host this server serves.
 */
function parseHost(host: string): HostEntry | null {
  const match =
    /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?$/i.exec(
      host.trim(),
    );
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65_535)) return null;
  return { hostname: match[1]!.toLowerCase(), port };
}
