import type { BrowserProfile } from './profile.ts';

/**
 * Sites whose rules forbid scripting their website. The browser poster refuses them outright
 * — a platform rule, not an option: X wants automation through its API, never its web UI.
 */
export const SCRIPTING_FORBIDDEN_HOSTS = ['x.com', 'twitter.com'] as const;

export class ScriptingForbidden extends Error {
  override name = 'ScriptingForbidden';
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function isScriptingForbidden(url: string): boolean {
  const host = hostOf(url);
  return host !== null && SCRIPTING_FORBIDDEN_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

/** Throws when the base URL or any absolute URL of the profile points at such a site. */
export function assertScriptingAllowed(baseUrl: string, profile: BrowserProfile): void {
  const urls = [baseUrl, profile.postUrl, profile.login?.url].filter(
    (u): u is string => !!u && /^https?:/.test(u),
  );
  const forbidden = urls.find(isScriptingForbidden);
  if (forbidden) {
    throw new ScriptingForbidden(
      `the browser poster does not script ${hostOf(forbidden)}: its rules forbid automating the website (use its API adapter)`,
    );
  }
}
