import { createHash } from 'node:crypto';
import { secureHeaders } from 'hono/secure-headers';
import { SCRIPT, UNLOCK_SCRIPT } from './dashboard/script.ts';
import { STYLES } from './dashboard/styles.ts';

/**
 * The browser-side guards on every response. The pages are server-rendered with one inline
 * stylesheet and one inline script each, so the CSP names exactly those by hash: an injected
 * `<script>` or `style=` attribute would not run even if escaping ever failed. The unlock page
 * writes the dashboard into itself (`document.write`) under its own policy, so both scripts
 * are allowed on every page. Scripts talk only to this origin (`connect-src 'self'`: fetch and
 * the EventSource); nothing may frame the dashboard (clickjacking on Pause/Approve).
 */
export function cspSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function securityHeaders() {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: [cspSource(SCRIPT), cspSource(UNLOCK_SCRIPT)],
      styleSrc: [cspSource(STYLES)],
      // The favicon is an inline SVG data: URL.
      imgSrc: ['data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  });
}
